"""The ledger export's files: CSV (UTF-8 with BOM for Excel, GBK for WPS) streamed a chunk at a time, and xlsx
written row by row to a temporary file (constant memory). Both through fupin/core/safe_files.py, so no text
becomes a formula; the web and `fupin export ledger` call these."""

from collections.abc import Iterable, Iterator
from typing import BinaryIO

from fupin.core import safe_files
from fupin.insights.ledger import HEADER, LedgerFilters, ledger_rows

FORMATS = ("csv", "xlsx")
ENCODINGS = ("utf-8", "gbk")
# 万元 exact (up to 6 places, a fen), 元 with thousands separators, 吨 as entered.
NUMBER_FORMATS = {HEADER.index("数量（吨）"): "0.######", HEADER.index("金额（万元）"): "0.00####",
                  HEADER.index("金额（元）"): "#,##0.00"}
WIDTHS = {0: 16, 1: 16, 3: 24, 4: 24, 5: 18, 14: 30, 16: 24, 17: 24, 18: 30}


def export_name(filters: LedgerFilters, fmt: str) -> str:
    period = str(filters.period).replace(":", "至") if filters.period else "全部期间"
    return f"台账明细_{period}.{fmt}"


def gbk_check(*, user, filters: LedgerFilters) -> None:
    """UserError naming the first cell GBK cannot hold, before a GBK download starts (it cannot stop halfway).
    The same rows as the export, without findings (their names are the system's own, all GBK)."""
    for number, row in enumerate(ledger_rows(user=user, filters=filters, findings=False), start=1):
        safe_files.gbk_check(row, number)


def ledger_csv(rows: Iterable[list], *, encoding: str = "utf-8") -> Iterator[bytes]:
    """ledger_rows(...) as CSV chunks, the BOM first for UTF-8."""
    return safe_files.csv_stream(rows, encoding=encoding)


def ledger_xlsx(rows: Iterable[list], *, target: BinaryIO | str) -> int:
    """Write ledger_rows(...) to `target` (a file or its name), one row at a time; the number of lines written."""
    book = safe_files.workbook_streamed(target)
    sheet = book.add_worksheet("台账明细")
    bold = book.add_format({"bold": True, "bg_color": "#EEEEEE", "border": 1})
    formats = {c: book.add_format({"num_format": f}) for c, f in NUMBER_FORMATS.items()}
    for column, width in WIDTHS.items():
        sheet.set_column(column, column, width)
    sheet.freeze_panes(1, 0)
    count = 0
    for r, row in enumerate(rows):
        if r == 0:
            safe_files.write_row(sheet, 0, 0, row, bold)
            continue
        for c, value in enumerate(row):
            safe_files.write_cell(sheet, r, c, value, formats.get(c))
        count = r
    sheet.autofilter(0, 0, count, len(HEADER) - 1)
    book.close()
    return count
