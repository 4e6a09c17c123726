"""The 20% rule: poverty purchases of each welfare purpose against what the unit spent on it, exact at the limit."""

import pytest

from fupin.policy.compliance import ShareStatus
from fupin.policy.formats import share_json
from fupin.reporting.models import Purpose
from tests.policy.builders import purchases, row, spending

# 10000元 spent on the purpose; 20% of it is 2000元 = 0.2万元. One fen either side is 0.000001万元.
AT, JUST_UNDER, JUST_OVER = "0.2", "0.199999", "0.200001"


@pytest.mark.parametrize("purpose", [Purpose.SISONG, Purpose.HOLIDAY, Purpose.HARDSHIP])
@pytest.mark.parametrize(("bought_wan", "expected", "yuan", "percent"), [
    (AT, ShareStatus.MET, "2000.00", "20.00"),
    (JUST_UNDER, ShareStatus.BELOW, "1999.99", "19.99"),  # 19.9999%: shown cut down, never as 20.00 beside 未达标
    (JUST_OVER, ShareStatus.MET, "2000.01", "20.00"),
])
def test_share_is_met_at_the_minimum_and_missed_one_fen_below(registry, purpose, bought_wan, expected, yuan,
                                                              percent):
    field = {Purpose.SISONG: "sisong", Purpose.HOLIDAY: "holiday", Purpose.HARDSHIP: "hardship"}[purpose]
    spending("汝州市", "2020-01:2020-12", **{field: "10000"}, members=100)
    purchases("汝州市", "2020-01:2020-10", (purpose, bought_wan))
    check = next(s for s in row("汝州市", "2020-01:2020-12").shares if s.purpose == purpose)
    assert check.status == expected
    assert check.spending_fen == 1_000_000
    shown = share_json(check)
    assert (shown["poverty_yuan"], shown["share_percent"], shown["min_share_percent"]) == (yuan, percent, "20.00")


def test_each_purpose_is_judged_on_its_own(registry):
    spending("郏县", "2020-01:2020-12", sisong="50000", holiday="100000", hardship="8000", members=100)
    purchases("郏县", "2020-01:2020-12", (Purpose.SISONG, "1.2"), (Purpose.HOLIDAY, "1.5"),
              (Purpose.HARDSHIP, "0.16"))
    result = {s.purpose: s.status for s in row("郏县", "2020-01:2020-12").shares}
    assert result == {Purpose.SISONG: ShareStatus.MET, Purpose.HOLIDAY: ShareStatus.BELOW,
                      Purpose.HARDSHIP: ShareStatus.MET}


def test_a_unit_that_meets_a_share_is_shown_as_using_the_rule(registry):
    spending("宝丰县", "2020-01:2020-12", sisong="10000", members=50)
    purchases("宝丰县", "2020-01:2020-12", (Purpose.SISONG, "0.3"))
    unit = row("宝丰县", "2020-01:2020-12")
    assert "四送采购扶贫产品" in unit.uses


def test_a_purpose_with_no_spending_is_not_judged(registry):
    spending("鲁山县", "2020-01:2020-12", holiday="0", members=80)
    statuses = {s.status for s in row("鲁山县", "2020-01:2020-12").shares}
    assert statuses == {ShareStatus.NO_SPENDING}


def test_purchases_above_the_reported_spending_ask_for_a_check_rather_than_pass(registry):
    spending("叶县", "2020-01:2020-12", hardship="1000", members=80)
    purchases("叶县", "2020-01:2020-12", (Purpose.HARDSHIP, "0.5"))
    unit = row("叶县", "2020-01:2020-12")
    check = next(s for s in unit.shares if s.purpose == Purpose.HARDSHIP)
    assert check.status == ShareStatus.INCONSISTENT
    assert "困难职工慰问：扶贫采购额大于上报支出，请核实" in unit.missing


def test_excluded_lines_and_unsubmitted_reports_do_not_count_towards_the_share(registry):
    from fupin.reporting.exclusions import line_exclude
    from fupin.units.people import system_user

    spending("新华区", "2020-01:2020-12", sisong="10000", members=40)
    submission = purchases("新华区", "2020-01:2020-06", (Purpose.SISONG, "0.2"))
    line_exclude(line=submission.lines.get(), by=system_user(), reason="非消费项目")
    purchases("新华区", "2020-07:2020-12", (Purpose.SISONG, "0.2"), status="draft")
    check = row("新华区", "2020-01:2020-12").shares[0]
    assert check.poverty_fen == 0 and check.status == ShareStatus.BELOW
