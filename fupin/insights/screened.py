"""What the office's screening took out of the count, told apart: lines excluded as not consumption (剔除, their
money leaves the total) and duplicates merged into another line (合并, their money moved, the total unchanged).

Both are stored as excluded lines; a merge writes reporting's MERGED_INTO reason. The dashboard's 已剔除 and the
circular's sentence both read this one fact.
"""

import re
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Sum

from fupin.core.periods import Period
from fupin.reporting.exclusions import MERGED_INTO
from fupin.units import access
from fupin.units.models import Unit
from fupin.units.selectors import is_whole_tree

MERGED_REASON = re.compile("^" + re.escape(MERGED_INTO).replace(re.escape("{n}"), r"(\d+)") + "$")


@dataclass
class Screened:
    excluded_lines: int = 0
    excluded_fen: int = 0
    merged_lines: int = 0  # lines folded into another
    merged_fen: int = 0  # money moved into the kept lines (still counted there)
    merged_groups: int = 0  # kept lines that took others in: what a person calls one merge
    _units_query: object = field(default=None, repr=False, compare=False)

    @cached_property
    def excluded_units(self) -> list[Unit]:
        """The units lines were taken out of, read only when asked (a year may name thousands)."""
        if not self.excluded_lines or self._units_query is None:
            return []
        return list(Unit.objects.filter(pk__in=self._units_query).order_by("path"))


def is_merged(reason: str) -> bool:
    return bool(MERGED_REASON.match(reason or ""))


def screened(*, root: Unit, period: Period, user=None) -> Screened:
    """One aggregate over the submissions' screened sums (kept at write, screened_sums.py), never the lines."""
    from fupin.insights.models import SubmissionScreened

    # A row exists only while its submission counts, with the submission's span: the whole system's figures
    # are read from these rows alone; a part of the tree joins its units.
    rows = SubmissionScreened.objects.filter(first_month__gte=period.first, last_month__lte=period.last)
    if not is_whole_tree(root):
        rows = rows.filter(root.subtree_q("submission__unit__"))
    if user is not None:
        rows = rows.filter(access.visible_units_q(user, "submission__unit__"))
    totals = rows.aggregate(**{name: Sum(name) for name in
                               ("excluded_lines", "excluded_fen", "merged_lines", "merged_fen", "merged_groups")})
    result = Screened(**{name: value or 0 for name, value in totals.items()})
    result._units_query = rows.filter(excluded_lines__gt=0).values("submission__unit_id")
    return result


def screened_of_units(units, period: Period) -> tuple[int, int]:
    """(lines, amount) excluded as not consumption from these units' counted reports (`units`: a values query
    of unit ids), from the screened sums: the attachment table's 已剔除."""
    from fupin.insights.models import SubmissionScreened

    totals = (SubmissionScreened.objects.filter(first_month__gte=period.first, last_month__lte=period.last,
                                                submission__unit__in=units)
              .aggregate(n=Sum("excluded_lines"), a=Sum("excluded_fen")))
    return totals["n"] or 0, totals["a"] or 0
