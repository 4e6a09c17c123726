"""One file through the whole import: read, find the layout, turn rows into purchase lines, store — all or
nothing. Rows stream from the reader and are checked as they come; the checked lines are kept per unit (a line is a
few hundred bytes, the reader's sheet is larger) and each unit's report is stored once, when the file has been read,
inside one transaction that is rolled back if anything was refused. So a file whose units' rows are interleaved (an
export sorted by date) costs what the same rows sorted by unit cost, and no file holds the database's write lock
while it is being read."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from fupin.core.errors import UserError
from fupin.core.text import normalize
from fupin.ingest import messages as msg
from fupin.ingest.context import ImportContext, ImportOptions
from fupin.ingest.layout import (
    FIELDS,
    HEADER_SCAN,
    REQUIRED,
    Layout,
    find_layout,
    is_subtotal_label,
    is_total_label,
    meta_period_conflict,
)
from fupin.ingest.messages import Issue, ReadError
from fupin.ingest.readers import read_document
from fupin.ingest.report import ImportReport, UnitSummary
from fupin.ingest.values import CellError, cell_text, is_blank, parse_amount
from fupin.reporting.models import Submission
from fupin.reporting.services import LineInput, ensure_unit_may_change, submission_create
from fupin.reporting.validation import ERROR
from fupin.units.models import Unit, UnitKind
from fupin.units.selectors import root_unit

LINE_FIELDS = ("product", "source", "method", "date", "quantity", "amount")
TEXT_LIMITS = {"product": 200, "source": 200, "method": 50, "date": 50, "note": 500, "explanation": 5000}


class _NewUnit:
    """A unit the file names that the registry lacks, created when the file is stored (--create-units)."""

    def __init__(self, text: str):
        self.text = text
        self.display_name = normalize(text)


@dataclass
class _Group:
    """Rows under one unit name (a merged cell, or a name on the group's first row only)."""

    text: str
    first_row: int
    unit: Unit | _NewUnit | None = None
    lines: int = 0
    amount_fen: int = 0
    subtotal: tuple | None = None  # (value, row)


@dataclass
class _Stored:
    unit: object
    pending: list = field(default_factory=list)  # the unit's checked lines, in file order


def import_bytes(data: bytes, *, name: str, options: ImportOptions, context: ImportContext) -> ImportReport:
    checked = check_bytes(data, name=name, options=options, context=context)
    checked.store()
    return checked.report


class CheckedFile:
    """A file read and checked, its lines waiting to be stored: `store()` stores them, all or nothing (in a
    savepoint of the caller's transaction, when there is one), or stores nothing when the file was refused."""

    def __init__(self, report: ImportReport, file_import: "_FileImport | None" = None):
        self.report, self._import = report, file_import

    @property
    def pending_lines(self) -> int:
        return sum(len(lines) for _unit, lines in self.reports())

    def store(self, *, due=None) -> None:
        if self._import is not None:
            self._import.store(due=due)
            self._import = None  # its lines are let go

    def reports(self) -> list[tuple]:
        """The (unit, lines) reports `store` would store; none when it would store nothing. A unit the registry
        lacks (--create-units) is not a Unit yet. The caller may store them itself, set-based with other files'
        reports: see `stored_with_others`."""
        file_import = self._import
        if file_import is None or not file_import.report.ok or file_import.options.dry_run:
            return []
        return [(state.unit, state.pending) for state in file_import.stored.values()]

    def stored_with_others(self) -> None:
        """Its reports were stored by the caller, together with other files' (as `store` would have)."""
        self.report.stored = True
        self._import = None


def check_bytes(data: bytes, *, name: str, options: ImportOptions, context: ImportContext) -> CheckedFile:
    """Read and check a file; nothing is stored yet. The database is only read (unit names, channels)."""
    report = ImportReport(file=name, dry_run=options.dry_run)
    try:
        document = read_document(data, options.limits)
        report.kind = document.kind
        layout = _layout(document, report)
        if layout is not None:
            file_import = _FileImport(layout, options, context, report)
            file_import.run()
            return CheckedFile(report, file_import)
    except ReadError as exc:
        report.error(Issue(exc.message))
    return CheckedFile(report)


def _layout(document, report: ImportReport) -> Layout | None:
    for table in document.tables:
        layout = find_layout(table)
        if layout is None:
            continue
        report.header_row = layout.header_row
        report.header_rows, report.header_cells = layout.header_rows, layout.header_cells
        missing = [FIELDS[name][0] for name in REQUIRED if name not in layout.columns]
        for column in missing:
            report.error(Issue(msg.MISSING_COLUMN.format(row=layout.header_row, column=column),
                               row=layout.header_row, column=column))
        return None if missing else layout
    report.error(Issue(msg.NO_HEADER.format(rows=HEADER_SCAN)))
    return None


class _FileImport:
    def __init__(self, layout: Layout, options: ImportOptions, context: ImportContext, report: ImportReport):
        self.layout, self.options, self.context, self.report = layout, options, context, report
        self.columns = layout.columns
        report.columns = [FIELDS[name][0] for name in layout.columns if name != "unit"]
        self.width = max(layout.columns.values()) + 1
        self.line_columns = [layout.columns[name] for name in LINE_FIELDS if name in layout.columns]
        self.group: _Group | None = None
        self.total: tuple | None = None  # (value, row) of the 合计 row
        self.after_total = False
        self.stored: dict = {}  # unit pk → _Stored, in the order the file first names them
        self.validator = context.validator(options.period)
        self.choices = [(name, known) for name, known in (("consumption_type", context.consumption_types),
                                                          ("purpose", context.purposes)) if name in self.columns]

    # The pass over the rows ---------------------------------------------------------------------------------

    def run(self) -> None:
        conflict = meta_period_conflict(self.layout, self.options.period)
        if conflict:
            self.report.error(Issue(msg.PERIOD_MISMATCH.format(found=conflict, expected=self.options.period),
                                    row=None, value=conflict))
        for number, cells in self.layout.rows:
            self._row(number, cells)
        self._end_group()
        self._check_total()
        if self.report.lines == 0 and self.report.ok:
            self.report.error(Issue(msg.NO_LINES))

    def _cell(self, cells: list, name: str):
        index = self.columns.get(name)
        return cells[index] if index is not None and index < len(cells) else None

    def _row(self, number: int, cells: list) -> None:
        first = next((v for v in cells if v is not None and v != "" and not is_blank(v)), None)
        if first is None:
            return
        if len(cells) < self.width:
            cells = [*cells, *[None] * (self.width - len(cells))]
        has_line = any(not is_blank(cells[index]) for index in self.line_columns)
        if self.after_total:
            if has_line and not is_blank(self._cell(cells, "amount")):
                issue = Issue(msg.AFTER_TOTAL, row=number)
                self.report.error(issue)
                self._keep_preview(number, cells, [issue], [])
            return
        if isinstance(first, str) and "计" in first and is_total_label(first):
            self.total = (self._cell(cells, "subtotal") if not is_blank(self._cell(cells, "subtotal"))
                          else self._cell(cells, "amount"), number)
            self.after_total = True
            return
        if isinstance(first, str) and "计" in first and is_subtotal_label(first):
            if self.group is not None and self.group.subtotal is None:
                value = self._cell(cells, "subtotal")
                self.group.subtotal = (value if not is_blank(value) else self._cell(cells, "amount"), number)
            return
        unit_value = self._cell(cells, "unit")
        if not is_blank(unit_value):
            text = cell_text(unit_value)
            if not has_line and (":" in normalize(text) or len(text) > 50):
                return  # 填表人：张三 under the table
            self._end_group()
            self.group = self._start_group(text, number)
        self.report.rows += 1
        if self.group is not None and self.group.subtotal is None:
            subtotal = self._cell(cells, "subtotal")
            if not is_blank(subtotal):
                self.group.subtotal = (subtotal, number)
        if not has_line:
            if self.group is None:
                return
            self._keep_preview(number, cells, [], [])
            return
        if self.group is None:
            self.group = self._default_group(number)
        self._line(number, cells)

    # Units ----------------------------------------------------------------------------------------------------

    def _default_group(self, number: int) -> _Group:
        """Rows with no unit name: the unit given to the import, else the one written above the header."""
        if self.layout.meta_unit:  # checked against the unit given, if any: a template of another unit is refused
            group = self._start_group(self.layout.meta_unit, self.layout.meta_unit_row or number)
        elif self.options.unit is not None:
            group = _Group(self.options.unit.display_name, number, unit=self.options.unit)
        else:
            group = _Group("", number)
            self.report.error(Issue(msg.NO_UNIT_COLUMN, row=number, column="单位名称"))
        self._summary(group)
        return group

    def _start_group(self, text: str, number: int) -> _Group:
        group = _Group(text, number)
        issue = None
        unit = self.context.unit(text)
        if unit is None and self.options.create_units:
            unit = _NewUnit(text)
            self.report.warn(Issue(msg.UNIT_CREATED, row=number, column="单位名称", value=text))
        if unit is None:
            issue = msg.UNIT_UNKNOWN
        elif self.options.unit is not None and getattr(unit, "pk", None) != self.options.unit.pk:
            issue = msg.UNIT_NOT_THE_ONE.format(unit=self.options.unit.display_name)
        elif isinstance(unit, Unit) and not self.context.may_import_for(self.options.user, unit):
            issue = msg.UNIT_NOT_ALLOWED
        if issue:
            self.report.error(Issue(issue, row=number, column="单位名称", value=text))
        else:
            group.unit = unit
            self._summary(group)
        return group

    def _summary(self, group: _Group) -> None:
        if group.unit is not None:
            name = group.unit.display_name
            if name not in self.report.units:  # a file in date order names its units on every row
                self.report.units[name] = UnitSummary(name, group.first_row)

    def _end_group(self) -> None:
        group, self.group = self.group, None
        if group is None:
            return
        if group.subtotal is not None:
            value, row = group.subtotal
            self._reconcile(value, row, group.amount_fen, msg.SUBTOTAL_DIFFERS, group.text)
        if group.lines == 0 and group.unit is not None:
            self.report.warn(Issue(msg.UNIT_WITHOUT_LINES, row=group.first_row, column="单位名称",
                                   value=group.text))
            summary = self.report.units.get(group.unit.display_name)
            if summary is not None and summary.lines == 0:
                del self.report.units[group.unit.display_name]

    def _check_total(self) -> None:
        if self.total is not None:
            value, row = self.total
            self._reconcile(value, row, self.report.amount_fen, msg.TOTAL_DIFFERS, None)

    def _reconcile(self, value, row: int, computed_fen: int, message: str, unit_text) -> None:
        """A written sum agrees when it is the lines' sum rounded to the places it was written with."""
        column = "合计" if "subtotal" in self.columns else "金额"
        unit = self.layout.subtotal_unit if "subtotal" in self.columns else self.layout.amount_unit
        if is_blank(value):
            return
        try:
            found = parse_amount(value, unit)
        except CellError:
            self.report.warn(Issue(msg.SUM_NOT_NUMBER, row=row, column=column, value=cell_text(value)))
            return
        text = cell_text(value)
        places = len(text.split(".", 1)[1].rstrip("万元")) if "." in text else 0
        tolerance = Decimal(10) ** (6 - places if unit == "万元" else 2 - places) / 2
        if abs(found - computed_fen) > tolerance:
            fen_per = 1_000_000 if unit == "万元" else 100
            computed = (Decimal(computed_fen) / fen_per).quantize(Decimal("0.01"))
            self.report.warn(Issue(message.format(found=text, computed=computed), row=row, column=column,
                                   value=text, unit=unit_text))

    # Lines ----------------------------------------------------------------------------------------------------

    def _line(self, number: int, cells: list) -> None:
        """One row's cells → a checked line. Rows come by the hundred thousand: the cells are read by the index the
        layout found (rows are padded to the layout's width), and a message is built only for a cell with a
        problem."""
        errors: list[Issue] = []
        warnings: list[Issue] = []
        line = LineInput(amount_fen=0)
        columns, options, context = self.columns, self.options, self.context
        amount = cells[columns["amount"]]
        try:
            line.amount_fen = context.amount(amount, self.layout.amount_unit)
            if line.amount_fen == 0:
                self._problem(warnings, number, "amount", amount, msg.AMOUNT_ZERO)
        except CellError as exc:
            self._problem(errors, number, "amount", amount, exc.message)
        line.product = self._text(cells, "product", number, errors)
        line.source_text = self._text(cells, "source", number, errors)
        line.method_text = self._text(cells, "method", number, errors)
        line.method, rewritten = context.method(line.method_text)
        if line.method and rewritten:
            self._problem(warnings, number, "method", line.method_text,
                          msg.METHOD_NORMALISED.format(method=line.method))
        if "date" in columns:
            value = cells[columns["date"]]
            line.date_text = self._text(cells, "date", number, errors)
            try:
                line.purchase_date = context.date(value, options.period)
            except CellError as exc:
                self._problem(errors, number, "date", value, exc.message)
        notes = [self._text(cells, "note", number, errors)] if "note" in columns else []
        if "quantity" in columns:
            value = cells[columns["quantity"]]
            try:
                line.quantity_g, as_written = context.quantity(value, self.layout.tons_per_quantity)
                if as_written:
                    self._problem(warnings, number, "quantity", value, msg.QUANTITY_NOT_WEIGHT)
                    notes.append(f"数量：{as_written}")
            except CellError as exc:
                self._problem(errors, number, "quantity", value, exc.message)
        if notes:
            line.note = "；".join(filter(None, notes))[: TEXT_LIMITS["note"]]
        if "explanation" in columns:
            line.explanation = self._text(cells, "explanation", number, errors)
        for name, known in self.choices:
            value = cells[columns[name]]
            if not is_blank(value):
                chosen = known.get(normalize(cell_text(value)))
                if chosen is None:
                    choices = "、".join(dict.fromkeys(known.values()))
                    self._problem(errors, number, name, value,
                                  msg.CHOICE_UNKNOWN.format(column=FIELDS[name][0], choices=choices))
                else:
                    setattr(line, name, chosen)
        self._judged(line, number, cells, errors, warnings)
        for issue in errors:
            self.report.error(issue)
        for issue in warnings:
            self.report.warn(issue)
        self._keep_preview(number, cells, errors, warnings)
        if errors or self.group.unit is None:
            return
        self.report.lines += 1
        self.group.lines += 1
        self.group.amount_fen += line.amount_fen
        summary = self.report.units[self.group.unit.display_name]
        summary.lines += 1
        summary.amount_fen += line.amount_fen
        self._store(self.group.unit, line)

    def _problem(self, bucket: list, number: int, name: str, value, message: str) -> None:
        bucket.append(Issue(message, row=number, column=FIELDS[name][0], value=cell_text(value),
                            unit=self.group.text or None))

    def _text(self, cells: list, name: str, number: int, errors: list) -> str:
        """A text cell, cut to what the ledger keeps (an error says so)."""
        index = self.columns.get(name)
        text = "" if index is None else cell_text(cells[index])
        limit = TEXT_LIMITS.get(name)
        if limit and len(text) > limit:
            self._problem(errors, number, name, text[:20] + "…",
                          msg.TEXT_TOO_LONG.format(column=FIELDS[name][0], limit=limit))
            return text[:limit]
        return text

    def _judged(self, line: LineInput, number: int, cells: list, errors: list, warnings: list) -> None:
        """The line validator's checks (the same the web form gets), on the cells that have no parse error yet.
        It also fills in the channel the classifier is sure of."""
        failed = {issue.column for issue in errors}
        for check in self.validator.check(line):
            name = check.field if check.field in FIELDS else "amount"  # the validator names fields as ingest does
            if check.severity == ERROR and FIELDS[name][0] in failed:
                continue  # the cell could not be read: that message says it
            value = self._cell(cells, name) if name in self.columns else ""
            bucket = errors if check.severity == ERROR else warnings
            self._problem(bucket, number, name, value, check.message)
            bucket[-1].rule = check.rule
            if check.severity != ERROR:
                bucket[-1].severity = check.severity  # 警告 or 提示, kept by the report

    def _keep_preview(self, number: int, cells: list, errors: list, warnings: list) -> None:
        """The first rows, and every row with a problem (up to a bound), for the web preview."""
        limit, preview = self.options.preview_rows, self.report.preview
        if not limit or len(preview) >= limit * 3 or (len(preview) >= limit and not errors and not warnings):
            return
        preview.append({
            "row": number, "unit": self.group.text if self.group else "",
            "cells": [cell_text(self._cell(cells, name)) for name in self.columns if name != "unit"],
            "issues": [{"message": i.message, "column": i.column, "error": True} for i in errors]
            + [{"message": i.message, "column": i.column, "error": False} for i in warnings],
        })

    # Storing --------------------------------------------------------------------------------------------------

    def _store(self, unit, line: LineInput) -> None:
        if self.options.dry_run or not self.report.ok:
            return  # nothing will be stored: keep no lines
        key = id(unit) if isinstance(unit, _NewUnit) else unit.pk
        state = self.stored.get(key)
        if state is None:
            state = self.stored[key] = _Stored(unit)
        state.pending.append(line)

    def store(self, *, due=None) -> None:
        """Each unit's report once, whole, wherever in the file its rows were (the ledger takes a unit's lines in
        one call: it records the submitted version's totals), in one transaction (a savepoint of the caller's)
        rolled back if the ledger refuses any. `due`: the period's deadline, when the caller knows it."""
        if not self.report.ok or self.options.dry_run:
            return
        with transaction.atomic():
            for state in self.stored.values():
                try:
                    self._store_unit(state, due)
                except UserError as exc:
                    self.report.error(Issue(msg.REFUSED_BY_LEDGER.format(reason=exc.message),
                                            unit=getattr(state.unit, "display_name", None)))
                    transaction.set_rollback(True)
                    break
            self.stored = {}
        self.report.stored = self.report.ok

    def _store_unit(self, state: _Stored, due) -> None:
        options = self.options
        if isinstance(state.unit, _NewUnit):
            state.unit = _create_unit(state.unit, by=options.by)
            self.context.remember_unit(state.unit.short_name, state.unit)
        elif options.user is not None:
            existing = Submission.objects.filter(unit=state.unit, first_month=options.period.first,
                                                 last_month=options.period.last).first()
            if existing is not None:
                ensure_unit_may_change(existing, options.user)  # a reporter may not replace what awaits review
        submission_create(unit=state.unit, period=options.period, lines=state.pending, by=options.by,
                          status=options.status, replace=True, due=due)


def _create_unit(new: _NewUnit, *, by) -> Unit:
    root = root_unit()
    last = root.children.order_by("-order").values_list("order", flat=True).first() or 0
    unit = Unit(parent=root, short_name=new.display_name[:50], name=new.display_name[:100], kind=UnitKind.OTHER,
                order=last + 1)
    unit._history_user = by
    unit.full_clean()
    unit.save()
    return unit
