"""The circular as a .docx laid out per GB/T 9704-2012 (党政机关公文格式).

A4; margins 37 mm top, 35 mm bottom, 28 mm left, 26 mm right (a 156 × 225 mm 版心); 22 lines of 28 characters
(a 28.95 pt line grid, the body condensed to a 15.75 pt pitch); title 方正小标宋简体 二号; body 仿宋_GB2312 三号; first-level headings 黑体, second-level
楷体_GB2312; the issuing office's name in red and a red rule under the 发文字号; page numbers '— 1 —' in 四号宋体,
odd pages right and even pages left, one character in from the edge; 成文日期 in Arabic numerals, kept on one page
with the last lines of the text; the attachment on a new page headed 附件 in 黑体; the 版记 (抄送, 印发机关 and
印发日期 between thick, thin and thick rules) in a frame at the foot of the last page. The font names stay the
standard ones so that Word/WPS uses the real faces; the PDF maps them (fupin/publishing/fonts/fonts.conf).
"""

import io
from datetime import date

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from fupin.insights.attachment import AttachmentTable
from fupin.publishing.attachment_formats import attachment_docx_into
from fupin.publishing.docx_fonts import set_run_font
from fupin.publishing.models import ParagraphKind as K

TITLE_FONT, BODY_FONT, HEADING1_FONT, HEADING2_FONT, PAGE_FONT = (
    "方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312", "宋体")
TITLE_PT, BODY_PT, ISSUER_PT, PAGE_PT, IMPRINT_PT = 22, 16, 32, 14, 14  # 二号, 三号, 发文机关标志, 四号, 四号
THICK_RULE, THIN_RULE = 8, 6  # eighths of a point: 1 pt ≈ 0.35 mm, 0.75 pt ≈ 0.26 mm
IMPRINT_ROW_MM = 9
TITLE_SUBJECTS = ("消费扶贫", "消费帮扶")
RED = RGBColor(0xFF, 0x00, 0x00)
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
LINES, CHARS = 22, 28
TEXT_W_MM, TEXT_H_MM = 210 - 28 - 26, 297 - 37 - 35  # 156 × 225
TWIPS_PER_MM = 1440 / 25.4
LINE_PITCH = int(TEXT_H_MM * TWIPS_PER_MM / LINES)  # 579 twips = 28.95 pt
# 28 characters across 156 mm: a 15.79 pt pitch, so the 16 pt body is set 0.25 pt condensed (w:spacing -5).
# A character grid (docGrid linesAndChars) would do the same in Word, but LibreOffice then pads every run of
# Arabic digits to whole grid cells ("10 月16 日"); a line grid plus condensed runs reads cleanly in both.
CONDENSE_TWENTIETHS = -5
INDENT_2 = Pt(BODY_PT * 2)
# Where a new child goes in w:rPr / w:pPr (the schema fixes the order; python-docx knows no w:spacing on runs).
RPR_AFTER_SPACING = ("w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect", "w:bdr",
                     "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout",
                     "w:specVanish", "w:oMath")
PPR_AFTER_SNAP = ("w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
                  "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId",
                  "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")


def _condense(run, twentieths: int = CONDENSE_TWENTIETHS) -> None:
    r_pr = run._r.get_or_add_rPr()
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(twentieths))
    r_pr.insert_element_before(spacing, *RPR_AFTER_SPACING)


def _no_grid(paragraph) -> None:
    """Titles in larger type keep their own line height instead of snapping to the body's grid."""
    p_pr = paragraph._p.get_or_add_pPr()
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    p_pr.insert_element_before(snap, *PPR_AFTER_SNAP)


def _page_setup(section, *, left_mm: float = 28, right_mm: float = 26, grid: bool = True) -> None:
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(left_mm), Mm(right_mm)
    section.header_distance, section.footer_distance = Mm(15), Mm(21)
    sect_pr = section._sectPr
    old = sect_pr.find(qn("w:docGrid"))
    if old is not None:
        sect_pr.remove(old)
    grid_el = OxmlElement("w:docGrid")
    if grid:
        grid_el.set(qn("w:type"), "lines")
        grid_el.set(qn("w:linePitch"), str(LINE_PITCH))
    else:
        grid_el.set(qn("w:linePitch"), "312")
    sect_pr.append(grid_el)


def _paragraph(document, text: str, *, font: str = BODY_FONT, size: float = BODY_PT, align=None,
               first_line=None, color=None, line_pt: float | None = None, before=None, after=None,
               right_indent=None, bold: bool = False):
    p = document.add_paragraph()
    fmt = p.paragraph_format
    fmt.space_before, fmt.space_after = before or Pt(0), after or Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(line_pt or LINE_PITCH / 20)
    fmt.widow_control = False
    if align is not None:
        p.alignment = align
    if first_line is not None:
        fmt.first_line_indent = first_line
    if right_indent is not None:
        fmt.right_indent = right_indent
    if text:
        run = p.add_run(text)
        set_run_font(run, font, size, bold=bold, color=color)
        if size == BODY_PT:
            _condense(run)
        else:
            _no_grid(p)
    return p


def _blank(document, count: int = 1, *, keep: bool = False) -> None:
    for _ in range(count):
        _paragraph(document, "").paragraph_format.keep_with_next = keep


def _cell_text(cell, text: str, *, align, indent_pt: float) -> None:
    p = cell.paragraphs[0]
    p.alignment = align
    fmt = p.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.left_indent = Pt(indent_pt) if align == WD_ALIGN_PARAGRAPH.LEFT else None
    fmt.right_indent = Pt(indent_pt) if align == WD_ALIGN_PARAGRAPH.RIGHT else None
    _no_grid(p)
    set_run_font(p.add_run(text), BODY_FONT, IMPRINT_PT)


def _rules(table, *, inside: bool) -> None:
    """Thick first and last rules, a thin one between the rows (GB/T 9704 7.4.1); no side rules."""
    borders = OxmlElement("w:tblBorders")
    sizes = {"top": THICK_RULE, "left": 0, "bottom": THICK_RULE, "right": 0,
             "insideH": THIN_RULE if inside else 0, "insideV": 0}
    for side, eighths in sizes.items():
        rule = OxmlElement(f"w:{side}")
        rule.set(qn("w:val"), "single" if eighths else "nil")
        if eighths:
            rule.set(qn("w:sz"), str(eighths))
            rule.set(qn("w:space"), "0")
            rule.set(qn("w:color"), "000000")
        borders.append(rule)
    table._tbl.tblPr.insert_element_before(borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook",
                                           "w:tblCaption", "w:tblDescription")


def _imprint(document, *, copy_to: str, printer: str, printed_on: date) -> None:
    """版记 (GB/T 9704 7.4): 抄送 (optional) and 印发机关 / 印发日期 in 4号仿宋, one character in from each side,
    between the thick first rule, a thin rule and the thick last rule, its last rule on the last line of the
    版心 of the last page: a table floating at a fixed place on the page (Word and LibreOffice both read
    w:tblpPr), so the text above it does not move it."""
    rows = 2 if copy_to else 1
    table = document.add_table(rows=rows, cols=2)
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    place = OxmlElement("w:tblpPr")
    top_mm = 297 - MARGINS_MM["bottom"] - IMPRINT_ROW_MM * rows
    for key, value in {"vertAnchor": "page", "horzAnchor": "page", "tblpXSpec": "center",
                       "tblpY": str(round(top_mm * TWIPS_PER_MM))}.items():
        place.set(qn(f"w:{key}"), value)
    tbl_pr.insert_element_before(place, "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize",
                                 "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd",
                                 "w:tblBorders", "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook")
    _rules(table, inside=bool(copy_to))
    for column, width in zip(table.columns, (TEXT_W_MM * 0.55, TEXT_W_MM * 0.45), strict=True):
        column.width = Mm(width)
        for cell in column.cells:
            cell.width = Mm(width)
    for row in table.rows:
        row.height, row.height_rule = Mm(IMPRINT_ROW_MM), WD_ROW_HEIGHT_RULE.EXACTLY
        for cell in row.cells:
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    if copy_to:
        merged = table.rows[0].cells[0].merge(table.rows[0].cells[1])
        _cell_text(merged, f"抄送：{copy_to.rstrip('。')}。", align=WD_ALIGN_PARAGRAPH.LEFT, indent_pt=IMPRINT_PT)
    last = table.rows[-1].cells
    _cell_text(last[0], printer, align=WD_ALIGN_PARAGRAPH.LEFT, indent_pt=IMPRINT_PT)
    _cell_text(last[1], f"{date_arabic(printed_on)}印发", align=WD_ALIGN_PARAGRAPH.RIGHT, indent_pt=IMPRINT_PT)
    table._tbl.addnext(OxmlElement("w:p"))  # a document does not end on a table



def _red_rule_under(paragraph) -> None:
    """The red line under the 发文字号, 4 mm below it and as wide as the 版心 (a paragraph border)."""
    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in {"val": "single", "sz": "12", "space": "11", "color": "FF0000"}.items():
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    # pBdr must come before spacing/ind/jc in pPr.
    spacing = p_pr.find(qn("w:spacing"))
    if spacing is not None:
        spacing.addprevious(borders)
    else:
        p_pr.append(borders)


def _page_number(footer, *, odd: bool) -> None:
    """'— 1 —' in 四号宋体, one character in from the outside edge."""
    p = footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
    if odd:
        p.paragraph_format.right_indent = Pt(PAGE_PT)
    else:
        p.paragraph_format.left_indent = Pt(PAGE_PT)
    set_run_font(p.add_run("— "), PAGE_FONT, PAGE_PT)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = p.add_run()
        set_run_font(run, PAGE_FONT, PAGE_PT)
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text.strip() == "PAGE":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run.text = text
    set_run_font(p.add_run(" —"), PAGE_FONT, PAGE_PT)


def _chars(text: str) -> float:
    """Width in body characters: a Chinese character is one, an Arabic digit or Latin letter half."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1 for ch in text)


def title_lines(title: str) -> str:
    """A title too long for one line breaks where the sense does (GB/T 9704 7.3.3: 回行时词意完整), before the
    subject: 平顶山市工会系统1—10月份 / 消费扶贫工作统计情况通报."""
    if _chars(title) * TITLE_PT <= TEXT_W_MM / 25.4 * 72 or "\n" in title:
        return title
    for subject in TITLE_SUBJECTS:
        at = title.find(subject)
        if at > 0:
            return f"{title[:at]}\n{title[at:]}"
    return title


def date_arabic(on: date) -> str:
    return f"{on.year}年{on.month}月{on.day}日"


def circular_docx(*, issuer: str, number: str, on: date, paragraphs: list[dict],
                  table: AttachmentTable | None, charts: dict[int, bytes] | None = None, copy_to: str = "",
                  printer: str = "", printed_on: date | None = None) -> bytes:
    """`paragraphs` as stored on a Circular; `charts` maps a paragraph index to a PNG shown after it."""
    document = Document()
    document.settings.odd_and_even_pages_header_footer = True
    section = document.sections[0]
    _page_setup(section)
    _page_number(section.footer, odd=True)
    _page_number(section.even_page_footer, odd=False)

    # 版头: 发文机关标志 35 mm below the top of the 版心, in red; two lines down the 发文字号; the red rule.
    issuer_p = _paragraph(document, f"{issuer}文件", font=TITLE_FONT, size=ISSUER_PT,
                          align=WD_ALIGN_PARAGRAPH.CENTER, color=RED, line_pt=ISSUER_PT * 1.5, before=Mm(35))
    issuer_p.paragraph_format.keep_with_next = True
    _blank(document, 2)
    number_p = _paragraph(document, number, align=WD_ALIGN_PARAGRAPH.CENTER)
    _red_rule_under(number_p)
    _blank(document, 2)

    charts = charts or {}
    tail = []  # the last body paragraph and the 附件说明: the signature and date stay on their page
    for i, paragraph in enumerate(paragraphs):
        kind, text = paragraph["kind"], paragraph["text"]
        if kind == K.TITLE:
            _paragraph(document, title_lines(text), font=TITLE_FONT, size=TITLE_PT, align=WD_ALIGN_PARAGRAPH.CENTER,
                       line_pt=LINE_PITCH / 20 * 1.2).paragraph_format.keep_with_next = True
            _blank(document)
        elif kind == K.RECIPIENTS:
            _paragraph(document, text)
        elif kind == K.HEADING1:  # a heading never ends a page
            _paragraph(document, text, font=HEADING1_FONT, first_line=INDENT_2).paragraph_format.keep_with_next = True
        elif kind == K.HEADING2:
            _paragraph(document, text, font=HEADING2_FONT, first_line=INDENT_2).paragraph_format.keep_with_next = True
        elif kind == K.ATTACHMENT:
            _blank(document, keep=True)
            tail.append(_paragraph(document, text, first_line=INDENT_2))
        else:
            for line in text.split("\n"):
                tail = [_paragraph(document, line, first_line=INDENT_2)]
        if i in charts:
            picture = document.add_paragraph()
            picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
            picture.paragraph_format.space_after = Pt(0)
            _no_grid(picture)
            picture.add_run().add_picture(io.BytesIO(charts[i]), width=Mm(140))

    # 不加盖印章: 署名 right, two characters in; 成文日期 below, its first character two to the right of the name's.
    for p in tail:
        p.paragraph_format.keep_with_next = True
        p.paragraph_format.widow_control = True  # in Word, at least two of its lines come over with the signature
    _blank(document, 2, keep=True)
    signed = _paragraph(document, issuer, align=WD_ALIGN_PARAGRAPH.RIGHT, right_indent=INDENT_2)
    signed.paragraph_format.keep_with_next = True
    dated = date_arabic(on)
    shift = max(0.0, _chars(issuer) - _chars(dated))
    _paragraph(document, dated, align=WD_ALIGN_PARAGRAPH.RIGHT, right_indent=Pt(BODY_PT * shift))

    if table is not None:
        # The attachment: a new page (its own section, a little wider so the 8-column table fits), 附件 in 黑体.
        attached = document.add_section(WD_SECTION.NEW_PAGE)
        _page_setup(attached, left_mm=20, right_mm=20, grid=False)
        _paragraph(document, "附件", font=HEADING1_FONT, after=Pt(12))
        attachment_docx_into(document, table)
    _imprint(document, copy_to=copy_to, printer=printer or issuer, printed_on=printed_on or on)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
