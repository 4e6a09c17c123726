"""The province's view of its cities for a period: ranked by what each pushed, on time or late against the
round's deadline (judged by when the province received the first push), or not pushed at all.

Everything is read from the receipts (fupin.province.models): what each city pushed, as it pushed it."""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import QuerySet

from fupin.core.money import wan_display
from fupin.core.periods import Period
from fupin.province.models import PushReceipt
from fupin.reporting.calendar import WorkCalendar
from fupin.reporting.deadlines import round_deadline, round_for, workdays_late
from fupin.units import access
from fupin.units.models import Unit
from fupin.units.selectors import root_unit

STATUS_LABELS = {"on_time": "按时", "late": "逾期", "missing": "未推送"}


@dataclass
class CityRow:
    city: Unit
    status: str  # "on_time" | "late" | "missing"
    rank: int | None = None
    total_fen: int = 0
    line_count: int = 0
    unit_count: int = 0
    first_received_at: datetime | None = None
    last_received_at: datetime | None = None
    days_late: int = 0
    version: int = 0  # the version of the city's report the last push made
    pushes: int = 0  # pushes received, unchanged ones too
    last_year_fen: int | None = None  # 同比: the same period a year before, as pushed
    previous_fen: int | None = None  # 环比: the month before (a single month's period only)

    @property
    def total(self) -> str:
        return wan_display(self.total_fen) if self.status != "missing" else ""

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def year_on_year(self) -> str:
        return _change(self.total_fen, self.last_year_fen) if self.status != "missing" else ""

    @property
    def month_on_month(self) -> str:
        return _change(self.total_fen, self.previous_fen) if self.status != "missing" else ""

    def as_json(self) -> dict:
        return {"city_id": self.city.pk, "city": self.city.display_name, "rank": self.rank, "status": self.status,
                "status_label": self.status_label, "total_fen": self.total_fen, "total": self.total,
                "line_count": self.line_count, "unit_count": self.unit_count,
                "first_received_at": self.first_received_at.isoformat() if self.first_received_at else None,
                "last_received_at": self.last_received_at.isoformat() if self.last_received_at else None,
                "days_late": self.days_late, "version": self.version, "pushes": self.pushes,
                "year_on_year": self.year_on_year, "month_on_month": self.month_on_month}


@dataclass
class Ranking:
    period: Period
    deadline: date
    rule_label: str
    rows: list[CityRow] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def total_fen(self) -> int:
        return sum(r.total_fen for r in self.rows)

    @property
    def total(self) -> str:
        return wan_display(self.total_fen)

    @property
    def on_time_count(self) -> int:
        return self.count("on_time")

    @property
    def late_count(self) -> int:
        return self.count("late")

    @property
    def missing_count(self) -> int:
        return self.count("missing")

    def as_json(self, rows: list[CityRow] | None = None) -> dict:
        return {"period": str(self.period), "deadline": self.deadline.isoformat(), "rule": self.rule_label,
                "total_fen": self.total_fen, "total": wan_display(self.total_fen),
                "on_time": self.count("on_time"), "late": self.count("late"), "missing": self.count("missing"),
                "cities": [r.as_json() for r in (self.rows if rows is None else rows)]}


def _change(now: int, before: int | None) -> str:
    """The change in per cent with one place, "" when there is nothing to compare with."""
    if not before:
        return ""
    rate = Decimal((now - before) * 100) / Decimal(before)
    return str(rate.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def cities(user=None) -> QuerySet[Unit]:
    """The province's cities (the units right below it) that `user` may see (all, without a user)."""
    root = root_unit()
    if root is None:
        return Unit.objects.none()
    found = Unit.objects.filter(parent=root, active=True).order_by("order", "pk")
    return found.filter(access.visible_units_q(user)) if user is not None else found


def city_or_404(user, city_id) -> Unit:
    from django.http import Http404

    city = access.unit_for_user_or_404(user, city_id)
    if city.parent_id is None or city.parent_id != getattr(root_unit(), "pk", None):
        raise Http404("单位不存在")
    return city


def _receipts(period: Period, city_ids) -> QuerySet[PushReceipt]:
    return PushReceipt.objects.filter(first_month=period.first, last_month=period.last, city_id__in=city_ids)


def _latest_totals(period: Period, city_ids) -> dict[int, int]:
    latest = {}
    for city_id, total in _receipts(period, city_ids).order_by("received_at", "pk").values_list("city_id",
                                                                                                 "total_fen"):
        latest[city_id] = total
    return latest


def _shifted(period: Period, *, years: int = 0, months: int = 0) -> Period:
    def move(day: date) -> date:
        index = day.year * 12 + day.month - 1 + years * 12 - months
        return date(index // 12, index % 12 + 1, 1)

    return Period(move(period.first), move(period.last))


def ranking(*, period: Period, user=None) -> Ranking:
    calendar = WorkCalendar()
    deadline = round_deadline(round_for(period), calendar)
    found = list(cities(user))
    ids = [c.pk for c in found]
    rows = {c.pk: CityRow(city=c, status="missing") for c in found}
    for receipt in _receipts(period, ids).order_by("received_at", "pk"):
        row = rows[receipt.city_id]
        if row.first_received_at is None:
            row.first_received_at = receipt.received_at
            row.days_late = workdays_late(deadline.day, receipt.received_at, calendar)
            row.status = "late" if row.days_late else "on_time"
        row.last_received_at, row.pushes, row.version = receipt.received_at, row.pushes + 1, receipt.version
        row.total_fen, row.line_count, row.unit_count = receipt.total_fen, receipt.line_count, receipt.unit_count
    last_year = _latest_totals(_shifted(period, years=-1), ids)
    single_month = period.first == period.last
    previous = _latest_totals(_shifted(period, months=1), ids) if single_month else {}
    for row in rows.values():
        row.last_year_fen = last_year.get(row.city.pk)
        row.previous_fen = previous.get(row.city.pk)
    pushed = sorted((r for r in rows.values() if r.status != "missing"),
                    key=lambda r: (-r.total_fen, r.city.order, r.city.pk))
    for place, row in enumerate(pushed, start=1):  # equal totals share a rank (1, 2, 2, 4)
        row.rank = pushed[place - 2].rank if place > 1 and pushed[place - 2].total_fen == row.total_fen else place
    missing = [r for r in rows.values() if r.status == "missing"]
    return Ranking(period=period, deadline=deadline.day, rule_label=deadline.rule_label, rows=pushed + missing)


def latest_pushed_period(default: Period) -> Period:
    """The period the ranking opens on: the one pushed last, or `default` when nothing was pushed yet."""
    last = PushReceipt.objects.order_by("-received_at", "-pk").values_list("first_month", "last_month").first()
    return Period(*last) if last else default


def has_receipts() -> bool:
    return PushReceipt.objects.exists()
