"""A pivot table: one dimension down, another (or none) across, figures in each cell, totals at the edges."""

from dataclasses import dataclass, field
from datetime import date

from fupin.core.periods import Period
from fupin.insights.aggregates import DIMENSIONS, Figures, Filters, aggregate
from fupin.insights.year_on_year import YearOnYear, same_period_last_year
from fupin.reporting.models import period_name
from fupin.units.models import Unit

MEASURES = {"amount": "金额（万元）", "lines": "明细条数", "excluded": "剔除金额（万元）"}


@dataclass
class Pivot:
    root: Unit
    period: Period
    rows: str
    cols: str  # "" when nothing goes across
    measure: str
    row_values: list[tuple[object, str]] = field(default_factory=list)
    col_values: list[tuple[object, str]] = field(default_factory=list)
    cells: dict[tuple, Figures] = field(default_factory=dict)
    row_totals: dict = field(default_factory=dict)
    col_totals: dict = field(default_factory=dict)
    total: Figures = field(default_factory=Figures)
    # 同比: the same months last year, by row value (a month row keyed by this year's month); empty without data
    last_year: dict = field(default_factory=dict)
    last_year_total: Figures = field(default_factory=Figures)

    @property
    def last_year_period(self) -> Period:
        return same_period_last_year(self.period)

    @property
    def last_year_label(self) -> str:
        return period_name(self.last_year_period)

    @property
    def has_last_year(self) -> bool:
        """Whether the measure has anything last year: else no 同比 columns at all (not +100% in every row)."""
        return bool(self.value(self.last_year_total))

    def _compare(self, now: Figures | None, before: Figures | None) -> YearOnYear:
        return YearOnYear(self.period, self.value(now) or 0, self.last_year_period, self.value(before) or 0)

    def compared(self) -> list[tuple[str, list, object, YearOnYear]]:
        """table() with each row's 同比 (its .exists false where the row had nothing last year)."""
        return [(label, cells, total, self._compare(self.row_totals.get(r), self.last_year.get(r)))
                for (label, cells, total), (r, _) in zip(self.table(), self.row_values, strict=True)]

    def total_year_on_year(self) -> YearOnYear:
        return self._compare(self.total, self.last_year_total)

    @property
    def rows_label(self) -> str:
        return DIMENSIONS[self.rows]

    @property
    def title(self) -> str:
        across = f" × {DIMENSIONS[self.cols]}" if self.cols else ""
        return f"{DIMENSIONS[self.rows]}{across}（{MEASURES[self.measure]}）"

    def value(self, figures: Figures | None):
        """The measure of a cell: fen for amounts (shown in 万元), a count for lines."""
        if figures is None:
            return None
        return {"amount": figures.amount_fen, "lines": figures.lines, "excluded": figures.excluded_fen}[self.measure]

    def table(self) -> list[tuple[str, list, object]]:
        """Rows as (label, [cell measure per column], row total measure)."""
        out = []
        for r, label in self.row_values:
            cells = [self.value(self.cells.get((r, c))) for c, _ in self.col_values]
            out.append((label, cells, self.value(self.row_totals.get(r))))
        return out

    def footer(self) -> list:
        return [self.value(self.col_totals.get(c)) for c, _ in self.col_values]


def pivot(*, root: Unit, period: Period, rows: str, cols: str = "", filters: Filters | None = None,
          measure: str = "amount") -> Pivot:
    by = (rows, cols) if cols and cols != rows else (rows,)
    grouped = aggregate(root=root, period=period, by=by, filters=filters)
    result = Pivot(root, period, rows, cols if len(by) == 2 else "", measure)
    result.row_values = [(v, grouped.label(rows, v)) for v in grouped.values(rows)]
    if len(by) == 2:
        result.col_values = [(v, grouped.label(cols, v)) for v in grouped.values(cols)]
    else:
        result.col_values = []
    for key, figures in grouped.cells.items():
        r, c = key[0], key[1] if len(by) == 2 else None
        result.cells[(r, c)] = figures
        result.row_totals.setdefault(r, Figures()).add(figures)
        if c is not None:
            result.col_totals.setdefault(c, Figures()).add(figures)
    result.total = grouped.total
    before = aggregate(root=root, period=same_period_last_year(period), by=(rows,), filters=filters)
    for (value,), figures in before.cells.items():
        result.last_year.setdefault(_this_year(rows, value), Figures()).add(figures)
    result.last_year_total = before.total
    return result


def _this_year(dimension: str, value):
    """A last-year row value as this year's row names it: months move on a year, everything else is the same."""
    if dimension == "month":
        return tuple(date(d.year + 1, d.month, 1) for d in value)
    return value
