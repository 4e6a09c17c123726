"""Holiday gifts per member against the annual cap (2000元), and the extra 500元 on the province's poverty farm
products against its window (until 2020-12-31). 100 members: the cap is 200000元, cap plus extra 250000元."""

from datetime import date

import pytest

from fupin.policy.compliance import HolidayStatus, UnitStatus
from fupin.reporting.models import Purpose
from tests.policy.builders import new_rule, purchases, row, spending

YEAR = "2020-01:2020-12"


@pytest.mark.parametrize(("holiday_yuan", "expected"), [
    ("199999.99", HolidayStatus.WITHIN_CAP),
    ("200000.00", HolidayStatus.WITHIN_CAP),
    ("200000.01", HolidayStatus.NOT_COVERED),
])
def test_holiday_spending_at_the_cap_passes_and_one_fen_over_needs_the_extra_rule(registry, holiday_yuan, expected):
    spending("汝州市", YEAR, holiday=holiday_yuan, members=100)
    check = row("汝州市", YEAR).holiday
    assert check.status == expected


def test_one_fen_over_the_cap_is_covered_by_one_fen_of_poverty_farm_products(registry):
    spending("汝州市", YEAR, holiday="200000.01", members=100)
    purchases("汝州市", YEAR, (Purpose.HOLIDAY, "0.000001", "FARM", date(2020, 12, 20)))
    unit = row("汝州市", YEAR)
    assert unit.holiday.status == HolidayStatus.EXTRA_USED
    assert "节日慰问额外额度" in unit.uses


@pytest.mark.parametrize(("holiday_yuan", "expected"), [
    ("249999.99", HolidayStatus.EXTRA_USED),
    ("250000.00", HolidayStatus.EXTRA_USED),
    ("250000.01", HolidayStatus.OVER_EXTRA),
])
def test_the_extra_allowance_is_500_yuan_a_member_at_most(registry, holiday_yuan, expected):
    spending("舞钢市", YEAR, holiday=holiday_yuan, members=100)
    purchases("舞钢市", YEAR, (Purpose.HOLIDAY, "6", "FARM", date(2020, 11, 30)))
    assert row("舞钢市", YEAR).holiday.status == expected


@pytest.mark.parametrize(("bought_wan", "expected"), [  # 29999.99元, 30000元, 30000.01元
    ("2.999999", HolidayStatus.NOT_COVERED), ("3", HolidayStatus.EXTRA_USED), ("3.000001", HolidayStatus.EXTRA_USED)])
def test_spending_over_the_cap_must_be_matched_by_poverty_farm_products(registry, bought_wan, expected):
    spending("郏县", YEAR, holiday="230000", members=100)  # 30000元 over the cap
    purchases("郏县", YEAR, (Purpose.HOLIDAY, bought_wan, "COOP", date(2020, 9, 28)))
    assert row("郏县", YEAR).holiday.status == expected


def test_paired_region_products_do_not_count_towards_the_provincial_extra_allowance(registry):
    spending("宝丰县", YEAR, holiday="230000", members=100)
    purchases("宝丰县", YEAR, (Purpose.HOLIDAY, "5", "PAIR", date(2020, 9, 28)))
    unit = row("宝丰县", YEAR)
    assert unit.holiday.eligible_fen == 0 and unit.holiday.status == HolidayStatus.NOT_COVERED
    assert unit.status == UnitStatus.BREACH


def test_a_purchase_on_the_last_day_of_the_window_counts(registry):
    spending("叶县", YEAR, holiday="230000", members=100)
    purchases("叶县", YEAR, (Purpose.HOLIDAY, "3", "P832", date(2020, 12, 31)))
    assert row("叶县", YEAR).holiday.status == HolidayStatus.EXTRA_USED


def test_after_new_year_2021_the_extra_500_yuan_is_closed(registry):
    spending("叶县", "2021-01:2021-12", holiday="230000", members=100)
    purchases("叶县", "2021-01:2021-03", (Purpose.HOLIDAY, "3", "P832", date(2021, 1, 1)))
    check = row("叶县", "2021-01:2021-12").holiday
    assert check.status == HolidayStatus.WINDOW_CLOSED
    assert check.extra_rule.effective_until == date(2020, 12, 31) and check.eligible_fen == 0


def test_undated_lines_take_the_last_day_of_their_report_for_the_window(registry):
    spending("卫东区", "2021-01:2021-12", holiday="210000", members=100)
    purchases("卫东区", "2021-01", (Purpose.HOLIDAY, "2"))  # no purchase date: 2021-01-31, after the window
    assert row("卫东区", "2021-01:2021-12").holiday.status == HolidayStatus.WINDOW_CLOSED


def test_another_provinces_2500_cap_and_one_off_600_window_apply_without_code_changes(registry):
    new_rule("holiday_cap", effective_from=date(2021, 1, 1), amount_yuan="2500")
    new_rule("extra_allowance", effective_from=date(2021, 1, 1), effective_until=date(2021, 2, 28),
             amount_yuan="600")
    spending("湛河区", "2021-01:2021-03", holiday="310000", members=100)  # 600元 over 2500 a member
    purchases("湛河区", "2021-01:2021-03", (Purpose.HOLIDAY, "4", "FARM", date(2021, 2, 28)),
              (Purpose.HOLIDAY, "2", "FARM", date(2021, 3, 1)))
    check = row("湛河区", "2021-01:2021-03").holiday
    assert check.cap_rule.amount_fen == 250_000 and check.allowance_fen == 6_000_000
    assert check.eligible_fen == 4_000_000  # the 3月1日 purchase is outside the window
    assert check.status == HolidayStatus.WINDOW_CLOSED
    spending("石龙区", "2021-01:2021-03", holiday="290000", members=100)
    purchases("石龙区", "2021-01:2021-03", (Purpose.HOLIDAY, "4", "FARM", date(2021, 2, 28)))
    assert row("石龙区", "2021-01:2021-03").holiday.status == HolidayStatus.EXTRA_USED


def test_per_member_amounts_are_exact_in_yuan(registry):
    from fupin.policy.formats import holiday_json

    spending("高新区", YEAR, holiday="200000.01", members=100)
    data = holiday_json(row("高新区", YEAR).holiday, reported=True)
    # 2000.0001元 a member is shown rounded up, so it never reads 2000.00 beside 超过上限
    assert data["holiday_yuan"] == "200000.01" and data["per_member_yuan"] == "2000.01"
    assert data["over_cap_yuan"] == "0.01" and data["over_cap_per_member_yuan"] == "0.01"
    assert data["cap_per_member_yuan"] == "2000.00"
    assert data["extra_per_member_yuan"] == "500.00" and data["extra_allowance_yuan"] == "50000.00"
