"""The one writer for every spreadsheet, CSV and report file the system produces.

A reporter's text goes to the province in these files, so no text may become a formula (CSV/formula injection).
xlsx: the workbook never turns a string into a formula, a hyperlink or a number, and text is written with
write_string, so "=HYPERLINK(…)" stays the readable text it was typed as. CSV has no cell types: text beginning
with = + - @ tab or CR gets a leading single quote, as OWASP recommends. Figures stay numbers in both.
Nothing outside this module imports xlsxwriter or csv's writers (a test walks the package to hold that).
"""

import codecs
import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from fupin.core.errors import UserError

# What a spreadsheet program reads as the start of a formula (OWASP "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_ENCODINGS = {"utf-8": "utf-8-sig", "gbk": "gbk"}  # UTF-8 with a BOM, so that Excel reads it as UTF-8
GBK_UNREPRESENTABLE = "第{row}行第{column}列的“{value}”含有GBK编码无法表示的字符，请改用UTF-8格式导出"

Number = int | float | Decimal


def workbook(buffer: io.BytesIO) -> xlsxwriter.Workbook:
    """An in-memory workbook that keeps every string a string, whichever write method is called."""
    return xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                        "strings_to_numbers": False})


def workbook_streamed(target) -> xlsxwriter.Workbook:
    """A workbook for a large export: rows go to temporary files as they are written (constant_memory), so memory
    stays the same whatever the number of rows; `target` is a file name or a binary file object. Rows must be
    written in order, top to bottom."""
    return xlsxwriter.Workbook(target, {"constant_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "strings_to_numbers": False})


def _number(value: Number) -> float:
    """xlsx stores a number as decimal text with 16 significant digits: a Decimal of up to 15 digits (every
    rounded 万元 figure) comes back exactly."""
    return float(value)


def write_text(sheet: Worksheet, row: int, column: int, text: str, cell_format=None) -> None:
    sheet.write_string(row, column, text, cell_format)


def write_cell(sheet: Worksheet, row: int, column: int, value: str | Number | None, cell_format=None) -> None:
    """None → blank, a number → a number cell, anything else → a text cell."""
    if value is None or value == "":
        sheet.write_blank(row, column, None, cell_format)
    elif isinstance(value, int | float | Decimal):
        sheet.write_number(row, column, _number(value), cell_format)
    else:
        sheet.write_string(row, column, str(value), cell_format)


def write_row(sheet: Worksheet, row: int, column: int, values: Iterable, cell_format=None) -> None:
    for offset, value in enumerate(values):
        write_cell(sheet, row, column + offset, value, cell_format)


def write_column(sheet: Worksheet, row: int, column: int, values: Iterable, cell_format=None) -> None:
    for offset, value in enumerate(values):
        write_cell(sheet, row + offset, column, value, cell_format)


def merge_cell(sheet: Worksheet, first_row: int, first_col: int, last_row: int, last_col: int,
               value: str | Number | None, cell_format=None) -> None:
    """A merged range whose top-left cell is written with write_cell (merge_range alone would call write())."""
    sheet.merge_range(first_row, first_col, last_row, last_col, None, cell_format)
    write_cell(sheet, first_row, first_col, value, cell_format)


def csv_cell(value: str | Number | None) -> str | Number:
    """A text cell that a spreadsheet would run as a formula gets a leading quote; figures are left alone."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_bytes(rows: Iterable[Iterable[str | Number | None]], *, encoding: str = "utf-8") -> bytes:
    """rows → CSV bytes, text quoted and escaped, numbers bare. encoding: "utf-8" (with BOM) or "gbk"."""
    codec = CSV_ENCODINGS[encoding]
    out = io.StringIO(newline="")
    writer = csv.writer(out, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n")
    for r, row in enumerate(rows, start=1):
        cells = [csv_cell(value) for value in row]
        if codec == "gbk":
            _check_gbk(cells, r)
        writer.writerow(cells)
    return out.getvalue().encode(codec)


class _Line:
    """csv.writer's file: holds the one row just written."""

    def __init__(self):
        self.text = ""

    def write(self, text: str) -> None:
        self.text += text


def csv_stream(rows: Iterable[Iterable[str | Number | None]], *, encoding: str = "utf-8",
               rows_per_chunk: int = 500) -> Iterator[bytes]:
    """csv_bytes for a large export: the same cells, yielded as encoded chunks of rows (the BOM first for UTF-8),
    so a download of any size holds one chunk in memory. A GBK export raises UserError at the first text GBK
    cannot hold: check the texts before the response starts (gbk_check), a streamed download cannot be undone."""
    codec = CSV_ENCODINGS[encoding]
    line = _Line()
    writer = csv.writer(line, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n")
    if codec == "utf-8-sig":
        yield codecs.BOM_UTF8
        codec = "utf-8"
    parts: list[str] = []
    for r, row in enumerate(rows, start=1):
        cells = [csv_cell(value) for value in row]
        if codec == "gbk":
            _check_gbk(cells, r)
        writer.writerow(cells)
        parts.append(line.text)
        line.text = ""
        if len(parts) >= rows_per_chunk:
            yield "".join(parts).encode(codec)
            parts = []
    if parts:
        yield "".join(parts).encode(codec)


def gbk_check(row: Iterable[str | Number | None], number: int) -> None:
    """UserError naming row `number`'s first cell that GBK cannot hold (as csv_bytes would name it)."""
    _check_gbk([csv_cell(value) for value in row], number)


def _check_gbk(cells: list, row: int) -> None:
    for c, value in enumerate(cells, start=1):
        if isinstance(value, str):
            try:
                value.encode("gbk")
            except UnicodeEncodeError:
                raise UserError(GBK_UNREPRESENTABLE.format(row=row, column=c, value=value)) from None


@dataclass
class Output:
    """A report's bytes, the file name it gets when no -o is given, and whether it is binary."""
    content: bytes
    default_name: str
    binary: bool

    @property
    def text(self) -> str:
        return self.content.decode("utf-8")


def json_output(data, default_name: str) -> Output:
    return Output(json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8") + b"\n", default_name, False)


def write_chunks(chunks: Iterable[bytes], path: str) -> str:
    """A streamed export's bytes (csv_stream) to the file named with -o, a chunk at a time."""
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as out:
            for chunk in chunks:
                out.write(chunk)
    except OSError as exc:
        raise UserError(f"无法写入文件 {target}：{exc.strerror}") from None
    return str(target)


def write_file(output: Output, path: str | None) -> str:
    """Where a report's bytes go: the file named with -o, or its default name."""
    target = Path(path or output.default_name)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(output.content)
    except OSError as exc:
        raise UserError(f"无法写入文件 {target}：{exc.strerror}") from None
    return str(target)
