"""Who reported a round on time, late (by how many working days, after how many reminders), or not at all.

Every active unit the person may see is in exactly one of the three lists. A zero report (本期无消费扶贫采购)
is a report; a draft is not. Timeliness counts the first time a report went up: a return and a resubmission
afterwards is a matter of quality, not of punctuality.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, OuterRef
from django.utils import timezone

from fupin.core.periods import Period
from fupin.reporting.calendar import WorkCalendar
from fupin.reporting.deadlines import round_deadline, round_for, workdays_late
from fupin.reporting.models import Reminder, Round, Status, Submission
from fupin.units import access
from fupin.units.models import Unit
from fupin.units.selectors import is_whole_tree, reporting_units, units_q

REPORTED_STATUSES = (Status.SUBMITTED, Status.RETURNED, Status.APPROVED)
TIMELINESS_STATUSES = ("on_time", "late", "missing")
PAGE_SIZE = 100  # rows a page of the table lists (a province has 2,000 units)


@dataclass
class UnitTimeliness:
    unit: Unit
    status: str  # "on_time" | "late" | "missing"
    submitted_at: datetime | None = None
    days_late: int = 0
    reminders: int = 0
    zero_report: bool = False
    year: "YearCounts | None" = None  # the year's figures, summed for all units the first time one is asked

    @property
    def year_rounds(self) -> int:
        """Rounds of the year already due."""
        return self.year.rounds.get(self.unit.pk, 0) if self.year else 0

    @property
    def year_on_time(self) -> int:
        """Of which reported on time."""
        return self.year.on_time.get(self.unit.pk, 0) if self.year else 0

    @property
    def year_rate(self) -> str:
        """On-time rate over the year's rounds already due, as a percentage with one place ("" when none)."""
        if not self.year_rounds:
            return ""
        rate = Decimal(self.year_on_time * 100) / Decimal(self.year_rounds)
        return str(rate.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


@dataclass
class RoundTimeliness:
    period: Period
    deadline: date
    on_time: list[UnitTimeliness] = field(default_factory=list)
    late: list[UnitTimeliness] = field(default_factory=list)
    missing: list[UnitTimeliness] = field(default_factory=list)
    rule: str = ""
    rule_label: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def units(self) -> list[UnitTimeliness]:
        return self.on_time + self.late + self.missing


def round_deadline_day(period: Period) -> date:
    """Kept for callers of the first version."""
    return round_deadline(round_for(period)).day


def _statuses(period: Period, deadline: date, unit_ids: list[int], calendar: WorkCalendar) -> dict:
    """unit id → (status, submitted_at, days_late, zero report) for the units that reported."""
    rows = (Submission.objects.filter(first_month=period.first, last_month=period.last, unit_id__in=unit_ids,
                                      status__in=REPORTED_STATUSES)
            .values_list("unit_id", "first_submitted_at", "submitted_at", "is_zero_report"))
    out = {}
    for unit_id, first_at, at, zero in rows:
        at = first_at or at
        if at is None:
            continue
        late = workdays_late(deadline, at, calendar)
        out[unit_id] = ("late" if late else "on_time", at, late, zero)
    return out


def reminder_counts(period: Period, unit_ids: list[int]) -> dict[int, int]:
    """Calls and messages logged, and mails that went out (a failed mail is logged but not counted)."""
    rows = (Reminder.objects.filter(failed=False, first_month=period.first, last_month=period.last, unit_id__in=unit_ids)
            .values("unit_id").annotate(n=Count("pk")).values_list("unit_id", "n"))
    return dict(rows)


def year_rounds(year: int) -> list[Round]:
    """The year's rounds: those the office opened, and each month someone reported for (due by default rule)."""
    rounds = {r.period: r for r in Round.objects.filter(last_month__year=year)}
    months = (Submission.objects.filter(last_month__year=year, first_month=F("last_month"),
                                        status__in=REPORTED_STATUSES)
              .values_list("first_month", flat=True).distinct())
    for month in months:
        rounds.setdefault(Period(month, month), round_for(Period(month, month)))
    return sorted(rounds.values(), key=lambda r: (r.last_month, r.first_month))


class YearCounts:
    """The year's on-time figures of a round's units, summed when first asked: the dashboard, which shows only
    names, never pays for them."""

    def __init__(self, year: int, unit_ids: list[int], calendar: WorkCalendar):
        self._args = (year, unit_ids, calendar)

    @cached_property
    def _counts(self) -> tuple[dict, dict]:
        return _year_counts(*self._args)

    @property
    def rounds(self) -> dict:
        return self._counts[0]

    @property
    def on_time(self) -> dict:
        return self._counts[1]


def _year_counts(year: int, unit_ids: list[int], calendar: WorkCalendar) -> tuple[dict, dict]:
    """Per unit, how many of the year's rounds already due it was asked for and reported on time."""
    today = timezone.localdate()
    rounds, on_time = {}, {}
    for round_ in year_rounds(year):
        deadline = round_deadline(round_, calendar).day
        if deadline >= today:
            continue
        statuses = _statuses(round_.period, deadline, unit_ids, calendar)
        for unit_id in unit_ids:
            rounds[unit_id] = rounds.get(unit_id, 0) + 1
            on_time[unit_id] = on_time.get(unit_id, 0) + (statuses.get(unit_id, ("",))[0] == "on_time")
    return rounds, on_time


def latest_due_period(today: date | None = None) -> Period:
    """The period the timeliness page opens on: the latest round whose deadline has passed (a round still open
    would call every unit 未报). Candidates are the office's recent rounds and the last three months."""
    today = today or timezone.localdate()
    calendar, month = WorkCalendar(), today.replace(day=1)
    months = [month]
    for _ in range(3):
        month = (month - timedelta(days=1)).replace(day=1)
        months.append(month)
    rounds = {r.period: r for r in Round.objects.filter(last_month__gte=months[-1])}
    for first in months:
        rounds.setdefault(Period(first, first), round_for(Period(first, first)))
    due = [(round_deadline(r, calendar).day, r.last_month, r.first_month, r.period) for r in rounds.values()]
    due = [row for row in due if row[0] < today]
    return max(due)[3] if due else Period(months[1], months[1])


def round_timeliness(*, period: Period, user=None) -> RoundTimeliness:
    """The round for `period` (the office's, or the default due on the last working day), for the units `user`
    may see (all, without a user)."""
    calendar = WorkCalendar()
    round_ = round_for(period)
    deadline = round_deadline(round_, calendar)
    units = reporting_units()
    if user is not None:
        units = units.filter(access.visible_units_q(user))
    units = list(units)
    ids = [u.pk for u in units]
    statuses = _statuses(period, deadline.day, ids, calendar)
    reminders = reminder_counts(period, ids)
    year = YearCounts(period.last.year, ids, calendar)
    result = RoundTimeliness(period=period, deadline=deadline.day, rule=round_.rule,
                             rule_label=round_.get_rule_display())
    for unit in units:
        status, at, late, zero = statuses.get(unit.pk, ("missing", None, 0, False))
        entry = UnitTimeliness(unit, status, at, late, reminders.get(unit.pk, 0), zero, year)
        getattr(result, status).append(entry)
    result.on_time.sort(key=lambda e: e.submitted_at)
    result.late.sort(key=lambda e: e.submitted_at)
    result.warnings = calendar.warnings
    return result


def timeliness_rows(result: RoundTimeliness, query, *, size: int = PAGE_SIZE) -> Page:
    """One page of the table, all units or one status (`?status=missing`), with `link` for the pager."""
    status = query.get("status", "")
    status = status if status in TIMELINESS_STATUSES else ""
    entries = getattr(result, status) if status else result.units
    page = Paginator(entries, size).get_page(query.get("page"))
    page.status = status
    page.link = "?" + urlencode({"period": str(result.period), **({"status": status} if status else {}), "page": ""})
    return page


NAMED = 30  # units a status names on the dashboard before linking to the full table


@dataclass
class StatusSummary:
    count: int = 0
    first: list[Unit] = field(default_factory=list)  # the first NAMED, in the table's order

    @property
    def rest(self) -> int:
        """Units not named (the page links to the full table for them)."""
        return self.count - len(self.first)


@dataclass
class TimelinessSummary:
    """The round's counts by status and the first units of each, for a subtree: what the dashboard shows.
    A fixed number of aggregate queries, whatever the number of units (the full table is round_timeliness)."""

    period: Period
    deadline: date
    rule: str = ""
    rule_label: str = ""
    on_time: StatusSummary = field(default_factory=StatusSummary)
    late: StatusSummary = field(default_factory=StatusSummary)
    missing: StatusSummary = field(default_factory=StatusSummary)
    warnings: list[str] = field(default_factory=list)


def _reported_at():
    """When a report first went up (a resubmission after a return does not count)."""
    from django.db.models.functions import Coalesce

    return Coalesce("first_submitted_at", "submitted_at")


def timeliness_summary(*, period: Period, user=None, root: Unit | None = None,
                       named: int = NAMED) -> TimelinessSummary:
    """As round_timeliness, counted in SQL: on time means sent up by the end of the deadline day (local time),
    as workdays_late says; units of `root`'s subtree (itself included) the person may see."""
    calendar = WorkCalendar()
    round_ = round_for(period)
    deadline = round_deadline(round_, calendar).day
    units = reporting_units()
    if root is not None and not is_whole_tree(root):
        units = units.filter(root.subtree_q())
    if user is not None:
        units = units.filter(access.visible_units_q(user))
    end_of_day = timezone.make_aware(datetime.combine(deadline + timedelta(days=1), datetime.min.time()))
    span = dict(first_month=period.first, last_month=period.last, status__in=REPORTED_STATUSES)
    reports = (Submission.objects.filter(units_q("unit_id", units, root=root, user=user), **span)
               .annotate(at=_reported_at()).filter(at__isnull=False))
    on_time, late = reports.filter(at__lt=end_of_day), reports.filter(at__gte=end_of_day)
    result = TimelinessSummary(period=period, deadline=deadline, rule=round_.rule,
                               rule_label=round_.get_rule_display())
    order = [f"unit__{name}" for name in units.query.order_by]
    for summary, rows in ((result.on_time, on_time), (result.late, late)):
        summary.count = rows.count()
        summary.first = [s.unit for s in rows.select_related("unit").order_by("at", *order)[:named]]
    # A unit has one report a span: the rest of the units are missing. Their first names walk the registry
    # order and stop at `named`, asking each unit's report by its (unit, span) key.
    result.missing.count = units.count() - result.on_time.count - result.late.count
    reported = (Submission.objects.filter(unit_id=OuterRef("pk"), **span)
                .annotate(at=_reported_at()).filter(at__isnull=False))
    result.missing.first = list(units.filter(~Exists(reported))[:named])
    result.warnings = calendar.warnings
    return result
