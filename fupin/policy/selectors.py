"""Reads for policy: which version of a rule governs a day, member counts, welfare spending within a period."""

from dataclasses import dataclass
from datetime import date

from fupin.core.periods import Period
from fupin.policy.models import WELFARE_PURPOSES, MemberCount, Rule, RuleKind, WelfareSpending
from fupin.units import access
from fupin.units.models import Unit


class RuleBook:
    """All active rules, loaded once; answers which version governs a day.

    Among the versions of a kind (and, for shares, covering the purpose) in force on the day, the one with the
    latest 生效日期 wins: a new version replaces the old from its date on, and earlier periods keep the old one.
    """

    def __init__(self, rules: list[Rule] | None = None):
        if rules is None:
            rules = list(Rule.objects.filter(active=True).select_related("document"))
        self.rules = sorted(rules, key=lambda r: (r.effective_from, r.pk or 0))

    def _latest(self, candidates) -> Rule | None:
        candidates = list(candidates)
        return candidates[-1] if candidates else None

    def share_rule(self, purpose: str, day: date) -> Rule | None:
        return self._latest(r for r in self.rules if r.kind == RuleKind.SHARE_MIN
                            and purpose in r.purpose_list and r.in_force_on(day))

    def share_purposes(self, day: date) -> list[str]:
        """The purposes some share rule covers on `day`, in the order of Purpose."""
        covered = {p for r in self.rules if r.kind == RuleKind.SHARE_MIN and r.in_force_on(day)
                   for p in r.purpose_list}
        return [p for p in WELFARE_PURPOSES if p in covered]

    def holiday_cap(self, day: date) -> Rule | None:
        return self._latest(r for r in self.rules if r.kind == RuleKind.HOLIDAY_CAP and r.in_force_on(day))

    def extra_allowance(self, day: date) -> Rule | None:
        """The latest extra allowance that had started by `day`, even if its window has closed since: the report
        must be able to say "the window closed on …" rather than forget the rule."""
        return self._latest(r for r in self.rules if r.kind == RuleKind.EXTRA_ALLOWANCE and r.effective_from <= day)


@dataclass(frozen=True)
class Members:
    count: int
    source: str  # 年度填报 / 单位名录 / 缺


def members_for(units: list[Unit], year: int) -> dict[int, Members]:
    """Each unit's member count for `year`: the year's entry, else the registry's 会员人数."""
    entered = dict(MemberCount.objects.filter(unit__in=units, year=year).values_list("unit_id", "count"))
    out = {}
    for unit in units:
        if unit.pk in entered:
            out[unit.pk] = Members(entered[unit.pk], "年度填报")
        elif unit.member_count:
            out[unit.pk] = Members(unit.member_count, "单位名录")
        else:
            out[unit.pk] = Members(0, "缺")
    return out


def spending_within(units: list[Unit], period: Period) -> list[WelfareSpending]:
    return list(WelfareSpending.objects.filter(unit__in=units, first_month__gte=period.first,
                                               last_month__lte=period.last).order_by("unit_id", "first_month"))


def spending_list(*, user, year: int | None = None) -> list[WelfareSpending]:
    """Welfare spending the person may see, newest year first."""
    records = WelfareSpending.objects.filter(access.visible_units_q(user, "unit__")).select_related("unit",
                                                                                                    "entered_by")
    if year is not None:
        records = records.filter(first_month__year=year)
    return list(records.order_by("-first_month", "unit__path"))


def rules_list() -> list[Rule]:
    return list(Rule.objects.select_related("document").order_by("kind", "effective_from", "pk"))
