"""When a round is due, and how late a report was, in working days."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import models
from django.utils import timezone

from fupin.core.errors import UserError
from fupin.core.periods import Period
from fupin.reporting.calendar import WorkCalendar, month_end
from fupin.reporting.models import DeadlineRule, Round

RULE_NEEDS_N = "规则“月末后第N个工作日”需要给出N（1—31）"
RULE_NEEDS_DATE = "规则“指定日期”需要给出截止日期"
RULE_NEEDS_DAY = "规则“每月第N日”需要给出N（1—31）"


@dataclass
class Deadline:
    day: date
    rule: str
    warnings: list[str] = field(default_factory=list)

    @property
    def rule_label(self) -> str:
        return DeadlineRule(self.rule).label


def round_for(period: Period) -> Round:
    """The round the office opened for this period, or the default one (due on the last working day)."""
    found = Round.objects.filter(first_month=period.first, last_month=period.last).first()
    return found or round_for_default(period)


def round_for_default(period: Period) -> Round:
    return Round(first_month=period.first, last_month=period.last, rule=DeadlineRule.LAST_WORKDAY)


def rule_deadline(period: Period, rule: str, *, workdays_after: int | None = None, fixed_date: date | None = None,
                  day_of_month: int | None = None, calendar: WorkCalendar | None = None) -> date:
    calendar = calendar or WorkCalendar()
    last = period.last
    if rule == DeadlineRule.FIXED:
        if fixed_date is None:
            raise UserError(RULE_NEEDS_DATE)
        return fixed_date
    if rule == DeadlineRule.WORKDAYS_AFTER:
        if not workdays_after or not 1 <= workdays_after <= 31:
            raise UserError(RULE_NEEDS_N)
        return calendar.nth_workday_after(month_end(last.year, last.month), workdays_after)
    if rule == DeadlineRule.DAY_OF_MONTH:
        if not day_of_month or not 1 <= day_of_month <= 31:
            raise UserError(RULE_NEEDS_DAY)
        return calendar.workday_on_or_before(last.replace(day=min(day_of_month, month_end(last.year, last.month).day)))
    return calendar.last_workday_of_month(last.year, last.month)


def round_deadline(round_: Round, calendar: WorkCalendar | None = None) -> Deadline:
    calendar = calendar or WorkCalendar()
    day = rule_deadline(round_.period, round_.rule, workdays_after=round_.workdays_after,
                        fixed_date=round_.fixed_date, day_of_month=round_.day_of_month, calendar=calendar)
    return Deadline(day, round_.rule, calendar.warnings)


def period_deadline(period: Period, calendar: WorkCalendar | None = None) -> Deadline:
    return round_deadline(round_for(period), calendar)


def month_deadlines(year: int, calendar: WorkCalendar) -> list[dict]:
    """Each month of a year: its last working day and the deadline its round sets (one query for the rounds)."""
    rounds = {r.first_month: r for r in Round.objects.filter(first_month__year=year, last_month=models.F("first_month"))}
    months = []
    for month in range(1, 13):
        period = Period.month(year, month)
        round_ = rounds.get(period.first) or round_for_default(period)
        months.append({"month": month, "last_workday": calendar.last_workday_of_month(year, month),
                       "round": round_, "deadline": round_deadline(round_, calendar)})
    return months


def workdays_late(deadline: date, submitted_at: datetime, calendar: WorkCalendar) -> int:
    """0 when on time; otherwise the working days after the deadline up to the day it came, at least 1
    (a report sent on the Saturday after a Friday deadline is late, though no working day was lost)."""
    day = timezone.localdate(submitted_at)
    if day <= deadline:
        return 0
    return max(1, calendar.workdays_between(deadline, day))
