"""A pivot table as an Excel workbook: the same rows, columns and totals as on the page."""

import io
from decimal import Decimal

from fupin.core.money import wan_display
from fupin.core.safe_files import workbook, write_cell, write_row, write_text
from fupin.insights.aggregates import DIMENSIONS
from fupin.insights.pivot import MEASURES, Pivot


def _cell(pivot: Pivot, value):
    """Money as the rounded 2-place 万元 figure (a number cell, stored as its decimal text); counts as counts."""
    if value is None:
        return None
    return value if pivot.measure == "lines" else Decimal(wan_display(value))


def _year_on_year(sheet, r: int, c: int, pivot: Pivot, yoy, number, text) -> None:
    """Last year's figure (a number) and the signed change in percent as text ("—" where last year had nothing)."""
    if not yoy.exists:
        write_text(sheet, r, c, "—", text)
        write_text(sheet, r, c + 1, "—", text)
        return
    write_cell(sheet, r, c, _cell(pivot, yoy.last_year_fen), number)
    write_text(sheet, r, c + 1, yoy.change_percent, text)


def pivot_xlsx(pivot: Pivot) -> bytes:
    buffer = io.BytesIO()
    book = workbook(buffer)
    sheet = book.add_worksheet("透视")
    base = {"font_name": "宋体", "font_size": 10, "border": 1, "valign": "vcenter"}
    title = book.add_format({"font_name": "黑体", "font_size": 14})
    head = book.add_format({**base, "bold": True, "align": "center", "bg_color": "#F2F2F2", "text_wrap": True})
    text = book.add_format({**base})
    number = book.add_format({**base, "num_format": "0" if pivot.measure == "lines" else "0.00"})
    bold = book.add_format({**base, "bold": True, "num_format": "0" if pivot.measure == "lines" else "0.00"})
    columns = pivot.col_values
    compare = pivot.has_last_year  # 去年同期 and 同比 after 合计, only when last year has data
    extra = ["去年同期", "同比（%）"] if compare else []
    write_text(sheet, 0, 0, f"{pivot.root.display_name} {pivot.period.label()} {pivot.title}", title)
    write_row(sheet, 1, 0, [DIMENSIONS[pivot.rows], *[label for _, label in columns], "合计", *extra], head)
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, len(columns) + 1 + len(extra), 12)
    r = 2
    for label, cells, total, yoy in pivot.compared():
        write_text(sheet, r, 0, str(label), text)
        for c, value in enumerate(cells, start=1):
            write_cell(sheet, r, c, _cell(pivot, value), number)
        write_cell(sheet, r, len(columns) + 1, _cell(pivot, total) or 0, bold)
        if compare:
            _year_on_year(sheet, r, len(columns) + 2, pivot, yoy, number, text)
        r += 1
    write_text(sheet, r, 0, "合计", head)
    for c, value in enumerate(pivot.footer(), start=1):
        write_cell(sheet, r, c, _cell(pivot, value) or 0, bold)
    write_cell(sheet, r, len(columns) + 1, _cell(pivot, pivot.value(pivot.total)) or 0, bold)
    if compare:
        _year_on_year(sheet, r, len(columns) + 2, pivot, pivot.total_year_on_year(), bold, text)
    sheet.freeze_panes(2, 1)
    write_text(sheet, r + 2, 0, f"数值：{MEASURES[pivot.measure]}。金额四舍五入到0.01万元，合计按分求和后再取整。")
    book.close()
    return buffer.getvalue()
