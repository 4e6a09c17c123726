"""Which units reported within a span, counted from a row per unit and year (models.ReportedMonths).

A unit's one-month counted reports are kept as bits of its year's row, set again whenever one of its reports is
saved (signals.py, in the writer's transaction). Reports spanning several months are few and are asked directly
(the submission_multi_month index). `reported_units_count` then reads at most a row per unit and year of the
span, whatever the number of reports.
"""

from datetime import date

from django.db import connection
from django.db.models import Case, F, IntegerField, Q, Sum, Value, When
from django.db.models.functions import ExtractMonth, ExtractYear

from fupin.core.periods import Period
from fupin.insights.models import ReportedMonths
from fupin.reporting.models import COUNTED_STATUSES, Submission

BATCH = 5000


def _bit(month_field: str) -> Case:
    """1 << (month - 1), portably (an integer, never a float power)."""
    return Case(*(When(**{month_field: m}, then=Value(1 << (m - 1))) for m in range(1, 13)),
                default=Value(0), output_field=IntegerField())


def months_resync(unit_id: int, year: int) -> None:
    """Set the unit's row for `year` from its counted one-month reports."""
    firsts = (Submission.objects.filter(unit_id=unit_id, status__in=COUNTED_STATUSES, first_month__gte=date(year, 1, 1),
                                        first_month__lte=date(year, 12, 1), last_month=F("first_month"))
              .values_list("first_month", flat=True))
    months = sum(1 << (m.month - 1) for m in firsts)
    if not ReportedMonths.objects.filter(unit_id=unit_id, year=year).update(months=months) and months:
        ReportedMonths.objects.create(unit_id=unit_id, year=year, months=months)


def month_add(unit_id: int, month: date) -> None:
    """A new counted report for one month: its bit is added to the unit's row, in one upsert (a re-read of the
    unit's year, as months_resync does, finds the same bits and this one)."""
    quote = connection.ops.quote_name
    table = quote(ReportedMonths._meta.db_table)
    unit, year, months = (quote(ReportedMonths._meta.get_field(name).column) for name in ("unit", "year", "months"))
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({unit}, {year}, {months}) VALUES (%s, %s, %s) "
                       f"ON CONFLICT ({unit}, {year}) DO UPDATE SET {months} = {table}.{months} | excluded.{months}",
                       [unit_id, month.year, 1 << (month.month - 1)])


def months_resync_many(unit_years) -> None:
    """`months_resync` for many (unit, year) pairs at once (deferred.py): per year, one read of the units' one-month
    reports and one upsert, in steps of BATCH units."""
    by_year: dict[int, list[int]] = {}
    for unit_id, year in unit_years:
        by_year.setdefault(year, []).append(unit_id)
    for year, unit_ids in sorted(by_year.items()):
        unit_ids.sort()
        for start in range(0, len(unit_ids), BATCH):
            _months_step(year, unit_ids[start:start + BATCH])


def _months_step(year: int, unit_ids: list[int]) -> None:
    months = dict.fromkeys(unit_ids, 0)
    for unit_id, first in (Submission.objects.filter(unit_id__in=unit_ids, status__in=COUNTED_STATUSES,
                                                     first_month__gte=date(year, 1, 1),
                                                     first_month__lte=date(year, 12, 1), last_month=F("first_month"))
                           .values_list("unit_id", "first_month")):
        months[unit_id] |= 1 << (first.month - 1)
    ReportedMonths.objects.filter(unit_id__in=[u for u, m in months.items() if not m], year=year).update(months=0)
    ReportedMonths.objects.bulk_create([ReportedMonths(unit_id=u, year=year, months=m) for u, m in months.items() if m],
                                       update_conflicts=True, unique_fields=["unit", "year"], update_fields=["months"],
                                       batch_size=BATCH)


def months_rebuild() -> int:
    """Every row again from the reports, one GROUP BY (a repair; rollup_rebuild runs it). Returns rows written."""
    ReportedMonths.objects.all().delete()
    rows = (Submission.objects.filter(status__in=COUNTED_STATUSES, last_month=F("first_month"))
            .annotate(year=ExtractYear("first_month"), month=ExtractMonth("first_month"))
            .values("unit_id", "year").annotate(months=Sum(_bit("month"))).order_by()
            .values_list("unit_id", "year", "months"))
    batch, written = [], 0
    for unit_id, year, months in rows.iterator(chunk_size=BATCH):
        batch.append(ReportedMonths(unit_id=unit_id, year=year, months=months))
        if len(batch) == BATCH:
            written += len(ReportedMonths.objects.bulk_create(batch))
            batch = []
    return written + len(ReportedMonths.objects.bulk_create(batch))


def _mask(period: Period, year: int) -> int:
    first = period.first.month if period.first.year == year else 1
    last = period.last.month if period.last.year == year else 12
    return sum(1 << (m - 1) for m in range(first, last + 1))


def reported_units_count(period: Period, units: Q) -> int:
    """Units (`units`, a filter on a unit_id column) with a counted report lying within `period`."""
    years = range(period.first.year, period.last.year + 1)
    hit = Case(*(When(year=y, then=F("months").bitand(_mask(period, y))) for y in years),
               default=Value(0), output_field=IntegerField())
    monthly = (ReportedMonths.objects.filter(units, year__in=years).alias(hit=hit).filter(hit__gt=0)
               .values("unit_id"))
    count = monthly.distinct().order_by().count() if len(years) > 1 else monthly.count()
    # Units with a spanning report and no one-month one are counted once more: asked in SQL, since every unit of
    # a province may send a cumulative 1—10月 report (a set of their ids would not fit in a query's parameters).
    spanning = (Submission.objects.filter(units, status__in=COUNTED_STATUSES, first_month__gte=period.first,
                                          last_month__lte=period.last, first_month__lt=F("last_month"))
                .exclude(unit_id__in=monthly).values("unit_id").distinct().order_by())
    return count + spanning.count()
