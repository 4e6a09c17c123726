"""同比 on a realistic two-year ledger: exact values rounded half up once, nothing shown (never +100%) when last year
has no data, a fall called 下降, a unit's subtree compared with its own last year; on the dashboard, in the pivot and
its Excel export, and in the circular's facts, text, 核对单 and JSON."""

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from python_calamine import CalamineWorkbook

from fupin.core.periods import Period
from fupin.insights.circular_facts import circular_facts
from fupin.insights.year_on_year import NO_DATA, same_period_last_year, year_on_year
from fupin.reporting.exclusions import line_exclude
from fupin.units.models import Role, Unit
from fupin.units.selectors import root_unit, unit_find
from tests.factories import PASSWORD, submission_make, user_make

OCT_2020, OCT_2019 = Period.parse("2020-10"), Period.parse("2019-10")


@pytest.fixture
def ledger(db):
    """Two Octobers and two cumulative 1—10月 reports. 2019: 叶县 12.3456 + 0.5 (+ a draft nobody counts), its
    基层工会 1.2, 舞钢市 8.0004, 汝州市 a line the office excluded; 2020: 叶县 15, its 基层工会 0.9, 舞钢市 6.00025 (0.0025
    is 25元), 汝州市 3 (nothing counted last year), 宝丰县 reports only this year."""
    call_command("init", stdout=io.StringIO())
    yexian, wugang, ruzhou = unit_find("叶县"), unit_find("舞钢市"), unit_find("汝州市")
    grassroots = Unit.objects.create(parent=yexian, short_name="叶县盐厂工会", name="叶县盐厂工会")
    submission_make(yexian, "2019-10", amounts=("12.3456", "0.5"))
    submission_make(grassroots, "2019-10", amounts=("1.2",), status="approved")
    submission_make(wugang, "2019-10", amounts=("8.0004",))
    submission_make(unit_find("郏县"), "2019-10", amounts=("99",), status="draft")
    excluded = submission_make(ruzhou, "2019-10", amounts=("4.4",))
    line_exclude(line=excluded.lines.get(), by=None, reason="慰问金，不属于消费扶贫")
    submission_make(yexian, "2020-10", amounts=("15",))
    submission_make(grassroots, "2020-10", amounts=("0.9",))
    submission_make(wugang, "2020-10", amounts=("6.00025",))
    submission_make(ruzhou, "2020-10", amounts=("3",))
    submission_make(unit_find("宝丰县"), "2020-10", amounts=("2.5",), status="approved")
    submission_make(wugang, "2019-01:2019-10", amounts=("40",))
    submission_make(wugang, "2020-01:2020-10", amounts=("30",))
    return {"yexian": yexian, "grassroots": grassroots, "wugang": wugang, "ruzhou": ruzhou}


def test_the_same_months_last_year_are_compared_exactly(ledger):
    y = year_on_year(root=root_unit(), period=OCT_2020)
    # 2019: 12.3456 + 0.5 + 1.2 + 8.0004 = 22.046 万元 (draft and excluded line not counted).
    assert (y.last_year, y.last_year_fen) == (OCT_2019, 22_046_000)
    # 2020: 15 + 0.9 + 6.00025 + 3 + 2.5 = 27.40025 万元; +5.35425 / 22.046 = 24.2867...%
    assert y.amount_fen == 27_400_250
    assert y.ratio == Decimal(5_354_250) / Decimal(22_046_000)
    assert (y.percent, y.change_percent, y.direction, y.text) == ("24.3", "+24.3", "增长", "同比增长24.3%")


def test_a_fall_is_called_a_fall(ledger):
    y = year_on_year(root=ledger["wugang"], period=OCT_2020)
    # 舞钢市 6.00025 against 8.0004: -2.00015 / 8.0004 = -25.0006...%
    assert (y.last_year_fen, y.amount_fen) == (8_000_400, 6_000_250)
    assert (y.change_percent, y.direction, y.text) == ("-25.0", "下降", "同比下降25.0%")


def test_a_cumulative_period_is_compared_with_last_years_cumulative_report(ledger):
    y = year_on_year(root=ledger["wugang"], period=Period.parse("2020-01:2020-10"))
    assert y.last_year == Period.parse("2019-01:2019-10")
    # The period takes the reports lying within it: both Octobers and the cumulative report.
    assert (y.last_year_fen, y.amount_fen) == (48_000_400, 36_000_250)
    assert y.text == "同比下降25.0%"


def test_half_a_tenth_rounds_up_not_to_even(db):
    call_command("init", stdout=io.StringIO())
    unit = unit_find("叶县")
    submission_make(unit, "2019-05", amounts=("2",))
    submission_make(unit, "2020-05", amounts=("2.005",))  # +0.25% exactly: round-half-even would say 0.2
    assert year_on_year(root=unit, period=Period.parse("2020-05")).change_percent == "+0.3"
    submission_make(unit, "2019-06", amounts=("3",))
    submission_make(unit, "2020-06", amounts=("3.0001",))  # +0.0033%: rounds to nothing, said as 持平
    y = year_on_year(root=unit, period=Period.parse("2020-06"))
    assert (y.change_percent, y.direction, y.text) == ("0.0", "持平", "同比持平")


def test_no_data_last_year_gives_no_change_at_all(ledger):
    y = year_on_year(root=ledger["ruzhou"], period=OCT_2020)  # last year's only line was excluded
    assert not y.exists and y.ratio is None
    assert (y.percent, y.change_percent, y.direction, y.text) == ("", "", "", NO_DATA)
    assert y.as_json()["change_percent"] is None and y.as_json()["last_year"] is None
    assert same_period_last_year(Period.parse("2020-11:2021-02")) == Period.parse("2019-11:2020-02")


def test_a_units_subtree_is_compared_with_its_own_last_year(ledger):
    y = year_on_year(root=ledger["yexian"], period=OCT_2020)
    # 叶县 with its 基层工会: 15 + 0.9 = 15.9 against 12.3456 + 0.5 + 1.2 = 14.0456 → +13.2027...%
    assert (y.last_year_fen, y.amount_fen) == (14_045_600, 15_900_000)
    assert y.text == "同比增长13.2%"
    below = year_on_year(root=ledger["grassroots"], period=OCT_2020)
    assert below.text == "同比下降25.0%"  # 0.9 against 1.2


def _login(client, username, unit, role):
    user_make(username, unit=unit, role=role, first_name=username)
    assert client.login(username=username, password=PASSWORD)


def test_the_dashboard_shows_the_change_beside_month_on_month(ledger, client, django_assert_max_num_queries):
    _login(client, "office", root_unit(), Role.ADMIN)
    url = reverse("insights:dashboard")
    client.get(url, {"period": "2020-10"})
    with django_assert_max_num_queries(50):
        page = client.get(url, {"period": "2020-10"}).content.decode()
    assert 'data-testid="yoy">+24.3%<' in page
    assert "同比增长24.3%；去年同期 22.05 万元" in page
    data = json.loads(page.split('id="dashboard-data" type="application/json">')[1].split("</script>")[0])
    assert data["year_on_year"]["change_percent"] == "+24.3" and data["year_on_year"]["last_year"] == "22.05"
    page = client.get(url, {"period": "2020-10", "unit": ledger["yexian"].pk}).content.decode()
    assert 'data-testid="yoy">+13.2%<' in page


def test_the_dashboard_says_there_is_no_data_last_year(ledger, client):
    _login(client, "ruzhou", ledger["ruzhou"], Role.REPORTER)
    page = client.get(reverse("insights:dashboard"), {"period": "2020-10"}).content.decode()
    assert 'data-testid="yoy">—<' in page and 'data-testid="yoy-note">去年同期无数据<' in page
    assert "+100" not in page  # (a share of 100.0% in the trend table is another matter)
    page = client.get(reverse("insights:dashboard"), {"period": "2018-10"}).content.decode()  # nothing either year
    assert 'data-testid="yoy">—<' in page


def test_the_pivot_and_its_export_put_last_year_and_the_change_after_the_total(ledger, client):
    _login(client, "leader", root_unit(), Role.VIEWER)
    query = {"period": "2020-10", "rows": "unit", "measure": "amount"}
    page = client.get(reverse("insights:pivot"), query).content.decode()
    assert "<th>去年同期</th><th>同比</th>" in page
    assert 'data-testid="pivot-yoy-total">+24.3%<' in page
    rows = {r.split("</th>")[0]: r for r in page.split("<tr><th>")[1:]}
    assert ">14.05<" in rows["叶县"] and ">+13.2%<" in rows["叶县"]
    assert rows["汝州市"].count(">—<") == 2 and rows["宝丰县"].count(">—<") == 2  # no 同比, not +100%
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(
        client.get(reverse("publishing:pivot_export"), query).content))
    sheet = workbook.get_sheet_by_index(0).to_python()
    assert sheet[1][-3:] == ["合计", "去年同期", "同比（%）"]
    by_unit = {row[0]: row for row in sheet[2:]}
    assert by_unit["舞钢市"][-2:] == [8.0, "-25.0"] and by_unit["汝州市"][-2:] == ["—", "—"]
    assert by_unit["合计"][-3:] == [27.4, 22.05, "+24.3"]


def test_a_pivot_without_last_year_has_no_change_columns(ledger, client):
    _login(client, "leader", root_unit(), Role.VIEWER)
    page = client.get(reverse("insights:pivot"), {"period": "2019-10", "rows": "unit"}).content.decode()
    assert "<th>同比</th>" not in page and 'data-testid="pivot-yoy-none"' in page


def test_the_circular_states_the_change_and_lists_it_on_the_checklist(ledger):
    from fupin.publishing.circular_draft import circular_draft

    facts = circular_facts(period=OCT_2020)
    assert facts.year_on_year.text == "同比增长24.3%"
    draft = circular_draft(facts, attachment_title="附件")
    text = "".join(p["text"] for p in draft.paragraphs)
    assert "实际成交额27.40万元。去年同期为22.05万元，同比增长24.3%。" in text
    checklist = {row["key"]: row for row in draft.checklist}
    assert checklist["year_on_year.percent"]["figure"] == "24.3%"
    assert checklist["year_on_year.last_year"]["figure"] == "22.05万元"
    assert "2019年10月" in checklist["year_on_year.last_year"]["what"]


def test_the_circular_is_silent_about_the_change_without_last_years_data(ledger):
    from fupin.publishing.circular_draft import circular_draft

    facts = circular_facts(period=Period.parse("2019-10"))
    draft = circular_draft(facts, attachment_title="附件")
    text = "".join(p["text"] for p in draft.paragraphs)
    assert "同比" not in text and "去年同期" not in text
    assert not any(row["key"].startswith("year_on_year") for row in draft.checklist)


def test_the_circulars_json_carries_the_change(ledger):
    out = io.StringIO()
    call_command("report", "circular", "--period", "2020-10", "--format", "json", stdout=out)
    figures = json.loads(out.getvalue())["figures"]
    assert figures["year_on_year"] == {
        "period": {"from": "2020-10", "to": "2020-10"}, "amount": "27.40",
        "last_year_period": {"from": "2019-10", "to": "2019-10"}, "last_year": "22.05",
        "change_percent": "+24.3", "direction": "增长", "text": "同比增长24.3%"}
    assert figures["total"] == "27.40"  # the fields already there stay


def test_pivot_months_are_compared_with_the_same_months_last_year(ledger):
    from fupin.insights.pivot import pivot

    result = pivot(root=ledger["wugang"], period=Period.parse("2020-01:2020-10"), rows="month")
    rows = {label: yoy for label, _, _, yoy in result.compared()}
    # The October report against last October's, the cumulative report against last year's cumulative one.
    assert rows["2020年10月"].last_year_fen == 8_000_400 and rows["2020年10月"].text == "同比下降25.0%"
    assert rows["2020年1—10月"].last_year_fen == 40_000_000 and rows["2020年1—10月"].text == "同比下降25.0%"
    assert result.total_year_on_year().last_year_fen == 48_000_400
