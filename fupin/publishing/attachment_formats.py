"""The attachment table written out: JSON (a contract other tools call), xlsx, docx. HTML is a template."""

import io
from decimal import Decimal

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm

from fupin.core.money import tons_display, wan_display, wan_exact
from fupin.core.safe_files import merge_cell, workbook, write_cell, write_row, write_text
from fupin.insights.attachment import AttachmentTable
from fupin.publishing.docx_fonts import set_run_font

XLSX_WIDTHS = [12, 14, 24, 8, 10, 9, 10, 10]  # characters
# 166 mm in the attachment's 170 mm line. A header keeps to two lines (its unit on the second, in 9 pt), a number
# to one (10.5 pt digits are 1.85 mm; cells have 0.5 mm side margins): "（单位：万元）" is 7 × 3.2 mm.
DOCX_WIDTHS_MM = [17, 16, 31, 13, 20, 21, 24, 24]
DOCX_HEAD_PT, DOCX_CELL_PT, DOCX_CELL_MARGIN_TWIPS = 9, 10.5, 28
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
            date_shown(line), tons_display(line.quantity_g) or "",
            wan_display(line.amount_fen)]


def date_shown(line) -> str:
    """A full date as 2020-10-12; anything else ("11月", "10月中旬") as the unit wrote it."""
    return line.date.strftime("%Y-%m-%d") if line.date else (line.date_text or "").strip()


def _number(text: str) -> Decimal:
    """The rounded 2-place figure as shown, written as a number cell."""
    return Decimal(text)


def attachment_xlsx(table: AttachmentTable) -> bytes:
    buffer = io.BytesIO()
    book = workbook(buffer)
    sheet = book.add_worksheet("附件")
    base = {"font_name": "宋体", "font_size": 10, "border": 1, "valign": "vcenter", "text_wrap": True}
    title = book.add_format({"font_name": "黑体", "font_size": 16, "align": "center", "valign": "vcenter"})
    head = book.add_format({**base, "bold": True, "align": "center", "bg_color": "#F2F2F2"})
    text = book.add_format({**base, "align": "center"})
    money = book.add_format({**base, "num_format": "0.00", "align": "right"})
    merged_money = book.add_format({**base, "num_format": "0.00", "align": "center"})
    quantity = book.add_format({**base, "num_format": "General", "align": "right"})
    for column, width in enumerate(XLSX_WIDTHS):
        sheet.set_column(column, column, width)
    merge_cell(sheet, 0, 0, 0, 7, table.title, title)
    sheet.set_row(0, 32)
    write_row(sheet, 1, 0, HEADERS, head)
    sheet.set_row(1, 30)
    sheet.freeze_panes(2, 0)
    r = 2
    for row in table.units:
        lines = row.lines or [None]
        for i, line in enumerate(lines):
            cells = _cells(line) if line else ["", "", "", "", "", ""]
            write_row(sheet, r + i, 1, cells[:4], text)  # 采购时间 as written when not a full date ("11月")
            write_cell(sheet, r + i, 5, Decimal(cells[4]) if cells[4] else None, quantity)  # 吨, a number cell
            write_cell(sheet, r + i, 6, _number(cells[5]) if line else None, money)
        last = r + len(lines) - 1
        subtotal = _number(wan_display(row.subtotal_fen))
        if last > r:
            merge_cell(sheet, r, 0, last, 0, row.unit.display_name, text)
            merge_cell(sheet, r, 7, last, 7, subtotal, merged_money)
        else:
            write_text(sheet, r, 0, row.unit.display_name, text)
            write_cell(sheet, r, 7, subtotal, merged_money)
        r = last + 1
    write_text(sheet, r, 0, "合计", head)
    for c in range(1, 7):
        write_cell(sheet, r, c, None, head)
    write_cell(sheet, r, 7, _number(wan_display(table.total_fen)), book.add_format({**base, "bold": True,
                                                                                    "num_format": "0.00"}))
    sheet.repeat_rows(1)
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    book.close()
    return buffer.getvalue()


def _write_cell(cell, value: str, *, bold: bool = False, size: float = DOCX_CELL_PT, number: bool = False) -> None:
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    paragraph = cell.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_run_font(paragraph.add_run(value), "宋体", size, bold=bold)
    if number:  # a figure is never broken over two lines
        tc_pr = cell._tc.get_or_add_tcPr()
        tc_pr.insert_element_before(tc_pr.makeelement(qn("w:noWrap"), {}), "w:tcMar", "w:textDirection",
                                    "w:tcFitText", "w:vAlign", "w:hideMark")


def _write_header(cell, name: str) -> None:
    """“数量（单位：吨）” as 数量 / （单位：吨）: two lines at most."""
    head, _, unit = name.partition("（")
    _write_cell(cell, head, bold=True, size=DOCX_HEAD_PT)
    if unit:
        run = cell.paragraphs[0].add_run()
        run.add_break()
        set_run_font(run, "宋体", DOCX_HEAD_PT, bold=True)
        set_run_font(cell.paragraphs[0].add_run(f"（{unit}"), "宋体", DOCX_HEAD_PT, bold=True)


def _narrow_cell_margins(grid) -> None:
    tbl_pr = grid._tbl.tblPr
    margins = tbl_pr.makeelement(qn("w:tblCellMar"), {})
    for side in ("left", "right"):
        margins.append(margins.makeelement(qn(f"w:{side}"), {qn("w:w"): str(DOCX_CELL_MARGIN_TWIPS),
                                                              qn("w:type"): "dxa"}))
    tbl_pr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription")


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
    _narrow_cell_margins(grid)
    for column, width in zip(grid.columns, DOCX_WIDTHS_MM, strict=True):
        column.width = Mm(width)  # the grid, which LibreOffice reads; the cells below, which Word reads
    cells = [row.cells for row in grid.rows]  # table.cell(r, c) rescans the table on every call
    for row_cells in cells:
        for cell, width in zip(row_cells, DOCX_WIDTHS_MM, strict=True):
            cell.width = Mm(width)
    for c, name in enumerate(HEADERS):
        _write_header(cells[0][c], name)
    spans, r = [], 1
    for row in table.units:
        lines = row.lines or [None]
        for i, line in enumerate(lines):
            for c, value in enumerate(_cells(line) if line else [""] * 6, start=1):
                _write_cell(cells[r + i][c], value, number=c >= 5)
        _write_cell(cells[r][0], row.unit.display_name)
        _write_cell(cells[r][7], wan_display(row.subtotal_fen), number=True)
        spans.append((r, r + len(lines) - 1))
        r += len(lines)
    _write_cell(cells[r][0], "合计", bold=True)
    _write_cell(cells[r][7], wan_display(table.total_fen), bold=True, number=True)
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
