"""The circular as a .docx laid out per GB/T 9704-2012 (党政机关公文格式).

A4; margins 37 mm top, 35 mm bottom, 28 mm left, 26 mm right (a 156 × 225 mm 版心); 22 lines of 28 characters
(a 28.95 pt line grid, the body condensed to a 15.75 pt pitch); title 方正小标宋简体 二号; body 仿宋_GB2312 三号; first-level headings 黑体, second-level
楷体_GB2312; the issuing office's name in red and a red rule under the 发文字号; page numbers '— 1 —' in 四号宋体,
odd pages right and even pages left, one character in from the edge; 成文日期 in Arabic numerals; the attachment
on a new page headed 附件 in 黑体. Offices without these fonts see the system's fallbacks; the names stay.
"""

import io
from datetime import date

from docx import Document
from docx.enum.section import WD_SECTION
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
TITLE_PT, BODY_PT, ISSUER_PT, PAGE_PT = 22, 16, 32, 14  # 二号, 三号, 发文机关标志, 四号
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


def _blank(document, count: int = 1) -> None:
    for _ in range(count):
        _paragraph(document, "")


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


def date_arabic(on: date) -> str:
    return f"{on.year}年{on.month}月{on.day}日"


def circular_docx(*, issuer: str, number: str, on: date, paragraphs: list[dict],
                  table: AttachmentTable | None, charts: dict[str, bytes] | None = None) -> bytes:
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
    for i, paragraph in enumerate(paragraphs):
        kind, text = paragraph["kind"], paragraph["text"]
        if kind == K.TITLE:
            _paragraph(document, text, font=TITLE_FONT, size=TITLE_PT, align=WD_ALIGN_PARAGRAPH.CENTER,
                       line_pt=LINE_PITCH / 20 * 1.2)
            _blank(document)
        elif kind == K.RECIPIENTS:
            _paragraph(document, text)
        elif kind == K.HEADING1:
            _paragraph(document, text, font=HEADING1_FONT, first_line=INDENT_2)
        elif kind == K.HEADING2:
            _paragraph(document, text, font=HEADING2_FONT, first_line=INDENT_2)
        elif kind == K.ATTACHMENT:
            _blank(document)
            _paragraph(document, text, first_line=INDENT_2)
        else:
            for line in text.split("\n"):
                _paragraph(document, line, first_line=INDENT_2)
        if i in charts:
            picture = document.add_paragraph()
            picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
            picture.paragraph_format.space_after = Pt(0)
            _no_grid(picture)
            picture.add_run().add_picture(io.BytesIO(charts[i]), width=Mm(140))

    # 不加盖印章: 署名 right, two characters in; 成文日期 below, its first character two to the right of the name's.
    _blank(document, 2)
    _paragraph(document, issuer, align=WD_ALIGN_PARAGRAPH.RIGHT, right_indent=INDENT_2)
    dated = date_arabic(on)
    shift = max(0.0, _chars(issuer) - _chars(dated))
    _paragraph(document, dated, align=WD_ALIGN_PARAGRAPH.RIGHT, right_indent=Pt(BODY_PT * shift))

    if table is not None:
        # The attachment: a new page (its own section, a little wider so the 8-column table fits), 附件 in 黑体.
        attached = document.add_section(WD_SECTION.NEW_PAGE)
        _page_setup(attached, left_mm=20, right_mm=20, grid=False)
        _paragraph(document, "附件", font=HEADING1_FONT, after=Pt(12))
        attachment_docx_into(document, table)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
