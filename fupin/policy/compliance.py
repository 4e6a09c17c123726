"""The compliance report: for each unit and period, the poverty-purchase share of each welfare purpose against its
minimum, holiday spending per member against the annual cap and the extra allowance against its window, and what
the unit has not reported that the rules need.

All comparisons are on whole 分 and integers (share × 10000 against 万分之一), so "at the limit" is exact.

A verdict that lines without a 用途 might overturn is not given: a share below its minimum, or an allowance not
matched by poverty farm products, is "not judgeable" while the unit has such lines (the circular says the same).
The status keeps what the figures alone say ("below"); `judgeable` and the label say it cannot be judged yet.
"""

import calendar
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Sum

from fupin.core.errors import UserError
from fupin.core.periods import Period
from fupin.policy.amounts import wan_text
from fupin.policy.models import RuleKind, WelfareSpending
from fupin.policy.selectors import Members, RuleBook, members_for, spending_within
from fupin.reporting.models import COUNTED_STATUSES, PurchaseLine, Purpose
from fupin.units import access
from fupin.units.models import Unit
from fupin.units.selectors import reporting_units, root_unit

PERIOD_CROSSES_YEAR = ("合规检查按自然年计算（节日慰问品上限是年度标准）：期间“{period}”跨年，"
                       "请分年查询，例如 {example}")


class ShareStatus:
    MET = "met"
    BELOW = "below"
    NO_SPENDING = "no_spending"
    INCONSISTENT = "inconsistent"
    MISSING = "missing"
    LABELS = {MET: "达标", BELOW: "未达标", NO_SPENDING: "无此项支出", INCONSISTENT: "扶贫采购额大于上报支出，请核实",
              MISSING: "缺福利支出"}


class HolidayStatus:
    WITHIN_CAP = "within_cap"
    EXTRA_USED = "extra_used"
    OVER_CAP = "over_cap"
    OVER_EXTRA = "over_extra"
    WINDOW_CLOSED = "window_closed"
    NOT_COVERED = "extra_not_poverty"
    MISSING = "missing"
    NO_RULE = "no_rule"
    LABELS = {WITHIN_CAP: "未超上限", EXTRA_USED: "使用额外额度", OVER_CAP: "超过上限",
              OVER_EXTRA: "超过上限及额外额度", WINDOW_CLOSED: "超过上限，额外额度已截止",
              NOT_COVERED: "超过上限的部分未用于本省贫困地区农副产品", MISSING: "缺数据", NO_RULE: "无适用规则"}
    BREACHES = {OVER_CAP, OVER_EXTRA, WINDOW_CLOSED, NOT_COVERED}


UNJUDGED_LABEL = "无法判断（尚无用途）"
UNJUDGED_REASON = "{name}无法判断（{n}条采购明细尚未注明用途）"


class UnitStatus:
    OK = "ok"
    BREACH = "breach"
    MISSING = "missing"
    LABELS = {OK: "符合", BREACH: "违反规则", MISSING: "数据不全"}


@dataclass
class ShareCheck:
    purpose: str
    spending_fen: int
    poverty_fen: int
    rule: object  # Rule
    status: str
    judgeable: bool = True

    @property
    def status_label(self) -> str:
        return ShareStatus.LABELS[self.status] if self.judgeable else UNJUDGED_LABEL


@dataclass
class HolidayCheck:
    year: int
    members: Members
    holiday_fen: int
    cap_rule: object | None  # Rule
    extra_rule: object | None  # Rule
    eligible_fen: int  # holiday-purpose poverty purchases that may count towards the extra allowance
    status: str
    judgeable: bool = True

    @property
    def cap_total_fen(self) -> int | None:
        return self.cap_rule.amount_fen * self.members.count if self.cap_rule else None

    @property
    def over_fen(self) -> int:
        cap = self.cap_total_fen
        return max(0, self.holiday_fen - cap) if cap is not None else 0

    @property
    def allowance_fen(self) -> int | None:
        return self.extra_rule.amount_fen * self.members.count if self.extra_rule else None

    @property
    def status_label(self) -> str:
        return HolidayStatus.LABELS[self.status] if self.judgeable else UNJUDGED_LABEL


@dataclass
class UnitCompliance:
    unit: Unit
    spending: list[WelfareSpending]
    shares: list[ShareCheck]
    holiday: HolidayCheck
    unassigned_lines: int = 0
    unassigned_fen: int = 0
    missing: list[str] = field(default_factory=list)

    @property
    def spending_fen(self) -> dict[str, int]:
        return {p: sum(r.amount_fen(p) for r in self.spending) for p in Purpose.values}

    @property
    def breaches(self) -> list[str]:
        out = [f"{s.purpose}比例未达标" for s in self.shares if s.status == ShareStatus.BELOW and s.judgeable]
        if self.holiday.status in HolidayStatus.BREACHES and self.holiday.judgeable:
            out.append(f"节日慰问品{self.holiday.status_label}")
        return out

    @property
    def unjudged(self) -> list[str]:
        """The verdicts held back until the unit's lines say what they served."""
        names = [f"{s.purpose}比例" for s in self.shares if not s.judgeable]
        if not self.holiday.judgeable:
            names.append("节日慰问品")
        return [UNJUDGED_REASON.format(name=name, n=self.unassigned_lines) for name in names]

    @property
    def judgeable(self) -> bool:
        return not self.unjudged

    @property
    def uses(self) -> list[str]:
        """The rules this unit puts to use (the office wants to see who does)."""
        out = [f"{s.purpose}采购扶贫产品" for s in self.shares if s.status == ShareStatus.MET and s.poverty_fen]
        if self.holiday.status == HolidayStatus.EXTRA_USED:
            out.append("节日慰问额外额度")
        return out

    @property
    def status(self) -> str:
        if self.breaches:
            return UnitStatus.BREACH
        return UnitStatus.MISSING if self.missing else UnitStatus.OK

    @property
    def status_label(self) -> str:
        return UnitStatus.LABELS[self.status]


@dataclass
class ComplianceReport:
    period: Period
    as_of: date  # the day whose rules govern the period: the last day of its last month
    units: list[UnitCompliance]
    rules: list  # the rule versions applied, in a stable order

    def count(self, status: str) -> int:
        return sum(1 for u in self.units if u.status == status)


def last_day(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def months_text(months: list[date]) -> str:
    """[2020-11, 2020-12, 2020-03] → 2020年3月、11—12月 (consecutive months joined)."""
    runs: list[list[date]] = []
    for m in sorted(months):
        if runs and (runs[-1][-1].year * 12 + runs[-1][-1].month + 1) == m.year * 12 + m.month:
            runs[-1].append(m)
        else:
            runs.append([m])
    parts = [f"{r[0].month}月" if len(r) == 1 else f"{r[0].month}—{r[-1].month}月" for r in runs]
    return f"{months[0].year}年" + "、".join(parts) if parts else ""


def period_check(period: Period) -> None:
    if period.first.year != period.last.year:
        example = f"{period.first:%Y-%m}:{period.first.year}-12"
        raise UserError(PERIOD_CROSSES_YEAR.format(period=period, example=example))


def _line_totals(units: list[Unit], period: Period):
    """Counted, not excluded lines within the period, summed by unit, purpose, channel and day."""
    return (PurchaseLine.objects
            .filter(submission__unit__in=units, submission__status__in=COUNTED_STATUSES, excluded=False,
                    submission__first_month__gte=period.first, submission__last_month__lte=period.last)
            .order_by()
            .values_list("submission__unit_id", "purpose", "channel_code", "purchase_date", "submission__last_month")
            .annotate(fen=Sum("amount_fen"), n=Count("id")))


def _extra_eligible(rule, purpose: str, channel: str, day: date) -> bool:
    """A holiday purchase counts towards the extra allowance when bought in its window from an allowed channel."""
    if rule is None or purpose != Purpose.HOLIDAY or channel in rule.excluded_channel_codes:
        return False
    return rule.effective_from <= day and (rule.effective_until is None or day <= rule.effective_until)


def _holiday_status(check: HolidayCheck, has_spending: bool, as_of: date) -> str:
    if not has_spending or not check.members.count:
        return HolidayStatus.MISSING
    if check.cap_rule is None:
        return HolidayStatus.NO_RULE
    over = check.holiday_fen - check.cap_total_fen
    if over <= 0:
        return HolidayStatus.WITHIN_CAP
    extra = check.extra_rule
    if extra is None:
        return HolidayStatus.OVER_CAP
    if over > check.allowance_fen:
        return HolidayStatus.OVER_EXTRA
    if over <= check.eligible_fen:
        return HolidayStatus.EXTRA_USED
    if extra.effective_until is not None and as_of > extra.effective_until:
        return HolidayStatus.WINDOW_CLOSED
    return HolidayStatus.NOT_COVERED


def _share_status(spending: int, poverty: int, minimum_bp: int, has_spending: bool) -> str:
    if not has_spending:
        return ShareStatus.MISSING
    if poverty > spending:
        return ShareStatus.INCONSISTENT
    if spending == 0:
        return ShareStatus.NO_SPENDING
    return ShareStatus.MET if poverty * 10000 >= minimum_bp * spending else ShareStatus.BELOW


def compliance_report(*, period: Period, user=None, root: Unit | None = None,
                      book: RuleBook | None = None) -> ComplianceReport:
    """Compliance of every unit `user` may see (all, without a user) for a period within one calendar year."""
    period_check(period)
    as_of = last_day(period.last)
    book = book or RuleBook()
    units = reporting_units(root or root_unit())
    if user is not None:
        units = units.filter(access.visible_units_q(user))
    units = list(units)
    members = members_for(units, period.first.year)
    spending: dict[int, list[WelfareSpending]] = {u.pk: [] for u in units}
    for record in spending_within(units, period):
        spending[record.unit_id].append(record)

    cap_rule, extra_rule = book.holiday_cap(as_of), book.extra_allowance(as_of)
    purposes = book.share_purposes(as_of)
    share_rules = {p: book.share_rule(p, as_of) for p in purposes}
    poverty = {u.pk: dict.fromkeys(Purpose.values, 0) for u in units}
    eligible = dict.fromkeys(spending, 0)
    unassigned = {u.pk: [0, 0] for u in units}
    for unit_id, purpose, channel, day, last_month, fen, n in _line_totals(units, period):
        if not purpose:
            unassigned[unit_id][0] += n
            unassigned[unit_id][1] += fen
            continue
        poverty[unit_id][purpose] += fen
        if _extra_eligible(extra_rule, purpose, channel, day or last_day(last_month)):
            eligible[unit_id] += fen

    rows = []
    for unit in units:
        records = spending[unit.pk]
        totals = {p: sum(r.amount_fen(p) for r in records) for p in Purpose.values}
        shares = [ShareCheck(p, totals[p], poverty[unit.pk][p], share_rules[p],
                             _share_status(totals[p], poverty[unit.pk][p], share_rules[p].min_share_bp,
                                           bool(records)))
                  for p in purposes]
        holiday = HolidayCheck(period.first.year, members[unit.pk], totals[Purpose.HOLIDAY], cap_rule, extra_rule,
                               eligible[unit.pk], "")
        holiday.status = _holiday_status(holiday, bool(records), as_of)
        row = UnitCompliance(unit, records, shares, holiday, *unassigned[unit.pk])
        _hold_open_verdicts(row)
        row.missing = _missing(row, period)
        rows.append(row)
    used = [r for r in [*share_rules.values(), cap_rule, extra_rule] if r is not None]
    return ComplianceReport(period, as_of, rows, sorted(set(used), key=rule_order))


def _hold_open_verdicts(row: UnitCompliance) -> None:
    """Lines without a 用途 might lift a share, or be the farm products an allowance needs: no verdict yet."""
    if not row.unassigned_lines:
        return
    for share in row.shares:
        share.judgeable = share.status != ShareStatus.BELOW
    row.holiday.judgeable = row.holiday.status != HolidayStatus.NOT_COVERED


def rule_order(rule) -> tuple:
    """Shares first, then the cap, then the allowance on top of it: the order a reader needs them in."""
    return (list(RuleKind.values).index(rule.kind), rule.effective_from, rule.pk)


def _missing(row: UnitCompliance, period: Period) -> list[str]:
    """What the unit has not reported that the rules need, in words for the office."""
    out = []
    if not row.spending:
        out.append("未填报福利支出（四送、节日慰问、困难职工慰问）")
    else:
        covered = {m for r in row.spending for m in r.period.months()}
        gaps = [m for m in period.months() if m not in covered]
        if gaps:
            out.append(f"福利支出未覆盖{months_text(gaps)}")
    if not row.holiday.members.count:
        out.append(f"缺{period.first.year}年会员人数")
    if row.unassigned_lines:
        out.append(f"{row.unassigned_lines}条采购明细未注明用途（共{wan_text(row.unassigned_fen)}万元）")
    out += [f"{s.purpose}：{s.status_label}" for s in row.shares if s.status == ShareStatus.INCONSISTENT]
    return out
