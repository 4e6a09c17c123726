"""Other provinces' standards work purely as data: the office switches the Henan defaults off (在用) and enters its
own. Each limit is checked at, one fen under and one fen over; the texts say the province's figures, not 20/2000/500.
100 members throughout."""

from datetime import date

import pytest

from fupin.core.periods import Period
from fupin.policy.compliance import HolidayStatus, ShareStatus
from fupin.policy.models import Rule
from fupin.policy.summary import compliance_summary
from fupin.reporting.models import Purpose
from tests.policy.builders import new_rule, purchases, row, spending

YEAR = "2020-01:2020-12"
START = date(2020, 1, 1)


@pytest.fixture
def province_a(registry):
    """30% share and a 2200元 annual cap, no extra allowance."""
    Rule.objects.update(active=False)
    new_rule("share_min", effective_from=START, min_share_percent="30")
    new_rule("holiday_cap", effective_from=START, amount_yuan="2200")


@pytest.fixture
def province_b(registry):
    """A 2500元 cap plus a one-off 600元 on the province's poverty farm products, usable until 2021-02-28."""
    Rule.objects.update(active=False)
    new_rule("holiday_cap", effective_from=START, amount_yuan="2500")
    new_rule("extra_allowance", effective_from=START, effective_until=date(2021, 2, 28), amount_yuan="600",
             exclude_channels=["PAIR"])


@pytest.mark.parametrize(("bought_wan", "expected"), [
    ("0.3", ShareStatus.MET), ("0.299999", ShareStatus.BELOW), ("0.300001", ShareStatus.MET)])
def test_a_30_percent_share_at_and_either_side_of_its_limit(province_a, bought_wan, expected):
    spending("汝州市", YEAR, sisong="10000", members=100)
    purchases("汝州市", YEAR, (Purpose.SISONG, bought_wan))
    check = row("汝州市", YEAR).shares[0]
    assert (check.status, check.rule.min_share_bp) == (expected, 3000)


@pytest.mark.parametrize(("holiday_yuan", "expected"), [
    ("220000.00", HolidayStatus.WITHIN_CAP), ("219999.99", HolidayStatus.WITHIN_CAP),
    ("220000.01", HolidayStatus.OVER_CAP)])
def test_a_2200_yuan_cap_without_extra_allowance(province_a, holiday_yuan, expected):
    spending("舞钢市", YEAR, holiday=holiday_yuan, members=100)
    check = row("舞钢市", YEAR).holiday
    assert check.status == expected and check.extra_rule is None


@pytest.mark.parametrize(("holiday_yuan", "expected"), [
    ("250000.00", HolidayStatus.WITHIN_CAP), ("249999.99", HolidayStatus.WITHIN_CAP),
    ("250000.01", HolidayStatus.EXTRA_USED),
    ("310000.00", HolidayStatus.EXTRA_USED), ("309999.99", HolidayStatus.EXTRA_USED),
    ("310000.01", HolidayStatus.OVER_EXTRA)])
def test_a_2500_yuan_cap_plus_600_at_and_either_side_of_both_limits(province_b, holiday_yuan, expected):
    spending("郏县", YEAR, holiday=holiday_yuan, members=100)
    purchases("郏县", YEAR, (Purpose.HOLIDAY, "6", "FARM", date(2020, 12, 20)))
    assert row("郏县", YEAR).holiday.status == expected


def rules_paragraph() -> str:
    spending("叶县", YEAR, sisong="10000", holiday="1000", members=100)
    return compliance_summary(period=Period.parse(YEAR)).paragraphs[0]


def test_the_circular_states_province_a_figures(province_a):
    text = rules_paragraph()
    assert "不低于30%" in text and "不超过2200元" in text and "20%" not in text and "2000元" not in text
    assert "可再按" not in text


def test_the_circular_states_province_b_figures(province_b):
    text = rules_paragraph()
    assert "不超过2500元" in text and "每人不超过600元" in text and "截至2021年2月28日" in text
    assert "不超过2000元" not in text and "不超过500元" not in text and "不低于" not in text
