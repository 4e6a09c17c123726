"""`fupin import`: the seed's attachment in the formats offices send, all or nothing per file, re-imports."""

import io
from decimal import Decimal

import pytest
import xlsxwriter
from django.core.management import call_command

from fupin.quality.validation import CHANNEL_UNCLEAR
from fupin.reporting.models import PurchaseLine, Status, Submission
from fupin.reporting.selectors import version_lines
from fupin.units.selectors import unit_find
from tests.ingest.conftest import SEED_PERIOD, attachment_json, run_import

FORMATS = ["xlsx", "xls", "csv", "docx"]


def subtotals(data: dict) -> dict:
    return {u["unit"]: u["subtotal"] for u in data["units"]}


@pytest.mark.parametrize("fmt", FORMATS)
def test_seed_attachment_as_offices_save_it_imports_to_the_seed_figures(seed_attachment, office_folder, fmt):
    reports, error = run_import(office_folder / f"附件.{fmt}", "--period", SEED_PERIOD)
    assert error is None, reports
    (report,) = reports
    assert (report["rows"], report["imported"], report["errors"]) == (110, 109, [])
    got = attachment_json()
    assert got["total"] == seed_attachment["total"] == "3341.57"
    assert len(got["units"]) == 29
    assert subtotals(got) == subtotals(seed_attachment)
    assert got["line_count"] == seed_attachment["line_count"] == 109
    assert [line["amount_exact"] for u in got["units"] for line in u["lines"]] == \
        [line["amount_exact"] for u in seed_attachment["units"] for line in u["lines"]]


def test_normalised_method_and_unclassified_sources_are_reported_as_warnings(seed_attachment, office_folder):
    (report,), _ = run_import(office_folder / "附件.xlsx", "--period", SEED_PERIOD, "--dry-run")
    found = {(w["value"], w["message"]) for w in report["warnings"]}
    assert ("线上线上", "采购方式按“线上”导入") in found
    unclear = CHANNEL_UNCLEAR.format(text="扶贫产品", hint="")
    assert any(value == "扶贫产品" and message.startswith(unclear) for value, message in found)
    assert any(w["value"] == "舞阳铁矿" for w in report["warnings"])
    assert report["stored"] is False and PurchaseLine.objects.count() == 0


def test_importing_the_same_file_twice_leaves_the_total_unchanged(seed_attachment, office_folder):
    for _ in range(2):
        _, error = run_import(office_folder / "附件.xlsx", "--period", SEED_PERIOD)
        assert error is None
    assert attachment_json()["total"] == "3341.57"
    assert Submission.objects.count() == 28 and PurchaseLine.objects.count() == 109
    # The replaced lines are kept in the audit trail, with what they held and why they went, and the first
    # version still reads as it was sent.
    retired = PurchaseLine.history.filter(history_type="-")
    assert retired.count() == 109 and {r.history_change_reason for r in retired} == {"整表替换（重新导入或重新上报）"}
    assert sum(r.amount_fen for r in retired) == sum(PurchaseLine.objects.values_list("amount_fen", flat=True))
    yexian = Submission.objects.get(unit=unit_find("叶县"))
    first, second = yexian.versions.order_by("number")
    assert [x.amount_fen for x in version_lines(first)] == [x.amount_fen for x in version_lines(second)]
    assert len(version_lines(first)) == yexian.lines.count() > 0


def test_office_import_counts_as_submitted(seed_attachment, office_folder):
    run_import(office_folder / "附件.csv", "--period", SEED_PERIOD)
    assert set(Submission.objects.values_list("status", flat=True)) == {Status.SUBMITTED}
    assert not Submission.objects.filter(submitted_at=None).exists()


def write_xlsx(path, rows, *, title="叶县总工会消费扶贫统计表"):
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write(0, 0, title)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    book.close()
    return path


HEADER = ["单位名称", "产品名称", "产品来源", "采购方式", "采购时间", "数量（吨）", "金额（万元）"]


def test_a_file_with_bad_rows_is_refused_whole_naming_each_row(seed_attachment, tmp_path):
    path = write_xlsx(tmp_path / "有错.xlsx", [
        HEADER,
        ["叶县", "小米", "农户", "线下", "2020-10-14", 0.5, 1.5],
        [None, "香油", "合作社", "线下", None, None, "abc"],
        [None, "面粉", "扶贫企业", "线上", None, None, -3],
        [None, "鸡蛋", None, "线下", None, None, 2],
        [None, "大米", "农户", "线下", "2020-02-30", None, 1],
        ["火星区", "苹果", "农户", "线下", None, None, 1],
        ["叶县", "红薯", "农户", "快递", None, None, 1],
    ])
    reports, error = run_import(path, "--period", SEED_PERIOD)
    assert error == "1 个文件有错误，未导入（其余文件不受影响）"
    errors = {(e["row"], e["column"], e["message"]) for e in reports[0]["errors"]}
    assert errors == {
        (4, "金额", "金额不是数字"),
        (5, "金额", "金额不能为负数"),
        (6, "产品来源", "缺少产品来源"),
        (7, "采购时间", "采购时间不是有效日期"),
        (8, "单位名称", "单位不在单位名录中；请核对名称，或由市总在“系统管理”中添加该单位或别名"),
        (9, "采购方式", "采购方式应为“线上”或“线下”"),
    }
    assert reports[0]["imported"] == 0 and reports[0]["stored"] is False
    assert {e["value"] for e in reports[0]["errors"]} >= {"abc", "-3", "2020-02-30", "火星区", "快递"}
    assert PurchaseLine.objects.count() == 0 and Submission.objects.count() == 0


def test_a_bad_file_among_good_ones_leaves_the_good_ones_imported(seed_attachment, office_folder, tmp_path):
    bad = write_xlsx(tmp_path / "坏.xlsx", [HEADER, ["叶县", "小米", "农户", "线下", None, None, "一万"]])
    reports, error = run_import(office_folder / "附件.csv", bad, "--period", SEED_PERIOD)
    assert error and [r["imported"] for r in reports] == [109, 0]
    assert attachment_json()["total"] == "3341.57"


def test_human_output_names_the_row_in_chinese(seed_attachment, tmp_path):
    from fupin.core.errors import UserError

    bad = write_xlsx(tmp_path / "坏.xlsx", [HEADER, ["叶县", "小米", "农户", "线下", None, None, "abc"]])
    err = io.StringIO()
    with pytest.raises(UserError):
        call_command("import", str(bad), "--period", SEED_PERIOD, stdout=io.StringIO(), stderr=err)
    assert "第3行“金额”列（abc）：金额不是数字" in err.getvalue()


def test_a_unit_report_without_unit_column_takes_the_unit_option(seed_attachment, tmp_path):
    path = write_xlsx(tmp_path / "叶县.xlsx", [
        ["产品名称", "产品来源", "采购方式", "采购时间", "数量（公斤）", "金额（元）"],
        ["小米", "驻村第一书记推荐", "线下", "10月14日", 500, "1,250.00"],
        ["香菇", "832平台", "网上", 44118, "20公斤", 800],
    ])
    reports, error = run_import(path, "--period", "2020-10", "--unit", "叶县总工会")
    assert error is None, reports
    lines = list(PurchaseLine.objects.filter(submission__unit=unit_find("叶县")).order_by("position"))
    assert [line.amount_fen for line in lines] == [125000, 80000]  # 元 → exact 分
    assert [line.quantity_g for line in lines] == [500_000, 20_000]  # 公斤 → grams
    assert [str(line.purchase_date) for line in lines] == ["2020-10-14", "2020-10-14"]
    assert [line.channel_code for line in lines] == ["SECY", "P832"]
    assert lines[1].method == "线上"
    assert reports[0]["units"][0]["amount"] == "0.21"


def test_without_unit_column_or_option_the_file_is_refused(seed_attachment, tmp_path):
    path = write_xlsx(tmp_path / "无单位.xlsx", [["产品来源", "采购方式", "金额"], ["农户", "线下", 1]])
    reports, error = run_import(path, "--period", "2020-10")
    assert error and "--unit" in reports[0]["errors"][0]["message"]


def test_a_row_of_another_unit_than_the_option_is_an_error(seed_attachment, tmp_path):
    path = write_xlsx(tmp_path / "x.xlsx", [HEADER, ["舞钢市", "小米", "农户", "线下", None, None, 1]])
    reports, _ = run_import(path, "--period", "2020-10", "--unit", "叶县")
    assert reports[0]["errors"][0]["message"] == "与指定的单位“叶县”不一致"


def test_unknown_units_are_created_when_asked(seed_attachment, tmp_path):
    path = write_xlsx(tmp_path / "x.xlsx", [HEADER, ["平顶山学院", "小米", "农户", "线下", None, None, 1]])
    reports, error = run_import(path, "--period", "2020-10", "--create-units")
    assert error is None and unit_find("平顶山学院") is not None
    assert Submission.objects.get(unit__short_name="平顶山学院").lines.get().amount_fen == 1_000_000


def test_a_folder_of_unit_files_imports_in_one_command(seed_attachment, tmp_path):
    folder = tmp_path / "各单位"
    folder.mkdir()
    names = ["汝州市", "舞钢市", "郟县", "宝丰", "鲁山县", "叶县"]
    for i, name in enumerate(names):
        write_xlsx(folder / f"{i:02d}_{name}.xlsx", [HEADER, [name, "小米", "农户", "线下", None, None, "1.25"],
                                                     [None, "香油", "832平台", "线上", None, None, 0.75]])
    (folder / "~$00_汝州市.xlsx").write_bytes(b"lock")  # Excel's lock file is skipped
    (folder / "说明.pdf").write_bytes(b"%PDF")
    reports, error = run_import(folder, "--period", "2020-10")
    assert error is None and len(reports) == 6
    assert attachment_json("2020-10")["total"] == "12.00"


def test_many_files_show_a_progress_bar_and_a_summary(seed_attachment, tmp_path):
    for i in range(3):
        write_xlsx(tmp_path / f"{i}.xlsx", [HEADER, ["叶县", "小米", "农户", "线下", None, None, 1]])
    err = io.StringIO()
    call_command("import", str(tmp_path), "--period", "2020-10", "--dry-run", stdout=io.StringIO(), stderr=err)
    assert "共 3 个文件：3 个可导入，0 个有错误未导入" in err.getvalue()
    assert Submission.objects.count() == 0


def test_a_period_written_in_the_file_must_match(seed_attachment, tmp_path):
    path = write_xlsx(tmp_path / "x.xlsx", [["统计期间：2020-09"], HEADER,
                                            ["叶县", "小米", "农户", "线下", None, None, 1]])
    reports, _ = run_import(path, "--period", "2020-10")
    assert "不一致" in reports[0]["errors"][0]["message"]


def test_subtotal_and_total_that_disagree_with_the_lines_are_warned(seed_attachment, tmp_path):
    path = write_xlsx(tmp_path / "x.xlsx", [
        HEADER + ["合计（万元）"],
        ["叶县", "小米", "农户", "线下", None, None, 1.234, 5],
        [None, "香油", "农户", "线下", None, None, 1, None],
        ["合计", None, None, None, None, None, None, 2.23],
    ])
    reports, error = run_import(path, "--period", "2020-10")
    assert error is None
    messages = [w["message"] for w in reports[0]["warnings"]]
    assert "表中合计 5 万元与明细之和 2.23 万元不一致，以明细为准" in messages
    assert not any(m.startswith("表中总计") for m in messages)  # 2.234 written as 2.23 agrees


def test_unreadable_and_unknown_period_end_in_chinese(seed_attachment, tmp_path):
    from fupin.core.errors import UserError

    with pytest.raises(UserError, match="月份格式不正确"):
        call_command("import", str(tmp_path), "--period", "2020-13", stdout=io.StringIO())
    with pytest.raises(UserError, match="单位“不存在的单位”不在单位名录中"):
        call_command("import", str(tmp_path), "--period", "2020-10", "--unit", "不存在的单位", stdout=io.StringIO())
    reports, error = run_import(tmp_path / "没有这个文件.xlsx", "--period", "2020-10")
    assert error and reports[0]["errors"][0]["message"].startswith("无法打开文件")


def test_amount_exactness_survives_the_round_trip(seed_attachment, tmp_path):
    path = write_xlsx(tmp_path / "x.xlsx", [HEADER, ["轻纺工会", "小米", "内部平台", "线上", None, None, 4.694],
                                            [None, "香油", "农户", "线下", None, None, 0.1 + 0.2]])
    run_import(path, "--period", "2020-10")
    assert sum(PurchaseLine.objects.values_list("amount_fen", flat=True)) == int(Decimal("4.994") * 1_000_000)


def test_a_unit_that_comes_back_further_down_a_long_file_keeps_all_its_lines(seed_attachment, tmp_path):
    rows = [HEADER] + [["叶县" if i == 0 else None, f"小米{i}", "农户", "线下", None, None, 1] for i in range(4)]
    rows += [["舞钢市", "香油", "农户", "线下", None, None, 2], ["叶县", "面粉", "农户", "线下", None, None, 3]]
    reports, error = run_import(write_xlsx(tmp_path / "x.xlsx", rows), "--period", "2020-10")
    assert error is None and reports[0]["imported"] == 6
    yexian = Submission.objects.get(unit__short_name="叶县")
    assert list(yexian.lines.values_list("product", flat=True)) == ["小米0", "小米1", "小米2", "小米3", "面粉"]
    assert yexian.versions.order_by("-number").first().total_fen == 7_000_000
    assert yexian.versions.count() == 1  # stored once, not again when the unit came back


def test_an_error_after_units_were_handed_over_still_stores_nothing(seed_attachment, tmp_path):
    rows = [HEADER] + [["叶县" if i == 0 else None, "小米", "农户", "线下", None, None, 1] for i in range(3)]
    rows += [["舞钢市", "香油", "农户", "线下", None, None, "十元"]]
    reports, error = run_import(write_xlsx(tmp_path / "x.xlsx", rows), "--period", "2020-10")
    assert error and reports[0]["errors"][0]["row"] == 6
    assert Submission.objects.count() == 0 and PurchaseLine.objects.count() == 0
