"""Issue 15: a unit whose lines have no 用途 yet cannot be judged, and the compliance page must not call it
违反规则 at 0.00%. The JSON keeps its fields (a share's status stays "below"; the circular reads it) and says
`judgeable: false` beside them."""

from datetime import date

import pytest
from django.urls import reverse

from fupin.policy.compliance import UnitStatus
from fupin.policy.formats import unit_json
from fupin.reporting.models import Purpose
from tests.factories import PASSWORD
from tests.policy.builders import purchases, row, spending

YEAR = "2020-01:2020-12"


@pytest.fixture
def loose(registry):
    """舞钢市 reported spending and four lines, none yet saying what it served (as the demo's units do)."""
    spending("舞钢市", YEAR, sisong="80000", holiday="150000", hardship="30000", members=100)
    purchases("舞钢市", YEAR, ("", "1.2"), ("", "0.35"), ("", "2"), ("", "0.05"))


def test_a_unit_whose_lines_have_no_purpose_is_not_judged_a_breach(loose):
    unit = row("舞钢市", YEAR)
    assert unit.status == UnitStatus.MISSING and unit.breaches == []
    assert not unit.judgeable
    data = unit_json(unit)
    assert data["status"] == "missing" and data["status_label"] == "数据不全" and data["judgeable"] is False
    for share in data["shares"]:
        assert share["status"] == "below"  # kept: what the figures alone say
        assert share["judgeable"] is False and share["status_label"] == "无法判断（尚无用途）"
        assert share["share_percent"] == "0.00"
    assert data["unjudged"] == [f"{p}比例无法判断（4条采购明细尚未注明用途）" for p in ("四送", "节日慰问", "困难职工慰问")]
    assert "4条采购明细未注明用途（共3.60万元）" in data["missing"]


def test_a_share_below_its_minimum_with_every_line_assigned_is_still_a_breach(registry):
    spending("叶县", YEAR, sisong="100000", holiday="100000", hardship="100000", members=100)
    purchases("叶县", YEAR, (Purpose.SISONG, "1"), (Purpose.HOLIDAY, "3"), (Purpose.HARDSHIP, "2"))
    data = unit_json(row("叶县", YEAR))
    assert data["status"] == "breach" and data["judgeable"] is True and data["unjudged"] == []
    sisong = data["shares"][0]
    assert sisong["status"] == "below" and sisong["judgeable"] is True and sisong["status_label"] == "未达标"


def test_an_unspent_extra_allowance_that_loose_lines_might_cover_is_not_judged(registry):
    spending("郏县", YEAR, holiday="230000", members=100)  # 30000元 over the cap
    purchases("郏县", YEAR, (Purpose.HOLIDAY, "1", "COOP", date(2020, 9, 28)), ("", "5"))
    data = unit_json(row("郏县", YEAR))
    assert data["holiday"]["status"] == "extra_not_poverty" and data["holiday"]["judgeable"] is False
    assert data["holiday"]["status_label"].startswith("无法判断")
    assert data["status"] != "breach" and not any("节日慰问品" in b for b in data["breaches"])


def test_the_page_says_cannot_judge_rather_than_breach_for_lines_without_purpose(loose, client):
    from tests.factories import personas

    people = personas()
    assert client.login(username=people.admin.username, password=PASSWORD)
    html = client.get(reverse("policy:compliance") + f"?period={YEAR}").content.decode()
    start = html.index('data-unit="舞钢市"')
    wugang = html[start:html.index("</tr>", start)]
    assert "违反规则" not in wugang and "未达标" not in wugang and 'class="error"' not in wugang
    assert "无法判断（尚无用途）" in wugang and "4条采购明细尚未注明用途" in wugang
    assert "0.00" not in wugang.split("data-testid=\"share\"")[1].split("</td>")[0]
    summary = html[:html.index("各单位落实情况")]
    assert "未达到的" not in summary and "无法判断" in summary
