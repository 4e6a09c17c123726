"""What the office's screening took out of the count, told apart: lines excluded as not consumption (剔除, their
money leaves the total) and duplicates merged into another line (合并, their money moved, the total unchanged).

Both are stored as excluded lines; a merge writes reporting's MERGED_INTO reason. The dashboard's 已剔除 and the
circular's sentence both read this one fact.
"""

import re
from dataclasses import dataclass, field

from django.db.models import Count, Sum

from fupin.core.periods import Period
from fupin.insights.models import SubmissionSum
from fupin.reporting.exclusions import MERGED_INTO
from fupin.reporting.models import COUNTED_STATUSES, PurchaseLine
from fupin.units import access
from fupin.units.models import Unit

MERGED_REASON = re.compile("^" + re.escape(MERGED_INTO).replace(re.escape("{n}"), r"(\d+)") + "$")


@dataclass
class Screened:
    excluded_lines: int = 0
    excluded_fen: int = 0
    excluded_units: list[Unit] = field(default_factory=list)
    merged_lines: int = 0  # lines folded into another
    merged_fen: int = 0  # money moved into the kept lines (still counted there)
    merged_groups: int = 0  # kept lines that took others in: what a person calls one merge


def is_merged(reason: str) -> bool:
    return bool(MERGED_REASON.match(reason or ""))


def screened(*, root: Unit, period: Period, user=None) -> Screened:
    """Three aggregate queries, never the lines themselves (a year may have screened out thousands)."""
    lines = PurchaseLine.objects.filter(root.subtree_q("submission__unit__"), excluded=True,
                                        submission__status__in=COUNTED_STATUSES,
                                        submission__first_month__gte=period.first,
                                        submission__last_month__lte=period.last)
    if user is not None:
        lines = lines.filter(access.visible_units_q(user, "submission__unit__"))
    # Only the reports that have excluded lines at all (their sums say so, kept at write) are read line by line.
    lines = lines.filter(submission_id__in=SubmissionSum.objects.filter(
        excluded_lines__gt=0, submission__first_month__gte=period.first,
        submission__last_month__lte=period.last).values("submission_id"))
    merged = lines.filter(exclusion_reason__regex=MERGED_REASON.pattern)
    taken_out = lines.exclude(exclusion_reason__regex=MERGED_REASON.pattern)
    result = Screened()
    totals = taken_out.aggregate(n=Count("pk"), a=Sum("amount_fen"))
    result.excluded_lines, result.excluded_fen = totals["n"], totals["a"] or 0
    totals = merged.aggregate(n=Count("pk"), a=Sum("amount_fen"))
    result.merged_lines, result.merged_fen = totals["n"], totals["a"] or 0
    if result.merged_lines:
        # One kept line per (report, "merged into line n"): what a person calls one merge.
        result.merged_groups = merged.values("submission_id", "exclusion_reason").distinct().order_by().count()
    if result.excluded_lines:
        result.excluded_units = list(Unit.objects.filter(pk__in=taken_out.values("submission__unit_id"))
                                     .order_by("path"))
    return result
