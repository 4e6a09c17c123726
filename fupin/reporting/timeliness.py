"""Who reported a round on time, late, or not at all.

A first version: the deadline is the period's last calendar day and reminders are not counted yet.
The monthly-cycle work replaces the deadline rule (working-day calendar, rounds) and counts reminders.
"""

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils import timezone

from fupin.core.periods import Period
from fupin.reporting.models import COUNTED_STATUSES, Submission
from fupin.units import access
from fupin.units.models import Unit
from fupin.units.selectors import reporting_units


@dataclass
class UnitTimeliness:
    unit: Unit
    status: str  # "on_time" | "late" | "missing"
    submitted_at: datetime | None = None
    days_late: int = 0
    reminders: int = 0


@dataclass
class RoundTimeliness:
    period: Period
    deadline: date
    on_time: list[UnitTimeliness] = field(default_factory=list)
    late: list[UnitTimeliness] = field(default_factory=list)
    missing: list[UnitTimeliness] = field(default_factory=list)


def round_deadline(period: Period) -> date:
    last = period.last
    return date(last.year, last.month, calendar.monthrange(last.year, last.month)[1])


def round_timeliness(*, period: Period, user=None) -> RoundTimeliness:
    deadline = round_deadline(period)
    result = RoundTimeliness(period=period, deadline=deadline)
    units = reporting_units()
    if user is not None:
        units = units.filter(access.visible_units_q(user))
    submitted = dict(Submission.objects.filter(first_month=period.first, last_month=period.last,
                                               status__in=COUNTED_STATUSES).values_list("unit_id", "submitted_at"))
    for unit in units:
        at = submitted.get(unit.pk)
        if at is None:
            result.missing.append(UnitTimeliness(unit, "missing"))
        elif timezone.localdate(at) <= deadline:
            result.on_time.append(UnitTimeliness(unit, "on_time", at))
        else:
            days = (timezone.localdate(at) - deadline).days
            result.late.append(UnitTimeliness(unit, "late", at, days_late=days))
    return result
