"""The ledger export through the web (streamed CSV in UTF-8 with BOM and GBK, xlsx) and `fupin export ledger`."""

import csv
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from python_calamine import CalamineWorkbook

from fupin.insights.ledger import HEADER
from fupin.reporting.models import PurchaseLine
from tests.factories import PASSWORD
from tests.insights.ledger_data import FORMULA, NOVEMBER, ledger_make, line

SEED = "2020-01:2020-10"
COL = {name: i for i, name in enumerate(HEADER)}


@pytest.fixture
def ledger(personas):
    return ledger_make(personas)


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def download(client, fmt: str, **params):
    response = client.get(reverse("insights:ledger_export", args=[fmt]), params)
    assert response.status_code == 200, response.content[:500] if not response.streaming else response
    assert response.streaming, "the export is streamed, never built in one piece"
    assert "no-store" in response.get("Cache-Control", "")
    return response, b"".join(response.streaming_content)


def csv_rows(content: bytes, encoding: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode(encoding), newline="")))


def by_product(rows) -> dict[str, list[str]]:
    return {r[COL["产品名称"]]: r for r in rows[1:]}


def test_csv_in_utf8_has_a_bom_the_header_and_exact_amounts(ledger, personas, client):
    login(client, personas.admin)
    response, content = download(client, "csv", period=NOVEMBER, encoding="utf-8")
    assert content.startswith(b"\xef\xbb\xbf") and "charset=utf-8" in response["Content-Type"]
    assert "attachment" in response["Content-Disposition"] and ".csv" in response["Content-Disposition"]
    rows = csv_rows(content, "utf-8-sig")
    assert rows[0] == HEADER and len(rows) == 1 + 6
    lines = by_product(rows)
    formula = lines["'" + FORMULA]  # inert: a leading quote, as safe_files writes every formula-looking text
    assert formula[COL["金额（万元）"]] == "12.3456" and formula[COL["金额（元）"]] == "123456.00"
    assert formula[COL["采购时间"]] == "11月中旬" and formula[COL["标准渠道"]] == "农户"
    rice = lines["小米（五常）"]
    assert rice[:3] == ["叶县", NOVEMBER, "1"] and rice[COL["产品来源"]] == " 扶贫832平台 "  # as typed
    assert rice[COL["标准渠道"]] == "832平台" and rice[COL["采购方式"]] == "线上"
    assert rice[COL["采购时间"]] == "2020-11-05" and rice[COL["数量（吨）"]] == "1.25"
    assert rice[COL["用途"]] == "节日慰问" and rice[COL["消费类型"]] == "单位集中采购"
    assert rice[COL["报表状态"]] == "已上报" and rice[COL["是否剔除"]] == "否" and rice[COL["备注"]] == "职工节日慰问"
    assert lines["香菇"][COL["上报说明"]] == "按工会要求合并采购"
    dropped = lines["招待用烟酒"]
    assert dropped[COL["是否剔除"]] == "是" and dropped[COL["剔除原因"]] == "招待费，不属于消费帮扶"
    assert dropped[COL["标准渠道"]] == ""


def test_csv_in_gbk_decodes_with_the_same_rows(ledger, personas, client):
    login(client, personas.admin)
    response, content = download(client, "csv", period=NOVEMBER, encoding="gbk")
    assert "charset=gbk" in response["Content-Type"] and not content.startswith(b"\xef\xbb\xbf")
    rows = csv_rows(content, "gbk")
    _, utf8 = download(client, "csv", period=NOVEMBER)
    assert rows == csv_rows(utf8, "utf-8-sig") and rows[0] == HEADER


def test_findings_are_named_on_their_lines(ledger, personas, client):
    login(client, personas.admin)
    _, content = download(client, "csv", period=NOVEMBER, unit=personas.other_unit.pk)
    rows = csv_rows(content, "utf-8-sig")[1:]
    assert [r[COL["发现的问题"]] for r in rows] == ["同一渠道重复填报"] * 2
    _, content = download(client, "csv", period=NOVEMBER, product="小米（五常）")
    assert csv_rows(content, "utf-8-sig")[1][COL["发现的问题"]] == ""


def test_a_text_gbk_cannot_hold_is_named_before_the_download_starts(ledger, personas, client):
    PurchaseLine.objects.filter(product="香菇").update(product="𠮷野家香菇")
    login(client, personas.admin)
    response = client.get(reverse("insights:ledger_export", args=["csv"]), {"period": NOVEMBER, "encoding": "gbk"})
    assert response.status_code == 400 and not response.streaming
    assert "第5行第4列的“𠮷野家香菇”含有GBK编码无法表示的字符，请改用UTF-8格式导出" in response.content.decode()
    _, content = download(client, "csv", period=NOVEMBER, encoding="utf-8")
    assert "𠮷野家香菇" in content.decode("utf-8-sig")


def test_xlsx_opens_with_calamine_with_every_line_and_the_formula_as_text(ledger, personas, client):
    login(client, personas.admin)
    response, content = download(client, "xlsx", period=NOVEMBER)
    assert "spreadsheetml" in response["Content-Type"] and ".xlsx" in response["Content-Disposition"]
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    rows = book.get_sheet_by_name("台账明细").to_python()
    assert rows[0] == HEADER and len(rows) == 1 + 6
    lines = {r[COL["产品名称"]]: r for r in rows[1:]}
    formula = lines[FORMULA]
    assert Decimal(str(formula[COL["金额（万元）"]])) == Decimal("12.3456")
    assert Decimal(str(formula[COL["金额（元）"]])) == Decimal("123456")

    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not [c for c in cells if c.data_type == "f"], "no formula cell"
    assert any(c.value == FORMULA and c.data_type in ("s", "inlineStr") for c in cells)


def test_a_reporter_exports_only_their_unit_and_never_another(ledger, personas, client):
    login(client, personas.reporter)
    _, content = download(client, "csv")
    units = {r[COL["单位"]] for r in csv_rows(content, "utf-8-sig")[1:]}
    assert units == {"叶县"}
    assert "红薯粉条" in content.decode("utf-8-sig"), "their own draft is theirs to export"
    client.logout()
    login(client, personas.viewer)
    _, content = download(client, "csv")
    assert "红薯粉条" not in content.decode("utf-8-sig"), "a leader sees no draft"


def test_the_export_totals_equal_the_attachment_total_for_the_seed_period(seeded, personas, client):
    out = io.StringIO()
    call_command("report", "attachment", "--period", SEED, "--format", "json", stdout=out)
    attachment = Decimal(json.loads(out.getvalue())["total"])
    assert attachment == Decimal("3341.57")
    login(client, personas.admin)
    _, content = download(client, "csv", period=SEED)
    rows = csv_rows(content, "utf-8-sig")[1:]
    counted = [r for r in rows if r[COL["是否剔除"]] == "否" and r[COL["报表状态"]] in ("已上报", "已审核")]
    total = sum(Decimal(r[COL["金额（万元）"]]) for r in counted)
    assert total.quantize(Decimal("0.01")) == attachment and len(rows) == PurchaseLine.objects.count()
    book = CalamineWorkbook.from_filelike(io.BytesIO(download(client, "xlsx", period=SEED)[1]))
    fen = sum(round(Decimal(str(r[COL["金额（元）"]])) * 100) for r in book.get_sheet_by_name("台账明细").to_python()[1:])
    assert Decimal(fen) / 1_000_000 == total


def test_the_export_reads_findings_a_batch_at_a_time_not_a_line_at_a_time(ledger, personas, client,
                                                                          django_assert_max_num_queries):
    from fupin.reporting.services import lines_bulk_add

    login(client, personas.admin)
    download(client, "csv", period=NOVEMBER)  # the first loads the classifier's rules, kept for the process after
    with django_assert_max_num_queries(40) as small:
        download(client, "csv", period=NOVEMBER)
    lines_bulk_add(submission=ledger["wugang"], by=None, start=10,
                   lines=[line(f"0.{i % 9 + 1}", f"鸡蛋{i}", "农户", "FARM") for i in range(600)])
    with django_assert_max_num_queries(len(small)) as large:
        _, content = download(client, "csv", period=NOVEMBER)
    assert content.decode("utf-8-sig").count("\r\n") == 1 + 6 + 600
    assert len(large) == len(small)


def test_an_unknown_format_is_404_and_post_is_refused(ledger, personas, client):
    login(client, personas.admin)
    assert client.get(reverse("insights:ledger_export", args=["pdf"])).status_code == 404
    assert client.post(reverse("insights:ledger_export", args=["csv"])).status_code == 405


def test_the_command_writes_the_ledger_in_gbk_and_xlsx(ledger, tmp_path):
    target = tmp_path / "台账.csv"
    err = io.StringIO()
    call_command("export", "ledger", "--period", NOVEMBER, "--format", "csv", "--encoding", "gbk",
                 "--output", str(target), stderr=err)
    rows = csv_rows(target.read_bytes(), "gbk")
    assert rows[0] == HEADER and len(rows) == 1 + 6 and "已导出6条明细" in err.getvalue()
    book = tmp_path / "台账.xlsx"
    call_command("export", "ledger", "--period", "2020-11:2020-12", "--format", "xlsx", "-o", str(book),
                 stderr=io.StringIO())
    sheet = CalamineWorkbook.from_path(str(book)).get_sheet_by_name("台账明细").to_python()
    assert len(sheet) == 1 + 7  # the command speaks for the office: the draft too
