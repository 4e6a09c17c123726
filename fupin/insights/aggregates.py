"""The one query layer: counted money over any subtree and period, grouped by any of the dimensions below.

Pages, exports and the circular all ask here. A period takes the submissions lying within it (as the attachment
table does), so the figures always agree with the attachment. Where the subtree's root keeps rollup rows
(see models.Rollup) the sums come from them; below that level the subtree is small and its lines are summed.
Both ways give the same answer (tests/insights/test_rollup.py holds them to it).
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from django.db.models import Count, Q, Sum

from fupin.core.periods import Period
from fupin.insights.models import Rollup
from fupin.insights.rollup import path_ids, rollup_depth
from fupin.quality.models import Channel
from fupin.reporting.models import COUNTED_STATUSES, ConsumptionType, Method, PurchaseLine
from fupin.units.models import Unit, UnitKind

DIMENSIONS = {
    "unit": "单位",
    "kind": "单位类别",
    "channel": "渠道",
    "method": "采购方式",
    "type": "消费类型",
    "month": "月份",
}
OWN = "本级"  # the subtree root's own lines, beside its children
UNCLASSIFIED = {"channel": "未分类", "method": "未注明", "type": "未注明"}
FILTER_FIELDS = {"channel": "channel_code", "method": "method", "type": "consumption_type"}
UNKNOWN_DIMENSION = "没有这个统计维度：“{name}”，可选：{choices}"


@dataclass
class Figures:
    amount_fen: int = 0
    lines: int = 0
    excluded_fen: int = 0
    excluded_lines: int = 0

    def add(self, other: "Figures") -> None:
        self.amount_fen += other.amount_fen
        self.lines += other.lines
        self.excluded_fen += other.excluded_fen
        self.excluded_lines += other.excluded_lines


@dataclass(frozen=True)
class Filters:
    """Keep only these values (empty: all). `unit` holds ids of the root's children (or the root for 本级)."""

    channel: tuple[str, ...] = ()
    method: tuple[str, ...] = ()
    type: tuple[str, ...] = ()
    unit: tuple[int, ...] = ()
    kind: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return any((self.channel, self.method, self.type, self.unit, self.kind))


@dataclass
class Grouped:
    """Figures by key (a tuple of one value per dimension asked), with what it takes to name each value."""

    root: Unit
    period: Period
    by: tuple[str, ...]
    cells: dict[tuple, Figures]
    children: dict[int, Unit] = field(default_factory=dict)

    @cached_property
    def channels(self) -> dict[str, str]:
        """Channel names, read only when a label is asked for (a figure alone needs no names)."""
        return dict(Channel.objects.values_list("code", "name"))

    @property
    def total(self) -> Figures:
        total = Figures()
        for figures in self.cells.values():
            total.add(figures)
        return total

    def label(self, dimension: str, value) -> str:
        return value_label(dimension, value, self)

    def values(self, dimension: str) -> list:
        """The values of one dimension present, in the office's order (units as registered, the rest by amount)."""
        i = self.by.index(dimension)
        amounts: dict = {}
        for key, figures in self.cells.items():
            amounts[key[i]] = amounts.get(key[i], 0) + figures.amount_fen
        return sorted(amounts, key=lambda v: value_order(dimension, v, amounts[v], self))


def value_label(dimension: str, value, grouped: Grouped) -> str:
    if dimension == "unit":
        if value == grouped.root.pk:
            return OWN
        unit = grouped.children.get(value)
        return unit.display_name if unit else str(value)
    if dimension == "kind":
        return UnitKind(value).label if value in UnitKind.values else (value or "其他")
    if dimension == "channel":
        return grouped.channels.get(value, value) if value else UNCLASSIFIED["channel"]
    if dimension == "month":
        return span_label(*value)
    return value or UNCLASSIFIED[dimension]


def value_order(dimension: str, value, amount: int, grouped: Grouped) -> tuple:
    if dimension == "unit":
        unit = grouped.children.get(value)
        return (1, unit.order, unit.pk) if unit else (0, 0, 0)
    if dimension == "month":
        return (value[1], value[0])
    if dimension == "kind":
        return (UnitKind.values.index(value) if value in UnitKind.values else 99,)
    return (not value, -amount, str(value))


def span_label(first: date, last: date) -> str:
    if first == last:
        return f"{first.year}年{first.month}月"
    return f"{first.year}年{Period(first, last).label()}"


def percent(part: int, whole: int) -> str:
    """A share as a percentage with one place, rounded half up ("" when the whole is nothing)."""
    if not whole:
        return ""
    return str((Decimal(part * 100) / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _check(by) -> tuple[str, ...]:
    for name in by:
        if name not in DIMENSIONS:
            from fupin.core.errors import UserError

            raise UserError(UNKNOWN_DIMENSION.format(name=name, choices="、".join(DIMENSIONS)))
    return tuple(by)


def _children(root: Unit) -> dict[int, Unit]:
    return {u.pk: u for u in Unit.objects.filter(parent=root).order_by("order", "pk")}


def _child_filter(filters: Filters, children: dict[int, Unit], root: Unit) -> set[int] | None:
    """Ids of children (or the root, for 本级) the unit and kind filters keep; None when they keep all."""
    if not filters.unit and not filters.kind:
        return None
    keep = set(children) | {root.pk}
    if filters.unit:
        keep &= set(filters.unit)
    if filters.kind:
        keep &= {pk for pk, u in children.items() if u.kind in filters.kind} | (
            {root.pk} if root.kind in filters.kind else set())
    return keep


def _column_filters(filters: Filters, prefix: str = "") -> Q:
    q = Q()
    for name, column in FILTER_FIELDS.items():
        values = getattr(filters, name)
        if values:
            q &= Q(**{f"{prefix}{column}__in": list(values)})
    return q


def _within(period: Period, prefix: str = "") -> Q:
    return Q(**{f"{prefix}first_month__gte": period.first, f"{prefix}last_month__lte": period.last})


def _lines_within(period: Period) -> Q:
    """Lines of the reports within the period; the year condition is implied by the dates, and lets PostgreSQL
    read only those years' partitions of the lines (docs/全国规模部署.md)."""
    return _within(period, "submission__") & Q(period_year__gte=period.first.year, period_year__lte=period.last.year)


def _line_atoms(lines, by_unit: bool, columns: list[str]):
    """(unit id or None, first, last, *columns, excluded, amount, count) over counted lines."""
    fields = (["submission__unit_id"] if by_unit else []) + ["submission__first_month", "submission__last_month"]
    rows = (lines.filter(submission__status__in=COUNTED_STATUSES)
            .values_list(*fields, *columns, "excluded").annotate(a=Sum("amount_fen"), n=Count("pk")).order_by())
    for row in rows:
        unit_id = row[0] if by_unit else None
        rest = row[1:] if by_unit else row
        *values, excluded, a, n = rest
        figures = Figures(excluded_fen=a, excluded_lines=n) if excluded else Figures(a, n)
        yield unit_id, values, figures


def _from_rollup(root, period, filters, columns, keep, by_child, children, by_month):
    """Atoms (child id or root id, span + columns, figures) from the rollup rows."""
    rows = Rollup.objects.filter(_within(period), _column_filters(filters))
    if by_child:
        rows = rows.filter(ancestor_id__in=[pk for pk in children if keep is None or pk in keep])
    else:
        rows = rows.filter(ancestor_id=root.pk)
    span = ["first_month", "last_month"] if by_month else []
    fields = (["ancestor_id"] if by_child else []) + span + columns
    totals = {"a": Sum("amount_fen"), "n": Sum("line_count"), "xa": Sum("excluded_fen"), "xn": Sum("excluded_lines")}
    if fields:
        sums = rows.values_list(*fields).annotate(**totals).order_by()
    else:  # values_list() without fields would mean every field
        total = rows.aggregate(**totals)
        sums = [tuple(total.values())] if total["n"] is not None else []
    for row in sums:
        unit_id = row[0] if by_child else root.pk
        *values, a, n, xa, xn = row[1:] if by_child else row
        yield unit_id, values if by_month else [None, None, *values], Figures(a, n, xa, xn)
    if by_child and (keep is None or root.pk in keep):  # the root's own lines (本级)
        own = PurchaseLine.objects.filter(_lines_within(period), _column_filters(filters),
                                          submission__unit_id=root.pk)
        for _, values, figures in _line_atoms(own, False, columns):
            yield root.pk, values, figures


def _from_lines(root, period, filters, columns, keep, by_child):
    lo, hi = root.path, root.path[:-1] + "0"
    lines = PurchaseLine.objects.filter(_lines_within(period), _column_filters(filters),
                                        submission__unit__path__gte=lo, submission__unit__path__lt=hi)
    need_unit = by_child or keep is not None
    atoms = list(_line_atoms(lines, need_unit, columns))
    paths = dict(Unit.objects.filter(pk__in={a[0] for a in atoms if a[0]}).values_list("pk", "path")) \
        if need_unit else {}
    for unit_id, values, figures in atoms:
        child = root.pk
        if need_unit:
            ids = path_ids(paths[unit_id])
            child = ids[root.depth + 1] if len(ids) > root.depth + 1 else root.pk
            if keep is not None and child not in keep:
                continue
        yield child, values, figures


def uses_rollup(root: Unit, by_child: bool) -> bool:
    return root.depth + (1 if by_child else 0) < rollup_depth()


def aggregate(*, root: Unit, period: Period, by=(), filters: Filters | None = None,
              source: str = "auto") -> Grouped:
    """Counted figures in `root`'s subtree for the submissions within `period`, grouped by the dimensions `by`.

    The caller has checked that the person may see `root` (access.can_view). `source="lines"` sums the ledger
    directly, even where rollup rows exist (what the rollup is tested against).
    """
    by = _check(by)
    filters = filters or Filters()
    by_child = "unit" in by or "kind" in by
    children = _children(root) if by_child or filters.unit or filters.kind else {}
    keep = _child_filter(filters, children, root)
    columns = [FILTER_FIELDS[d] for d in by if d in FILTER_FIELDS]
    rollup = source != "lines" and uses_rollup(root, by_child or keep is not None)
    if rollup:  # current: the rows change with the lines (rollup.py); a read never writes
        atoms = _from_rollup(root, period, filters, columns, keep, by_child or keep is not None, children,
                             "month" in by)
    else:
        atoms = _from_lines(root, period, filters, columns, keep, by_child)
    cells: dict[tuple, Figures] = {}
    for unit_id, values, figures in atoms:
        first, last, *rest = values
        named = dict(zip([d for d in by if d in FILTER_FIELDS], rest, strict=True))
        key = []
        for d in by:
            if d == "unit":
                key.append(unit_id)
            elif d == "kind":
                key.append(children[unit_id].kind if unit_id in children else root.kind)
            elif d == "month":
                key.append((first, last))
            else:
                key.append(named[d])
        cells.setdefault(tuple(key), Figures()).add(figures)
    return Grouped(root=root, period=period, by=by, cells=cells, children=children)


# ---- the figures pages and the circular ask for -------------------------------------------------------------


@dataclass
class Share:
    key: object
    label: str
    amount_fen: int
    lines: int
    percent: str


def shares(grouped: Grouped, dimension: str) -> list[Share]:
    """One dimension's values with their amounts and share of the total, in the office's order."""
    total = grouped.total.amount_fen
    out = []
    i = grouped.by.index(dimension)
    sums: dict = {}
    for key, figures in grouped.cells.items():
        sums.setdefault(key[i], Figures()).add(figures)
    for value in grouped.values(dimension):
        f = sums[value]
        out.append(Share(value, grouped.label(dimension, value), f.amount_fen, f.lines, percent(f.amount_fen, total)))
    return out


def by_dimension(*, root: Unit, period: Period, dimension: str, filters: Filters | None = None) -> list[Share]:
    return shares(aggregate(root=root, period=period, by=(dimension,), filters=filters), dimension)


@dataclass
class Ranked:
    rank: int
    unit: Unit | None
    label: str
    amount_fen: int
    lines: int
    percent: str


def ranking(*, root: Unit, period: Period, filters: Filters | None = None) -> list[Ranked]:
    """The root's direct subordinates by amount, largest first; those with nothing at the end (rank shared on
    ties). 本级 appears only when the root itself reported."""
    grouped = aggregate(root=root, period=period, by=("unit",), filters=filters)
    total = grouped.total.amount_fen
    amounts = {key[0]: f for key, f in grouped.cells.items()}
    units = [u for u in grouped.children.values() if u.active or u.pk in amounts]
    rows = [(u.pk, u, u.display_name) for u in units]
    if root.pk in amounts:
        rows.append((root.pk, root, OWN))
    rows.sort(key=lambda r: (-(amounts[r[0]].amount_fen if r[0] in amounts else 0), r[1].order, r[0]))
    out, previous, rank = [], None, 0
    for i, (pk, unit, label) in enumerate(rows, start=1):
        f = amounts.get(pk, Figures())
        if f.amount_fen != previous:
            rank, previous = i, f.amount_fen
        out.append(Ranked(rank, unit, label, f.amount_fen, f.lines, percent(f.amount_fen, total)))
    return out


@dataclass
class Summary:
    period: Period
    total: Figures
    online_fen: int
    offline_fen: int
    unmarked_fen: int

    @property
    def online_percent(self) -> str:
        return percent(self.online_fen, self.total.amount_fen)

    @property
    def offline_percent(self) -> str:
        return percent(self.offline_fen, self.total.amount_fen)


def summary(*, root: Unit, period: Period, filters: Filters | None = None) -> Summary:
    """Total, excluded, and the online share (线上 as the lines' 采购方式 says)."""
    grouped = aggregate(root=root, period=period, by=("method",), filters=filters)
    methods = {key[0]: f.amount_fen for key, f in grouped.cells.items()}
    online, offline = methods.get(Method.ONLINE, 0), methods.get(Method.OFFLINE, 0)
    total = grouped.total
    return Summary(period, total, online, offline, total.amount_fen - online - offline)


def year_to_date(month: date) -> Period:
    """January to `month` of its year (累计)."""
    return Period(date(month.year, 1, 1), date(month.year, month.month, 1))


def previous_month(month: date) -> date:
    return date(month.year - 1, 12, 1) if month.month == 1 else date(month.year, month.month - 1, 1)


@dataclass
class MonthOnMonth:
    month: date
    amount_fen: int
    previous_fen: int

    @property
    def change_percent(self) -> str:
        """Change against the month before, one place, signed ("" when the month before had nothing)."""
        if not self.previous_fen:
            return ""
        change = self.amount_fen - self.previous_fen
        text = percent(abs(change), self.previous_fen)
        return f"-{text}" if change < 0 else f"+{text}"


def month_on_month(*, root: Unit, month: date, filters: Filters | None = None) -> MonthOnMonth:
    """One month's reports against the month before's (monthly reports only; cumulative ones span months)."""
    before = previous_month(month)
    grouped = aggregate(root=root, period=Period(before, month), by=("month",), filters=filters)
    amounts = {key[0]: f.amount_fen for key, f in grouped.cells.items()}
    return MonthOnMonth(month, amounts.get((month, month), 0), amounts.get((before, before), 0))


def consumption_types() -> list[str]:
    return list(ConsumptionType.values)
