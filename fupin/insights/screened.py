"""What the office's screening took out of the count, told apart: lines excluded as not consumption (剔除, their
money leaves the total) and duplicates merged into another line (合并, their money moved, the total unchanged).

Both are stored as excluded lines; a merge writes reporting's MERGED_INTO reason. The dashboard's 已剔除 and the
circular's sentence both read this one fact.
"""

import re
from dataclasses import dataclass, field

from fupin.core.periods import Period
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
    lines = PurchaseLine.objects.filter(root.subtree_q("submission__unit__"), excluded=True,
                                        submission__status__in=COUNTED_STATUSES,
                                        submission__first_month__gte=period.first,
                                        submission__last_month__lte=period.last)
    if user is not None:
        lines = lines.filter(access.visible_units_q(user, "submission__unit__"))
    rows = (lines.select_related("submission__unit")
            .order_by("submission__unit__path", "submission__first_month", "position", "pk"))
    result, groups = Screened(), set()
    for line in rows:
        merged = MERGED_REASON.match(line.exclusion_reason or "")
        if merged:
            result.merged_lines += 1
            result.merged_fen += line.amount_fen
            groups.add((line.submission_id, merged.group(1)))
        else:
            result.excluded_lines += 1
            result.excluded_fen += line.amount_fen
            if line.submission.unit not in result.excluded_units:
                result.excluded_units.append(line.submission.unit)
    result.merged_groups = len(groups)
    return result
