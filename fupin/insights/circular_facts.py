"""Everything the circular says, as figures: totals, channel mix, ranking, who reported on time, what the checks
found and which kinds of consumption units left out. Publishing turns these into sentences."""

from dataclasses import dataclass, field
from datetime import date

from fupin.core.periods import Period
from fupin.insights import aggregates as ag
from fupin.insights.attachment import system_name
from fupin.quality.checks import findings_for_period
from fupin.quality.consumption import EXPECTED_KINDS, consumption_type_effective
from fupin.reporting.models import COUNTED_STATUSES, PurchaseLine
from fupin.reporting.timeliness import round_timeliness
from fupin.units.models import Unit
from fupin.units.selectors import reporting_units, root_unit

# Rules whose findings the circular reports, in its order; the rest (e.g. 采购方式已规范) are bookkeeping.
CIRCULAR_RULES = ("not_consumption", "channel_unclear", "duplicate_channel", "method_mismatch", "method_unclear",
                  "source_missing", "amount_yuan_as_wan", "amount_outlier", "subtotal_mismatch")


@dataclass
class FindingGroup:
    rule: str
    rule_name: str
    severity: str
    count: int
    units: list[str]


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
    findings: list[FindingGroup] = field(default_factory=list)
    kinds_missing: dict[str, list[str]] = field(default_factory=dict)  # kind → units without it
    kinds: list[str] = field(default_factory=list)


def _finding_groups(period: Period, user) -> list[FindingGroup]:
    groups: dict[str, FindingGroup] = {}
    for f in findings_for_period(period=period, user=user):
        if f.rule not in CIRCULAR_RULES:
            continue
        group = groups.setdefault(f.rule, FindingGroup(f.rule, f.rule_name or f.rule, f.severity, 0, []))
        group.count += 1
        if f.unit.display_name not in group.units:
            group.units.append(f.unit.display_name)
    return [groups[r] for r in CIRCULAR_RULES if r in groups]


def _kinds_missing(period: Period, unit_ids: list[int]) -> dict[str, list[str]]:
    """For each kind the circular asks units to count, the reporting units that have no line of it."""
    lines = (PurchaseLine.objects.filter(submission__unit_id__in=unit_ids, excluded=False,
                                         submission__status__in=COUNTED_STATUSES,
                                         submission__first_month__gte=period.first,
                                         submission__last_month__lte=period.last)
             .select_related("submission__unit").order_by("submission__unit__order", "submission__unit_id"))
    has: dict[Unit, set[str]] = {}
    for line in lines:
        has.setdefault(line.submission.unit, set()).add(consumption_type_effective(line))
    return {str(kind): [u.display_name for u, kinds in has.items() if kind not in kinds] for kind in EXPECTED_KINDS}


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
    facts.findings = _finding_groups(period, user)
    facts.kinds_missing = _kinds_missing(period, [r.unit.pk for r in ranking if r.lines and r.unit])
    facts.kinds = [str(k) for k in EXPECTED_KINDS]
    return facts
