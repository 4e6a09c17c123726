"""The circular for the seed period, read back with python-docx: GB/T 9704 page setup, fonts, the figures."""

import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

ON_TIME = ["舞钢市", "叶县", "湛河区", "卫东区", "热电公司", "热力集团", "平顶山发电分公司", "江河机械", "姚电公司",
           "舞钢公司"]
ARTIFACTS = Path(os.environ.get("FUPIN_ARTIFACTS", "test-artifacts"))


@pytest.fixture
def circular(seeded, tmp_path):
    target = tmp_path / "通报.docx"
    call_command("report", "circular", "--period", "2020-01:2020-10", "-o", str(target), "--number",
                 "平工办〔2020〕33号", "--date", "2020-10-27", stderr=io.StringIO())
    return target


def _fonts(paragraph) -> set[str]:
    return {r._element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) for r in paragraph.runs}


def _sizes(paragraph) -> set[float]:
    return {r.font.size.pt for r in paragraph.runs}


def _find(doc, text):
    return next(p for p in doc.paragraphs if text in p.text)


def test_the_page_is_a4_with_the_standard_margins_and_a_22_line_grid(circular):
    doc = Document(str(circular))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                                  section.right_margin)] == [37, 35, 28, 26]
    grid = section._sectPr.find(qn("w:docGrid"))
    line_pitch = int(grid.get(qn("w:linePitch")))  # twips
    assert line_pitch * 22 <= (297 - 37 - 35) / 25.4 * 1440 < (line_pitch + 1) * 22
    body = _find(doc, "现将有关情况通报如下")
    assert body.paragraph_format.line_spacing == Pt(line_pitch / 20)
    # 28 characters in the 156 mm line: the 16 pt body condensed by w:spacing to a 15.75 pt pitch.
    condense = int(body.runs[0]._element.rPr.find(qn("w:spacing")).get(qn("w:val"))) / 20
    assert int((210 - 28 - 26) / 25.4 * 72 / (16 + condense)) == 28


def test_title_body_and_headings_use_the_standard_fonts(circular):
    doc = Document(str(circular))
    title = _find(doc, "消费扶贫工作统计情况通报")
    assert _fonts(title) == {"方正小标宋简体"} and _sizes(title) == {22}
    body = _find(doc, "现将有关情况通报如下")
    assert _fonts(body) == {"仿宋_GB2312"} and _sizes(body) == {16}
    for heading in ("一、工作进展情况及成效", "二、存在的问题和不足", "三、下一步工作重点"):
        assert _fonts(_find(doc, heading)) == {"黑体"} and _sizes(_find(doc, heading)) == {16}
    assert _fonts(_find(doc, "（一）")) == {"楷体_GB2312"} and _sizes(_find(doc, "（一）")) == {16}
    assert body.paragraph_format.first_line_indent == Pt(32)


def test_the_issuing_office_is_red_over_the_number_with_a_red_rule(circular):
    doc = Document(str(circular))
    issuer = doc.paragraphs[0]
    assert issuer.text == "平顶山市总工会办公室文件"
    assert {str(r.font.color.rgb) for r in issuer.runs} == {"FF0000"}
    number = _find(doc, "平工办〔2020〕33号")
    bottom = number._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert bottom.get(qn("w:color")) == "FF0000" and bottom.get(qn("w:val")) == "single"


def test_page_numbers_sit_at_the_outside_corners_in_song_4(circular):
    doc = Document(str(circular))
    assert doc.settings.odd_and_even_pages_header_footer
    section = doc.sections[0]
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    assert odd.alignment == 2 and even.alignment == 0  # right, left
    for footer in (odd, even):
        assert footer.text.startswith("— ") and footer.text.endswith(" —")
        assert "PAGE" in footer._p.xml and _fonts(footer) == {"宋体"} and _sizes(footer) == {14}


def test_the_text_states_the_total_the_on_time_units_the_late_and_the_missing(circular):
    doc = Document(str(circular))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "共3341.57万元" in text
    on_time = _find(doc, "按时间节点完成数据上报")
    # Ten names are grouped by kind and shortened (the seed lists at most eight in a row).
    assert "等4个县（市、区）" in on_time.text and "等6家直属企业，共10家单位" in on_time.text
    assert sum(name in on_time.text for name in ON_TIME) == 4
    assert "共18家单位逾期上报" in text and "舞阳铁矿至今没有上报" in text
    assert "10组明细属同一渠道重复填报" in text and "职工疗休养" in text
    assert "从采购渠道看，居前三位的是农户1010.16万元" in text
    assert doc.paragraphs[-1].text == "" or "2020年10月27日" in text  # 成文日期 in Arabic numerals
    assert "2020年10月27日" in text and "二〇二〇" not in text


def test_the_attachment_follows_on_a_new_page_headed_in_hei(circular):
    doc = Document(str(circular))
    assert len(doc.sections) == 2 and doc.sections[1].start_type == 2  # WD_SECTION.NEW_PAGE
    heading = next(p for p in doc.paragraphs if p.text == "附件")
    assert _fonts(heading) == {"黑体"}
    table = doc.tables[0]
    assert len(table.rows) == 1 + 110 + 1  # header, 109 lines and 舞阳铁矿's empty row, 合计
    assert table.rows[-1].cells[-1].text == "3341.57"
    assert "平顶山市工会系统1—10月消费扶贫统计" in "\n".join(p.text for p in doc.paragraphs)


def test_a_saved_and_edited_circular_is_what_the_command_prints(seeded, tmp_path):
    from datetime import date

    from fupin.core.periods import Period
    from fupin.publishing import services
    from fupin.units.people import system_user

    by = system_user()
    c = services.circular_draft(period=Period.parse("2020-01:2020-10"), by=by, number="平工办〔2020〕33号",
                                on=date(2020, 10, 27))
    texts = [p["text"] for p in c.paragraphs]
    texts[2] = "近期，市总工会对1—10月份消费扶贫工作统计情况进行了汇总。（办公室改写）"
    services.circular_edit(circular=c, by=by, texts=texts, reason="改写开头")
    target = tmp_path / "c.docx"
    call_command("report", "circular", "--period", "2020-01:2020-10", "-o", str(target), stderr=io.StringIO())
    assert "（办公室改写）" in "\n".join(p.text for p in Document(str(target)).paragraphs)


def test_a_bad_date_is_refused_in_chinese(seeded, tmp_path):
    from fupin.core.errors import UserError

    with pytest.raises(UserError, match="成文日期格式不正确：“2020/10/27”"):
        call_command("report", "circular", "--period", "2020-01:2020-10", "--date", "2020/10/27", "-o",
                     str(tmp_path / "never.docx"))
    assert not (tmp_path / "never.docx").exists()


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice 未安装（PDF 为可选功能）")
def test_libreoffice_makes_a_pdf_whose_pages_hold_22_lines(circular, tmp_path):
    from fupin.publishing.pdf import docx_to_pdf

    pdf = tmp_path / "通报.pdf"
    pdf.write_bytes(docx_to_pdf(circular.read_bytes()))
    page2 = subprocess.run(["pdftotext", "-f", "2", "-l", "2", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout
    lines = [line for line in page2.splitlines() if line.strip() and not line.startswith("—")]
    assert len(lines) == 22
    width = [sum(0.5 if ch.isascii() else 1 for ch in line) for line in lines]  # digits are half a character
    assert 27 <= max(width) <= 29
    first = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout
    assert "平顶山市总工会办公室文件" in first and "3341.57" in first
    if shutil.which("pdftoppm"):
        ARTIFACTS.mkdir(exist_ok=True)
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf),
                        str(ARTIFACTS / "circular")], check=True)
