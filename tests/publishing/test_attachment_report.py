"""The attachment table from the ledger: the seed's figures exactly, in every format."""

import io
import json
import os
from decimal import Decimal

import pytest
from django.core.management import call_command
from docx import Document
from python_calamine import CalamineWorkbook

from fupin.site.seed import seed_rows

SEED_SUBTOTALS = {
    "汝州市": "163.31", "舞钢市": "73.73", "郏县": "176.84", "宝丰县": "280.56", "鲁山县": "469.34",
    "叶县": "171.08", "新华区": "3.65", "卫东区": "15.29", "湛河区": "237.82", "石龙区": "12.08",
    "高新区": "1.56", "新城区": "1.46", "市直工会": "74.20", "文教卫工会": "267.83", "财贸工会": "135.64",
    "工交工会": "131.85", "建设工会": "25.98", "轻纺工会": "138.35", "平煤神马集团": "403.48",
    "平高集团": "148.44", "姚电公司": "59.27", "江河机械": "15.39", "热电公司": "26.70", "舞钢公司": "255.00",
    "供电公司": "23.64", "热力集团": "13.30", "平顶山发电分公司": "2.75", "市总工会": "13.03", "舞阳铁矿": "0.00",
}


def report(*args) -> bytes:
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue().encode("utf-8")


def test_json_attachment_reproduces_the_seed_table_exactly(seeded):
    data = json.loads(report("attachment", "--period", "2020-01:2020-10", "--format", "json"))
    assert data["period"] == {"from": "2020-01", "to": "2020-10"}
    assert data["total"] == "3341.57"
    assert [u["unit"] for u in data["units"]] == list(SEED_SUBTOTALS)
    assert {u["unit"]: u["subtotal"] for u in data["units"]} == SEED_SUBTOTALS
    assert sum(len(u["lines"]) for u in data["units"]) == 109 == data["line_count"]
    first = data["units"][0]["lines"][0]
    assert first == first | {"product": "", "source": "832平台", "channel": "P832", "method": "线上", "date": None,
                             "quantity": None, "amount": "35.28"}


def test_json_amounts_are_decimal_strings_and_keep_the_unit_written_text(seeded):
    data = json.loads(report("attachment", "--period", "2020-01:2020-10"))
    lines = [line for u in data["units"] for line in u["lines"]]
    assert all(isinstance(line["amount"], str) for line in lines)
    assert sum(Decimal(line["amount_exact"]) for line in lines) == Decimal("3341.574")
    qingfang = next(u for u in data["units"] if u["unit"] == "轻纺工会")
    assert [x["amount_exact"] for x in qingfang["lines"]][-1] == "4.694"
    baofeng = next(u for u in data["units"] if u["unit"] == "宝丰县")
    assert baofeng["lines"][0]["method_as_written"] == "线上线上"
    assert baofeng["lines"][0]["method"] == "线上"


def test_a_period_outside_the_seed_has_every_unit_at_zero(seeded):
    data = json.loads(report("attachment", "--period", "2021-01:2021-03"))
    assert data["total"] == "0.00"
    assert len(data["units"]) == 29 and all(u["subtotal"] == "0.00" for u in data["units"])


def test_a_cumulative_report_straddling_the_period_is_left_out_and_named(seeded):
    data = json.loads(report("attachment", "--period", "2020-05:2020-10"))
    assert data["total"] == "0.00"
    assert len(data["straddling"]) == 28


def test_xlsx_has_title_merged_unit_and_subtotal_cells_and_the_total(seeded, tmp_path):
    path = tmp_path / "附件.xlsx"
    call_command("report", "attachment", "--period", "2020-01:2020-10", "--format", "xlsx", "-o", str(path),
                 stderr=open(os.devnull, "w"))
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    rows = sheet.to_python(skip_empty_area=False)
    assert rows[0][0] == "平顶山市工会系统1—10月消费扶贫统计"
    assert rows[1][0] == "单位名称" and rows[1][7] == "合计（单位：万元）"
    assert rows[-1][0] == "合计" and Decimal(str(rows[-1][7])) == Decimal("3341.57")
    assert len(rows) == 2 + 109 + 1 + 1  # title, header, lines, 舞阳铁矿's empty row, total
    merged = {(m[0][0], m[0][1], m[1][0], m[1][1]) for m in sheet.merged_cell_ranges}
    assert (2, 0, 5, 0) in merged and (2, 7, 5, 7) in merged  # 汝州市's four lines
    assert Decimal(str(rows[2][7])) == Decimal("163.31")


def test_docx_table_merges_unit_and_subtotal_cells(seeded, tmp_path):
    path = tmp_path / "附件.docx"
    call_command("report", "attachment", "--period", "2020-01:2020-10", "--format", "docx", "-o", str(path),
                 stderr=open(os.devnull, "w"))
    document = Document(str(path))
    assert document.paragraphs[0].text == "平顶山市工会系统1—10月消费扶贫统计"
    table = document.tables[0]
    assert len(table.rows) == 1 + 110 + 1
    assert table.cell(1, 0)._tc is table.cell(4, 0)._tc  # 汝州市 spans its four lines
    assert table.cell(1, 7).text == "163.31"
    assert table.cell(len(table.rows) - 1, 7).text == "3341.57"


def test_html_attachment_shows_rowspans_and_total(seeded):
    html = report("attachment", "--period", "2020-01:2020-10", "--format", "html").decode()
    assert 'rowspan="4">汝州市' in html
    assert "3341.57" in html


def test_seed_file_holds_109_lines_and_one_silent_unit():
    rows = seed_rows()
    assert sum(1 for r in rows if r.amount) == 109
    assert [r.unit for r in rows if not r.amount] == ["舞阳铁矿"]


@pytest.mark.parametrize("period", ["2020-13", "2020/01", "2020-10:2020-01", "abc", "2020-01:2020-02:2020-03"])
def test_a_malformed_period_is_refused_in_chinese(seeded, period):
    from fupin.core.errors import UserError

    with pytest.raises(UserError, match="期间|月份"):
        call_command("report", "attachment", "--period", period)
