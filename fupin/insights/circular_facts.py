"""Everything the circular says, as named facts computed from the ledger: totals, channel mix, ranking, who
reported on time, what screening took out (excluded, merged) and what the checks still find. Publishing turns
them into sentences; each is counted the way a person counts it (a duplicate is one group, not one per line).
The policy rules' facts (who uses them, who falls short, who has not reported what they need) are folded from
policy's compliance report."""

from dataclasses import dataclass, field
from datetime import date

from fupin.core.periods import Period
from fupin.insights import aggregates as ag
from fupin.insights.attachment import system_name
from fupin.insights.screened import Screened, screened
from fupin.insights.year_on_year import YearOnYear, year_on_year
from fupin.policy.amounts import per_member_yuan_text
from fupin.policy.compliance import HolidayStatus, ShareStatus, compliance_report
from fupin.quality.checks import findings_for_period
from fupin.quality.consumption import EXPECTED_KINDS, consumption_type_effective
from fupin.quality.findings import distinct_findings
from fupin.reporting.models import COUNTED_STATUSES, PurchaseLine
from fupin.reporting.timeliness import round_timeliness
from fupin.units.models import Unit
from fupin.units.selectors import reporting_units, root_unit

# Rules whose findings the circular reports, in its order; the rest (采购方式已规范, 缺少消费类型) are bookkeeping or
# told another way (kinds_missing).
CIRCULAR_RULES = ("duplicate_channel", "channel_unclear", "source_missing", "method_mismatch", "method_unclear",
                  "not_consumption", "amount_yuan_as_wan", "amount_outlier", "subtotal_mismatch")


@dataclass
class Issue:
    """One kind of problem still open: how many things a person would count, their money, the units."""

    rule: str
    count: int = 0  # lines; duplicate groups; reports (subtotal_mismatch)
    amount_fen: int = 0
    units: list[Unit] = field(default_factory=list)


@dataclass
class PolicyFacts:
    """The policy rules for a period within one calendar year, as the circular tells them. A unit's share is only
    "below" when every one of its lines says what it served: lines without a purpose might lift it, so such a unit
    is "unjudged" instead (and so is an unspent extra allowance that those lines might cover)."""

    share_rules: list[tuple] = field(default_factory=list)  # (Rule, purposes it governs), in the rules' order
    cap: object | None = None  # Rule: per-member annual holiday cap
    extra: object | None = None  # Rule: the extra allowance, only while its window is open at the period's end
    spending_units: list[Unit] = field(default_factory=list)  # reported welfare spending
    met: list[Unit] = field(default_factory=list)  # every share reached, with poverty purchases: using the rule
    below: list[Unit] = field(default_factory=list)
    over: list[tuple[Unit, str]] = field(default_factory=list)  # (unit, 元 per member, rounded up)
    extra_used: list[Unit] = field(default_factory=list)
    unjudged: list[Unit] = field(default_factory=list)
    unjudged_lines: int = 0  # their lines without a purpose
    unjudged_fen: int = 0
    no_spending: list[Unit] = field(default_factory=list)
    no_members: list[Unit] = field(default_factory=list)  # reported spending, no member count for the year
    inconsistent: list[Unit] = field(default_factory=list)  # poverty purchases above the spending reported

    @property
    def share_minimum_bp(self) -> int | None:
        """The minimum every share rule sets, when they agree."""
        minima = {rule.min_share_bp for rule, _ in self.share_rules}
        return minima.pop() if len(minima) == 1 else None

    @property
    def falls_short(self) -> bool:
        return bool(self.below or self.over)

    @property
    def data_missing(self) -> bool:
        return bool(self.unjudged or self.no_spending or self.no_members or self.inconsistent)


@dataclass
class CircularFacts:
    period: Period
    root: Unit
    system: str  # 平顶山市工会系统
    deadline: date | None
    summary: ag.Summary
    channels: list[ag.Share]
    ranking: list[ag.Ranked]
    active_units: int
    reported_units: int
    on_time: list[Unit] = field(default_factory=list)
    late: list[tuple[Unit, int]] = field(default_factory=list)  # (unit, working days late)
    missing: list[Unit] = field(default_factory=list)
    screened: Screened = field(default_factory=Screened)
    issues: dict[str, Issue] = field(default_factory=dict)  # rule → Issue, only rules that found something
    kinds_missing: dict[str, list[Unit]] = field(default_factory=dict)  # kind → reporting units without it
    kinds: list[str] = field(default_factory=list)
    policy: PolicyFacts | None = None  # None for a period across New Year (the rules are yearly) or without rules
    year_on_year: YearOnYear | None = None  # the total against the same months last year; .exists: any data then

    @property
    def late_units(self) -> list[Unit]:
        return [u for u, _ in self.late]

    @property
    def named_channels(self) -> list[ag.Share]:
        return [c for c in self.channels if c.key and c.amount_fen]


def _issues(period: Period, user) -> dict[str, Issue]:
    """Findings folded to what a person counts: a line once, a duplicate group once, a report once."""
    issues: dict[str, Issue] = {}
    for f in distinct_findings(findings_for_period(period=period, user=user)):
        if f.rule not in CIRCULAR_RULES:
            continue
        issue = issues.setdefault(f.rule, Issue(f.rule))
        issue.count += 1
        if f.line is not None and not f.related:  # a group's money is not in question, only its form
            issue.amount_fen += f.line.amount_fen
        if f.unit not in issue.units:
            issue.units.append(f.unit)
    return {r: issues[r] for r in CIRCULAR_RULES if r in issues}


def _kinds_missing(period: Period, unit_ids: list[int]) -> dict[str, list[Unit]]:
    """For each kind the circular asks units to count, the reporting units that have no line of it."""
    lines = (PurchaseLine.objects.filter(submission__unit_id__in=unit_ids, excluded=False,
                                         submission__status__in=COUNTED_STATUSES,
                                         submission__first_month__gte=period.first,
                                         submission__last_month__lte=period.last)
             .select_related("submission__unit").order_by("submission__unit__order", "submission__unit_id"))
    has: dict[Unit, set[str]] = {}
    for line in lines:
        has.setdefault(line.submission.unit, set()).add(consumption_type_effective(line))
    return {str(kind): [u for u, kinds in has.items() if kind not in kinds] for kind in EXPECTED_KINDS}


def policy_facts(period: Period, user, root: Unit) -> PolicyFacts | None:
    """The compliance report folded to what the circular says. A period across New Year gets none: the holiday cap
    is yearly and the report refuses such a period, and the circular leaves the item out rather than tell a part."""
    if period.first.year != period.last.year:
        return None
    report = compliance_report(period=period, user=user, root=root)
    if not report.rules:
        return None
    p = PolicyFacts()
    by_rule: dict = {}
    for check in report.units[0].shares if report.units else []:
        by_rule.setdefault(check.rule, []).append(check.purpose)
    p.share_rules = list(by_rule.items())
    if report.units:
        holiday = report.units[0].holiday
        p.cap = holiday.cap_rule
        extra = holiday.extra_rule
        if extra is not None and (extra.effective_until is None or report.as_of <= extra.effective_until):
            p.extra = extra
    for row in report.units:
        if not row.spending:
            p.no_spending.append(row.unit)
            continue
        p.spending_units.append(row.unit)
        statuses = {s.status for s in row.shares}
        if not row.holiday.members.count:
            p.no_members.append(row.unit)
        if ShareStatus.INCONSISTENT in statuses:
            p.inconsistent.append(row.unit)
        share_open = bool(row.unassigned_lines) and ShareStatus.BELOW in statuses
        holiday_open = bool(row.unassigned_lines) and row.holiday.status == HolidayStatus.NOT_COVERED
        if share_open or holiday_open:
            p.unjudged.append(row.unit)
            p.unjudged_lines += row.unassigned_lines
            p.unjudged_fen += row.unassigned_fen
        if ShareStatus.BELOW in statuses:
            if not share_open:
                p.below.append(row.unit)
        elif ShareStatus.INCONSISTENT not in statuses and any(
                s.status == ShareStatus.MET and s.poverty_fen for s in row.shares):
            p.met.append(row.unit)
        if row.holiday.status in HolidayStatus.BREACHES and not holiday_open:
            p.over.append((row.unit, per_member_yuan_text(row.holiday.holiday_fen, row.holiday.members.count)))
        elif row.holiday.status == HolidayStatus.EXTRA_USED:
            p.extra_used.append(row.unit)
    return p


def circular_facts(*, period: Period, user=None, root: Unit | None = None) -> CircularFacts:
    root = root or root_unit()
    summary = ag.summary(root=root, period=period)
    ranking = ag.ranking(root=root, period=period)
    timeliness = round_timeliness(period=period, user=user)
    units = reporting_units(root)
    facts = CircularFacts(
        period=period, root=root, system=system_name(root), deadline=timeliness.deadline, summary=summary,
        channels=ag.by_dimension(root=root, period=period, dimension="channel"), ranking=ranking,
        active_units=units.count(), reported_units=sum(1 for r in ranking if r.lines),
        on_time=[e.unit for e in timeliness.on_time], late=[(e.unit, e.days_late) for e in timeliness.late],
        missing=[e.unit for e in timeliness.missing])
    facts.screened = screened(root=root, period=period, user=user)
    facts.issues = _issues(period, user)
    facts.kinds_missing = _kinds_missing(period, [r.unit.pk for r in ranking if r.lines and r.unit])
    facts.kinds = [str(k) for k in EXPECTED_KINDS]
    facts.policy = policy_facts(period, user, root)
    facts.year_on_year = year_on_year(root=root, period=period, amount_fen=summary.total.amount_fen)
    return facts
