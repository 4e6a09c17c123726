"""Headers as offices draw them (issue 14): over two or three rows, merged or not, with a 序号 column, a unit row
under the names, a 填报单位 / 填报日期 line naming the city above a multi-unit table. Each imports to the exact total
and says which rows it took as the header; the web preview shows them."""

import io

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fupin.ingest.messages import NO_HEADER
from fupin.reporting.models import PurchaseLine
from tests.factories import PASSWORD
from tests.ingest.conftest import run_import

PERIOD = "2020-11"
NAMES = ["序号", "单位名称", "产品名称", "产品来源", "采购方式", "采购时间", "数量", "金额"]
UNITS_ROW = ["", "", "", "", "", "", "（吨）", "（万元）"]
LINES = [[1, "叶县", "小米", "贫困户张某某", "线下", "2020-11-05", 0.5, 1.25],
         [2, "叶县", "香菇", "832平台", "线上", "2020-11-08", "", 0.755],
         [3, "舞钢市", "茶叶", "扶贫车间", "线下", "2020-11-20", 0.1, 12.3456]]
TOTAL = "14.350600"  # 1.25 + 0.755 + 12.3456


def _sheet(rows_before, header, *, merged: bool, group_title: bool = False) -> bytes:
    """A workbook whose header is `header` (a list of rows); with `merged`, the names that stand alone are merged
    down over the header's rows, as Excel users draw them."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("附件")
    row = 0
    for line in rows_before:
        sheet.write_row(row, 0, line)
        row += 1
    top = row
    for cells in header:
        sheet.write_row(row, 0, cells)
        row += 1
    if merged:
        depth = len(header)
        for column, name in enumerate(header[0]):
            below = [h[column] for h in header[1:]]
            if name and not any(below):
                sheet.merge_range(top, column, top + depth - 1, column, name)
        if group_title:
            sheet.merge_range(top, 2, top, 7, "采购明细")
    for line in LINES:
        sheet.write_row(row, 0, line)
        row += 1
    sheet.write_row(row, 0, ["", "合计", "", "", "", "", "", float(TOTAL)])
    book.close()
    return buffer.getvalue()


TITLE = [["2020年11月消费扶贫采购统计表"], ["填报单位：平顶山市总工会　　填报日期：2020年12月3日"]]
TWO_ROWS = [NAMES, UNITS_ROW]
THREE_ROWS = [["序号", "单位名称", "采购明细", "", "", "", "", ""], ["", "", *NAMES[2:]], UNITS_ROW]

CASES = {
    "two_rows_merged": (TWO_ROWS, True, False, [3, 4]),
    "two_rows_unmerged": (TWO_ROWS, False, False, [3, 4]),
    "three_rows_merged": (THREE_ROWS, True, True, [3, 4, 5]),
    "three_rows_unmerged": (THREE_ROWS, False, False, [3, 4, 5]),
}


def _totals() -> dict:
    found = {}
    for line in PurchaseLine.objects.select_related("submission__unit"):
        name = line.submission.unit.display_name
        found[name] = found.get(name, 0) + line.amount_fen
    return found


@pytest.mark.parametrize("name", list(CASES))
def test_a_header_over_several_rows_imports_to_the_exact_total(seeded, tmp_path, name):
    header, merged, group, rows = CASES[name]
    PurchaseLine.objects.all().delete()
    path = tmp_path / f"{name}.xlsx"
    path.write_bytes(_sheet(TITLE, header, merged=merged, group_title=group))
    (report,), error = run_import(path, "--period", PERIOD)
    assert error is None and report["errors"] == [], report["errors"]
    assert report["header_row"] == rows[0] and report["header_rows"] == rows
    assert report["imported"] == 3 and report["amount"] == "14.35"
    assert [w for w in report["warnings"] if w["message"].startswith("表中")] == []  # the 合计 row agrees
    assert _totals() == {"叶县": 2_005_000, "舞钢市": 12_345_600}
    quantities = sorted(q for q in PurchaseLine.objects.values_list("quantity_g", flat=True) if q)
    assert quantities == [100_000, 500_000]  # 吨 from the unit row


def test_a_two_row_header_in_a_csv_is_recognised(seeded, tmp_path):
    path = tmp_path / "两行表头.csv"
    lines = ["填报单位：平顶山市总工会,,,,,填报日期：2020年12月3日", ",".join(NAMES), ",".join(UNITS_ROW)]
    lines += [",".join(str(c) for c in line) for line in LINES]
    path.write_text("\n".join(lines) + "\n", encoding="gb18030")
    (report,), error = run_import(path, "--period", PERIOD, "--dry-run")
    assert report["errors"] == [] and report["header_rows"] == [2, 3] and report["amount"] == "14.35"


def test_a_title_alone_is_not_taken_for_a_header(seeded, tmp_path):
    path = tmp_path / "无表头.csv"
    path.write_text("2020年消费扶贫统计表\n叶县,小米,农户,线下,1.5\n", encoding="utf-8")
    (report,), _ = run_import(path, "--period", PERIOD, "--dry-run")
    assert report["header_row"] is None and report["errors"][0]["message"] == NO_HEADER.format(rows=30)


def test_the_preview_names_the_header_rows_and_shows_them(personas, client):
    client.login(username=personas.admin.username, password=PASSWORD)
    data = _sheet(TITLE, THREE_ROWS, merged=True, group_title=True)
    response = client.post(reverse("ingest:upload"), {
        "file": SimpleUploadedFile("三行表头.xlsx", data), "period": PERIOD, "unit": ""}, follow=True)
    page = response.content.decode()
    assert "表头在第 3、4、5 行" in page
    assert 'data-testid="header-rows"' in page and "<th class=\"num\">第4行</th>" in page and "（万元）" in page


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_a_utf16_file_without_a_bom_is_read_not_called_an_unknown_format(seeded, tmp_path, encoding):
    """Issue 14: such a file was refused as 无法识别的文件格式."""
    path = tmp_path / "unicode.txt"
    rows = ["\t".join(NAMES), "\t".join(UNITS_ROW)] + ["\t".join(str(c) for c in line) for line in LINES]
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode(encoding))
    (report,), _ = run_import(path, "--period", PERIOD, "--dry-run")
    assert report["errors"] == [] and report["format"] == "csv" and report["amount"] == "14.35"
