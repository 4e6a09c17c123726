"""Units that do not report what the rules need are named, and a missing figure is never shown as zero."""

from django.core.management import call_command

from fupin.core.money import wan_display
from fupin.policy.compliance import ShareStatus, UnitStatus
from fupin.policy.formats import unit_json
from fupin.policy.models import MemberCount
from fupin.reporting.models import Purpose
from fupin.units.selectors import unit_find
from tests.policy.builders import purchases, row, spending


def test_a_unit_without_welfare_spending_is_missing_not_compliant(registry):
    unit = row("平高集团", "2020-01:2020-12")
    assert unit.status == UnitStatus.MISSING
    assert "未填报福利支出（四送、节日慰问、困难职工慰问）" in unit.missing
    assert {s.status for s in unit.shares} == {ShareStatus.MISSING}
    data = unit_json(unit)
    assert data["spending_yuan"]["四送"] is None and data["holiday"]["holiday_yuan"] is None


def test_the_registry_member_count_is_the_default_and_a_years_entry_overrides_it(registry):
    unit = unit_find("姚电公司")
    unit.member_count = 3200
    unit.save()
    spending("姚电公司", "2020-01:2020-12", holiday="6000000")
    members = row("姚电公司", "2020-01:2020-12").holiday.members
    assert (members.count, members.source) == (3200, "单位名录")
    spending("姚电公司", "2020-01:2020-12", holiday="6000000", members=3000)
    members = row("姚电公司", "2020-01:2020-12").holiday.members
    assert (members.count, members.source) == (3000, "年度填报")
    assert MemberCount.objects.get(unit=unit, year=2020).history.count() == 1


def test_a_missing_member_count_is_named_for_the_year(registry):
    spending("江河机械", "2020-01:2020-12", holiday="50000")
    unit = row("江河机械", "2020-01:2020-12")
    assert "缺2020年会员人数" in unit.missing and unit.holiday.status == "missing"


def test_lines_without_a_purpose_are_counted_and_named(registry):
    spending("热电公司", "2020-01:2020-12", sisong="1000", members=10)
    purchases("热电公司", "2020-01:2020-12", ("", "1.5"), ("", "0.25"), (Purpose.SISONG, "0.1"))
    unit = row("热电公司", "2020-01:2020-12")
    assert "2条采购明细未注明用途（共1.75万元）" in unit.missing
    assert unit.shares[0].poverty_fen == 100_000


def test_months_not_covered_by_the_spending_are_named(registry):
    spending("供电公司", "2020-01:2020-06", holiday="1000", members=10)
    spending("供电公司", "2020-09", holiday="1000")
    unit = row("供电公司", "2020-01:2020-12")
    assert "福利支出未覆盖2020年7—8月、10—12月" in unit.missing


def test_the_seed_ledger_reports_no_purposes_so_every_unit_lacks_data(seeded):
    from fupin.core.periods import Period
    from fupin.policy.compliance import compliance_report

    report = compliance_report(period=Period.parse("2020-01:2020-10"))
    assert len(report.units) == 29
    assert sum(u.unassigned_lines for u in report.units) == 109
    assert wan_display(sum(u.unassigned_fen for u in report.units)) == "3341.57"
    assert report.count(UnitStatus.OK) == 0


def test_demo_data_loads_once(seeded):
    from fupin.policy.models import WelfareSpending

    before = list(WelfareSpending.objects.values_list("pk", "holiday_fen"))
    call_command("demo", verbosity=0, stdout=open("/dev/null", "w"))
    assert list(WelfareSpending.objects.values_list("pk", "holiday_fen")) == before and len(before) == 2


def test_the_purpose_column_of_an_imported_sheet_feeds_the_shares(registry, tmp_path):
    import xlsxwriter

    path = tmp_path / "叶县.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    rows = [["产品名称", "产品来源", "采购方式", "采购时间", "金额（万元）", "用途"],
            ["小米", "832平台", "线上", "2020-09-28", "0.2", "四送"],
            ["香菇", "832平台", "线上", "2020-09-28", "0.1", "节日慰问"],
            ["苹果", "832平台", "线上", "2020-09-28", "0.05", ""]]
    for r, values in enumerate(rows):
        sheet.write_row(r, 0, values)
    book.close()
    call_command("import", str(path), "--period", "2020-01:2020-12", "--unit", "叶县", stdout=open("/dev/null", "w"))
    spending("叶县", "2020-01:2020-12", sisong="10000", holiday="10000", members=10)
    unit = row("叶县", "2020-01:2020-12")
    shares = {s.purpose: (s.poverty_fen, s.status) for s in unit.shares}
    assert shares[Purpose.SISONG] == (200_000, ShareStatus.MET)
    assert shares[Purpose.HOLIDAY] == (100_000, ShareStatus.BELOW)
    assert "1条采购明细未注明用途（共0.05万元）" in unit.missing
