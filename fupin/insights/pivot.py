"""A pivot table: one dimension down, another (or none) across, figures in each cell, totals at the edges."""

from dataclasses import dataclass, field

from fupin.core.periods import Period
from fupin.insights.aggregates import DIMENSIONS, Figures, Filters, aggregate
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
    return result
