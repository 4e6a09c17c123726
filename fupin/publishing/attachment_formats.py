"""The attachment table written out: JSON (a contract other tools call), xlsx, docx. HTML is a template."""

import io

import xlsxwriter
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm

from fupin.core.money import tons_display, wan_display, wan_exact
from fupin.insights.attachment import AttachmentTable
from fupin.publishing.docx_fonts import set_run_font

XLSX_WIDTHS = [12, 14, 24, 8, 10, 9, 10, 10]  # characters
DOCX_WIDTHS_MM = [20, 24, 36, 15, 18, 16, 20, 20]
HEADERS = ["单位名称", "产品名称", "产品来源", "采购方式", "采购时间", "数量（单位：吨）", "金额（单位：万元）",
           "合计（单位：万元）"]


def attachment_json(table: AttachmentTable) -> dict:
    return {
        "period": table.period.as_json(),
        "title": table.title,
        "units": [
            {
                "unit": row.unit.display_name,
                "subtotal": wan_display(row.subtotal_fen),
                "reported": row.reported,
                "lines": [
                    {
                        "product": line.product,
                        "source": line.source,
                        "channel": line.channel or None,
                        "method": line.method or None,
                        "method_as_written": line.method_text,
                        "date": line.date.isoformat() if line.date else None,
                        "quantity": tons_display(line.quantity_g),
                        "amount": wan_display(line.amount_fen),
                        "amount_exact": wan_exact(line.amount_fen),
                    }
                    for line in row.lines
                ],
            }
            for row in table.units
        ],
        "total": wan_display(table.total_fen),
        "line_count": table.line_count,
        "excluded": {"amount": wan_display(table.excluded_fen), "lines": table.excluded_lines},
        "straddling": [{"unit": s.unit.display_name, "period": str(s.period)} for s in table.straddling],
    }


def _cells(line) -> list:
    """The six line cells after the unit name, as shown (method as meant; amounts 2 places)."""
    return [line.product, line.source, line.method or line.method_text,
            line.date.strftime("%Y-%m-%d") if line.date else "", tons_display(line.quantity_g) or "",
            wan_display(line.amount_fen)]


def _number(text: str):
    """xlsx keeps a number as decimal text in its XML; the rounded 2-place figure round-trips exactly."""
    return float(text)


def attachment_xlsx(table: AttachmentTable) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("附件")
    base = {"font_name": "宋体", "font_size": 10, "border": 1, "valign": "vcenter", "text_wrap": True}
    title = book.add_format({"font_name": "黑体", "font_size": 16, "align": "center", "valign": "vcenter"})
    head = book.add_format({**base, "bold": True, "align": "center", "bg_color": "#F2F2F2"})
    text = book.add_format({**base, "align": "center"})
    money = book.add_format({**base, "num_format": "0.00", "align": "right"})
    merged_money = book.add_format({**base, "num_format": "0.00", "align": "center"})
    for column, width in enumerate(XLSX_WIDTHS):
        sheet.set_column(column, column, width)
    sheet.merge_range(0, 0, 0, 7, table.title, title)
    sheet.set_row(0, 32)
    sheet.write_row(1, 0, HEADERS, head)
    sheet.set_row(1, 30)
    sheet.freeze_panes(2, 0)
    r = 2
    for row in table.units:
        lines = row.lines or [None]
        for i, line in enumerate(lines):
            cells = _cells(line) if line else ["", "", "", "", "", ""]
            sheet.write_row(r + i, 1, cells[:5], text)
            if line:
                sheet.write_number(r + i, 6, _number(cells[5]), money)
            else:
                sheet.write_blank(r + i, 6, None, money)
        last = r + len(lines) - 1
        subtotal = _number(wan_display(row.subtotal_fen))
        if last > r:
            sheet.merge_range(r, 0, last, 0, row.unit.display_name, text)
            sheet.merge_range(r, 7, last, 7, subtotal, merged_money)
        else:
            sheet.write(r, 0, row.unit.display_name, text)
            sheet.write_number(r, 7, subtotal, merged_money)
        r = last + 1
    sheet.write(r, 0, "合计", head)
    for c in range(1, 7):
        sheet.write_blank(r, c, None, head)
    sheet.write_number(r, 7, _number(wan_display(table.total_fen)), book.add_format({**base, "bold": True,
                                                                                     "num_format": "0.00"}))
    sheet.repeat_rows(1)
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    book.close()
    return buffer.getvalue()


def _write_cell(cell, value: str, *, bold: bool = False, size: float = 10.5) -> None:
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    paragraph = cell.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_run_font(paragraph.add_run(value), "宋体", size, bold=bold)


def attachment_docx_into(document, table: AttachmentTable) -> None:
    """Append the title and the table to a document (the circular reuses this after its 附件 page break)."""
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_run_font(heading.add_run(table.title), "方正小标宋简体", 18)
    rows = 2 + sum(max(1, len(u.lines)) for u in table.units)
    grid = document.add_table(rows=rows, cols=8)
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    for column, width in zip(grid.columns, DOCX_WIDTHS_MM, strict=True):
        column.width = Mm(width)  # the grid, which LibreOffice reads; the cells below, which Word reads
    cells = [row.cells for row in grid.rows]  # table.cell(r, c) rescans the table on every call
    for row_cells in cells:
        for cell, width in zip(row_cells, DOCX_WIDTHS_MM, strict=True):
            cell.width = Mm(width)
    for c, name in enumerate(HEADERS):
        _write_cell(cells[0][c], name, bold=True)
    spans, r = [], 1
    for row in table.units:
        lines = row.lines or [None]
        for i, line in enumerate(lines):
            for c, value in enumerate(_cells(line) if line else [""] * 6, start=1):
                _write_cell(cells[r + i][c], value)
        _write_cell(cells[r][0], row.unit.display_name)
        _write_cell(cells[r][7], wan_display(row.subtotal_fen))
        spans.append((r, r + len(lines) - 1))
        r += len(lines)
    _write_cell(cells[r][0], "合计", bold=True)
    _write_cell(cells[r][7], wan_display(table.total_fen), bold=True)
    # Merge after writing: the empty cells below add nothing to the merged cell's text.
    for first, last in spans:
        if last > first:
            cells[first][0].merge(cells[last][0])
            cells[first][7].merge(cells[last][7])
    cells[r][0].merge(cells[r][6])
    header_row = grid.rows[0]._tr
    tr_pr = header_row.get_or_add_trPr()
    tr_pr.append(tr_pr.makeelement("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader", {}))


def attachment_docx(table: AttachmentTable) -> bytes:
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(15)
    section.top_margin = section.bottom_margin = Mm(20)
    attachment_docx_into(document, table)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
