"""同比: a period's counted money against the same months a year before, asked of the aggregates' `summary`.

There is a 同比 only where last year has money: a year without data is "去年同期无数据", never +100% or a division
by nothing. The change is an exact ratio of whole fen, rounded half up to one place once, when it is shown.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from fupin.core.money import wan_display
from fupin.core.periods import Period
from fupin.insights import aggregates as ag
from fupin.units.models import Unit

NO_DATA = "去年同期无数据"


def same_period_last_year(period: Period) -> Period:
    """1—10月 of 2021 → 1—10月 of 2020 (periods start on the first of a month, so no 29 February arises)."""
    return Period(date(period.first.year - 1, period.first.month, 1), date(period.last.year - 1, period.last.month, 1))


def _tenths_half_up(numerator: int, denominator: int) -> int:
    """round(numerator / denominator, 1 place) × 10, half up, in integers (both non-negative): no binary fraction."""
    return (numerator * 20 + denominator) // (denominator * 2)


@dataclass
class YearOnYear:
    period: Period
    amount_fen: int
    last_year: Period
    last_year_fen: int

    @property
    def exists(self) -> bool:
        return self.last_year_fen > 0

    @property
    def change_fen(self) -> int:
        return self.amount_fen - self.last_year_fen

    @property
    def ratio(self) -> Decimal | None:
        """The exact change as a fraction of last year (Decimal division at 28 digits), None without last year."""
        if not self.exists:
            return None
        return Decimal(self.change_fen) / Decimal(self.last_year_fen)

    @property
    def percent(self) -> str:
        """The change's size in percent, one place, rounded half up ("" without last year)."""
        if not self.exists:
            return ""
        tenths = _tenths_half_up(abs(self.change_fen) * 100, self.last_year_fen)
        return str(Decimal(tenths).scaleb(-1))

    @property
    def change_percent(self) -> str:
        """Signed, as 环比 is shown: "+12.5", "-3.0", "0.0"; "" without last year."""
        if not self.exists:
            return ""
        if self.percent == "0.0":
            return "0.0"
        return f"-{self.percent}" if self.change_fen < 0 else f"+{self.percent}"

    @property
    def direction(self) -> str:
        """增长, 下降, or 持平 when the change rounds to nothing ("" without last year)."""
        if not self.exists:
            return ""
        if self.percent == "0.0":
            return "持平"
        return "下降" if self.change_fen < 0 else "增长"

    @property
    def text(self) -> str:
        """"同比增长12.5%", "同比下降3.0%", "同比持平", or 去年同期无数据."""
        if not self.exists:
            return NO_DATA
        return "同比持平" if self.direction == "持平" else f"同比{self.direction}{self.percent}%"

    def as_json(self) -> dict:
        """Money as 万元 strings; the change null where there is no 同比."""
        return {"period": self.period.as_json(), "amount": wan_display(self.amount_fen),
                "last_year_period": self.last_year.as_json(),
                "last_year": wan_display(self.last_year_fen) if self.exists else None,
                "change_percent": self.change_percent or None, "direction": self.direction or None,
                "text": self.text}


def year_on_year(*, root: Unit, period: Period, filters: ag.Filters | None = None,
                 amount_fen: int | None = None) -> YearOnYear:
    """The period against the same months last year, in `root`'s subtree (the caller has checked access).
    `amount_fen` is this period's total when the caller already has it (one query fewer)."""
    if amount_fen is None:
        amount_fen = ag.summary(root=root, period=period, filters=filters).total.amount_fen
    before = same_period_last_year(period)
    last = ag.summary(root=root, period=before, filters=filters).total.amount_fen
    return YearOnYear(period, amount_fen, before, last)
