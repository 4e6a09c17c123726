"""Aggregates: the pivot page's table (its rows, columns, filters, measure and 同比), read through the same form and
the same query layer as the page and its xlsx, so the figures are the same. Money as whole 分 and 2-place 万元
strings (rounded once, as the page rounds), never floats."""

from ninja import Query, Router, Schema

from fupin.api.errors import QueryInvalid
from fupin.api.unit_reports import ERRORS
from fupin.core.money import wan_display
from fupin.core.periods import Period
from fupin.insights.aggregates import DIMENSIONS, Figures
from fupin.insights.forms import PivotForm, pivot_form
from fupin.insights.pivot import MEASURES
from fupin.insights.pivot import pivot as pivot_table
from fupin.insights.selectors import scope_root
from fupin.reporting.models import period_name
from fupin.reporting.selectors import default_period

router = Router(tags=["统计"])
FILTERS = ("channel", "method", "type", "kind")


class AggregatesIn(Schema):
    period: str | None = None
    unit: int | None = None  # the subtree's root (default: the highest unit the person sees)
    rows: str = "unit"
    cols: str | None = None  # default "channel" when rows is not given; "" for none
    measure: str = "amount"
    channel: list[str] = []
    method: list[str] = []
    type: list[str] = []
    kind: list[str] = []


class CellOut(Schema):
    amount_fen: int
    amount_wan: str
    lines: int
    excluded_fen: int
    excluded_wan: str
    excluded_lines: int


class ValueOut(Schema):
    key: str
    label: str


class RowOut(Schema):
    key: str
    label: str
    cells: list[CellOut | None]
    total: CellOut
    last_year: CellOut | None
    change_percent: str  # 同比, signed ("+12.5"); "" where last year had nothing


class AggregatesOut(Schema):
    period: str
    period_label: str
    unit_id: int
    unit: str
    rows: str
    rows_label: str
    cols: str
    cols_label: str
    measure: str
    measure_label: str
    title: str
    columns: list[ValueOut]
    items: list[RowOut]
    column_totals: list[CellOut | None]
    total: CellOut
    last_year_period: str
    last_year_total: CellOut
    total_change_percent: str


class ChoiceOut(Schema):
    value: str
    label: str


class FilterOut(Schema):
    name: str
    label: str
    choices: list[ChoiceOut]


class DimensionsOut(Schema):
    dimensions: list[ChoiceOut]
    measures: list[ChoiceOut]
    filters: list[FilterOut]


def _cell(figures: Figures | None) -> dict | None:
    if figures is None:
        return None
    return {"amount_fen": figures.amount_fen, "amount_wan": wan_display(figures.amount_fen), "lines": figures.lines,
            "excluded_fen": figures.excluded_fen, "excluded_wan": wan_display(figures.excluded_fen),
            "excluded_lines": figures.excluded_lines}


def _key(dimension: str, value) -> str:
    if dimension == "month":
        return str(Period(*value))
    return "" if value is None else str(value)


def _form(request) -> PivotForm:
    form = pivot_form(request.GET)
    if not form.is_valid():
        raise QueryInvalid([f"{name}：{'；'.join(errors)}" for name, errors in form.errors.items()])
    return form


def aggregates_of(pivot) -> dict:
    rows = []
    for (value, label), r_cells in zip(pivot.row_values, pivot.compared(), strict=True):
        yoy = r_cells[3]
        rows.append({"key": _key(pivot.rows, value), "label": str(label),
                     "cells": [_cell(pivot.cells.get((value, c))) for c, _ in pivot.col_values],
                     "total": _cell(pivot.row_totals.get(value, Figures())),
                     "last_year": _cell(pivot.last_year.get(value)), "change_percent": yoy.change_percent})
    return {"period": str(pivot.period), "period_label": period_name(pivot.period), "unit_id": pivot.root.pk,
            "unit": pivot.root.display_name, "rows": pivot.rows, "rows_label": DIMENSIONS[pivot.rows],
            "cols": pivot.cols, "cols_label": DIMENSIONS.get(pivot.cols, ""), "measure": pivot.measure,
            "measure_label": MEASURES[pivot.measure], "title": pivot.title,
            "columns": [{"key": _key(pivot.cols, c), "label": str(label)} for c, label in pivot.col_values],
            "items": rows, "column_totals": [_cell(pivot.col_totals.get(c)) for c, _ in pivot.col_values],
            "total": _cell(pivot.total), "last_year_period": str(pivot.last_year_period),
            "last_year_total": _cell(pivot.last_year_total),
            "total_change_percent": pivot.total_year_on_year().change_percent}


@router.get("/aggregates", response={200: AggregatesOut, **ERRORS},
            summary="透视汇总（与“透视分析”页面及其 xlsx 相同的数字）")
def aggregates(request, query: Query[AggregatesIn]):
    form = _form(request)  # the page's own form: the same defaults, choices and Chinese messages
    data = form.cleaned_data
    root = scope_root(request.user, data.get("unit"))
    result = pivot_table(root=root, period=data["period"] or default_period(), rows=data["rows"],
                         cols=data["cols"], filters=form.filters(), measure=data["measure"] or "amount")
    return aggregates_of(result)


@router.get("/aggregates/dimensions", response={200: DimensionsOut, **ERRORS}, summary="透视可用的维度、数值与筛选条件")
def dimensions(request):
    form = PivotForm()
    return {"dimensions": [{"value": k, "label": v} for k, v in DIMENSIONS.items()],
            "measures": [{"value": k, "label": v} for k, v in MEASURES.items()],
            "filters": [{"name": name, "label": str(form.fields[name].label),
                         "choices": [{"value": str(v), "label": str(label)} for v, label in form.fields[name].choices]}
                        for name in FILTERS]}

