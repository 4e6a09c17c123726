"""The seed round after an ordinary review (one line excluded, one duplicate merged): the circular tells the two
apart, as does the dashboard; `fupin check` counts a duplicate group once; the Word file follows GB/T 9704-2012
(read from its XML); the PDF is set in the mapped 公文 faces."""

import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn

from fupin.reporting.exclusions import line_exclude, lines_merge
from fupin.reporting.models import PurchaseLine
from fupin.units.people import system_user

ARTIFACTS = Path(os.environ.get("FUPIN_ARTIFACTS", "test-artifacts"))
TWIPS_PER_MM = 1440 / 25.4


def _review(seeded):
    """鲁山县's “合作社、带贫企业” (26.42万元) excluded; 工交工会's two “驻村第一书记推荐” lines merged."""
    by = system_user()
    line = PurchaseLine.objects.get(source_text="合作社、带贫企业")
    line_exclude(line=line, by=by, reason="不属于消费扶贫")
    twins = list(PurchaseLine.objects.filter(submission__unit__short_name="工交工会", source_text="驻村第一书记推荐"))
    if not twins:
        twins = list(PurchaseLine.objects.filter(submission__unit__name__contains="工交",
                                                 source_text="驻村第一书记推荐"))
    lines_merge(lines=twins, by=by)


def _draft(tmp_path, *extra) -> Path:
    target = tmp_path / "通报.docx"
    call_command("report", "circular", "--period", "2020-01:2020-10", "-o", str(target), "--number",
                 "平工办〔2020〕33号", "--date", "2020-10-27", "--draft", *extra, stderr=io.StringIO())
    return target


def test_an_exclusion_and_a_merge_are_told_apart_in_the_circular_and_on_the_dashboard(seeded, tmp_path, client):
    _review(seeded)
    text = "\n".join(p.text for p in Document(str(_draft(tmp_path))).paragraphs)
    assert "剔除不属于消费扶贫的明细1条、共26.42万元，未计入成交额" in text
    assert "合并同一单位重复填报的明细1组，成交额不变" in text
    assert "共3315.15万元" in text  # 3341.57 − 26.42: the merge moved money, it did not remove it
    assert "0.00万元" not in text and "渠道待确认" not in text and "采购方式与渠道不符" not in text
    assert "FAIR" not in text and "9组明细属同一渠道重复填报" in text  # 10 groups, one merged
    from fupin.core.periods import Period
    from fupin.insights.attachment import attachment_table

    table = attachment_table(period=Period.parse("2020-01:2020-10"))
    assert (table.excluded_lines, table.excluded_fen) == (1, 26_420_000)  # the statistics table says the same
    assert client.login(username="office", password="fupin-office")
    page = client.get(reverse("insights:dashboard") + "?period=2020-01:2020-10").content.decode()
    assert 'data-testid="excluded">26.42<' in page and "1 条；另合并重复明细 1 组" in page


def test_check_counts_a_duplicate_group_once(seeded):
    out = io.StringIO()
    call_command("check", "--period", "2020-01:2020-10", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[-1].startswith("共 ") and "警告 2，" in lines[-1]  # 工交工会's duplicate pair + 平高集团's method
    assert sum("工交工会\t同一渠道重复填报" in line for line in lines) == 1


def test_the_word_file_follows_gbt_9704(seeded, tmp_path):
    doc = Document(str(_draft(tmp_path, "--copy-to", "省总工会扶贫办")))
    body = doc.sections[0]
    assert (round(body.page_width.mm), round(body.page_height.mm)) == (210, 297)
    assert [round(m.mm) for m in (body.top_margin, body.bottom_margin, body.left_margin, body.right_margin)] == \
        [37, 35, 28, 26]  # a 156 × 225 mm type area
    grid = body._sectPr.find(qn("w:docGrid"))
    assert int(grid.get(qn("w:linePitch"))) == int(225 * TWIPS_PER_MM / 22)  # 22 lines
    settings = doc.settings.element
    assert settings.find(qn("w:evenAndOddHeaders")) is not None
    odd, even = body.footer.paragraphs[0], body.even_page_footer.paragraphs[0]
    for footer, align in ((odd, 2), (even, 0)):  # outside: right on odd pages, left on even
        assert footer.alignment == align and footer.text.startswith("— ") and footer.text.endswith(" —")
        assert {r.font.size.pt for r in footer.runs} == {14}
        assert {r._element.rPr.rFonts.get(qn("w:eastAsia")) for r in footer.runs} == {"宋体"}

    def font(p):
        return {(r._element.rPr.rFonts.get(qn("w:eastAsia")), r.font.size.pt) for r in p.runs}

    paragraphs = doc.paragraphs
    first = paragraphs[0]
    assert first.text == "平顶山市总工会办公室文件" and {str(r.font.color.rgb) for r in first.runs} == {"FF0000"}
    title = next(p for p in paragraphs if p.text.endswith("情况通报"))
    assert font(title) == {("方正小标宋简体", 22)}
    assert title.text == "平顶山市工会系统1—10月份\n消费扶贫工作统计情况通报"  # broken where the sense breaks
    levels = {"一、": "黑体", "（一）": "楷体_GB2312"}
    for p in paragraphs:
        for mark, face in levels.items():
            if p.text.startswith(mark):
                assert font(p) == {(face, 16)}, p.text
    assert font(next(p for p in paragraphs if p.text.startswith("下一步"))) == {("仿宋_GB2312", 16)}
    # 附件说明, 署名 and 成文日期 are kept on one page with the last lines of the text.
    i = next(i for i, p in enumerate(paragraphs) if p.text.startswith("附件："))
    signed = next(j for j in range(i, len(paragraphs)) if paragraphs[j].text == "平顶山市总工会办公室")
    assert all(paragraphs[k].paragraph_format.keep_with_next for k in range(i - 1, signed + 1))
    assert paragraphs[signed + 1].text == "2020年10月27日"
    # 版记: the last thing in the document, fixed at the foot of the last page between thick-thin-thick rules.
    imprint = doc.tables[-1]
    place = imprint._tbl.tblPr.find(qn("w:tblpPr"))
    assert place.get(qn("w:vertAnchor")) == "page"
    rows = len(imprint.rows)
    assert int(place.get(qn("w:tblpY"))) + rows * 9 * TWIPS_PER_MM == pytest.approx(262 * TWIPS_PER_MM, abs=2)
    borders = imprint._tbl.tblPr.find(qn("w:tblBorders"))
    sizes = {side: borders.find(qn(f"w:{side}")).get(qn("w:sz")) for side in ("top", "insideH", "bottom")}
    assert sizes == {"top": "8", "insideH": "6", "bottom": "8"}
    assert imprint.rows[0].cells[0].text == "抄送：省总工会扶贫办。"
    assert [c.text for c in imprint.rows[-1].cells] == ["平顶山市总工会办公室", "2020年10月27日印发"]
    assert doc.element.body.index(imprint._tbl) > doc.element.body.index(doc.tables[0]._tbl)  # after the 附件
    # The attachment table: headers on two lines at most, figures never broken.
    attachment = doc.tables[0]
    assert attachment.rows[0].cells[5].text == "数量\n（单位：吨）"
    total = attachment.rows[-1].cells[-1]
    assert total.text == "3341.57" and total._tc.tcPr.find(qn("w:noWrap")) is not None


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdffonts") is None,
                    reason="LibreOffice / poppler-utils 未安装（PDF 为可选功能）")
def test_the_pdf_is_set_in_the_mapped_faces_and_renders(seeded, tmp_path):
    from fupin.publishing.pdf import docx_to_pdf

    pdf = tmp_path / "通报.pdf"
    pdf.write_bytes(docx_to_pdf(_draft(tmp_path).read_bytes()))
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "NotoSerifCJK" in fonts and "NotoSerifCJKjp-Bold" in fonts  # 仿宋/宋体; 小标宋
    assert "NotoSansCJK" in fonts  # 黑体
    assert "UKai" in fonts  # 楷体
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(pdf), str(ARTIFACTS / "circular-gbt")], check=True)
    pages = sorted(ARTIFACTS.glob("circular-gbt-*.png"))
    assert len(pages) >= 4 and all(p.stat().st_size > 5000 for p in pages)
    last = subprocess.run(["pdftotext", "-f", str(len(pages)), "-l", str(len(pages)), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "2020年10月27日印发" in last.replace(" ", "") and "3341.57" in last


def test_attachment_quantities_are_numbers_and_partial_dates_stay_as_written(db):
    from python_calamine import CalamineWorkbook

    from fupin.core.periods import Period
    from fupin.insights.attachment import attachment_table
    from fupin.publishing.attachment_formats import attachment_docx, attachment_xlsx
    from fupin.reporting.services import LineInput, submission_create
    from fupin.units.selectors import unit_find

    call_command("init", stdout=io.StringIO())
    submission_create(unit=unit_find("叶县"), period=Period.parse("2020-11"), by=system_user(), status="submitted",
                      lines=[LineInput(amount_fen=12_345_600, product="小米", source_text="农户", channel_code="FARM",
                                       method="线下", method_text="线下", quantity_g=1_500_000, date_text="11月")])
    table = attachment_table(period=Period.parse("2020-11"))
    rows = CalamineWorkbook.from_filelike(io.BytesIO(attachment_xlsx(table))).get_sheet_by_index(0).to_python()
    line = next(r for r in rows if r[2] == "农户")
    assert line[4] == "11月" and line[5] == 1.5 and line[6] == 12.35  # 数量 and 金额 are number cells
    docx_row = next(r for r in Document(io.BytesIO(attachment_docx(table))).tables[0].rows
                    if r.cells[2].text == "农户")
    assert [c.text for c in docx_row.cells[4:7]] == ["11月", "1.5", "12.35"]
