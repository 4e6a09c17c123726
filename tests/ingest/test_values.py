"""Cell values as office people type them."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from fupin.core.periods import Period
from fupin.ingest import messages as msg
from fupin.ingest.layout import header_field
from fupin.ingest.values import YUAN, CellError, parse_amount, parse_date, parse_quantity

OCT = Period.parse("2020-01:2020-10")


@pytest.mark.parametrize("value, fen", [
    (12.5, 12_500_000), ("12.5", 12_500_000), ("12.50万元", 12_500_000), ("１２．５", 12_500_000),
    ("1,250.00", 1_250_000_000), (" 4.694 ", 4_694_000), ("800元", 80_000), ("￥800元", 80_000), (35.28, 35_280_000),
    (0.1 + 0.2, 300_000), (12, 12_000_000), ("12.5万", 12_500_000), (Decimal("0.000001"), 1),
])
def test_amounts_as_numbers_or_text_become_exact_fen(value, fen):
    assert parse_amount(value) == fen


def test_a_yuan_column_is_converted_to_fen_exactly():
    assert parse_amount(1250, YUAN) == 125_000 and parse_amount("1,250.05", YUAN) == 125_005
    assert parse_amount("1.5万元", YUAN) == 1_500_000  # the cell's own unit wins


@pytest.mark.parametrize("value, message", [
    ("abc", msg.AMOUNT_NOT_NUMBER), (None, msg.AMOUNT_MISSING), ("  ", msg.AMOUNT_MISSING),
    (-3, msg.AMOUNT_NEGATIVE), ("(5.00)", msg.AMOUNT_NEGATIVE), ("1.0000001", msg.AMOUNT_TOO_FINE),
    ("=SUM(G3:G9)", msg.FORMULA_TEXT), (True, msg.AMOUNT_NOT_NUMBER), (float("nan"), msg.AMOUNT_NOT_NUMBER),
    ("1e5", msg.AMOUNT_NOT_NUMBER), ("9" * 40, msg.AMOUNT_NOT_NUMBER), (date(2020, 1, 1), msg.AMOUNT_NOT_NUMBER),
    ("1.2.3", msg.AMOUNT_NOT_NUMBER),
])
def test_bad_amounts_are_refused_with_a_reason(value, message):
    with pytest.raises(CellError) as caught:
        parse_amount(value)
    assert caught.value.message == message


@pytest.mark.parametrize("value, expected", [
    ("2020-10-14", date(2020, 10, 14)), ("2020/10/14", date(2020, 10, 14)), ("2020年10月14日", date(2020, 10, 14)),
    ("10月14日", date(2020, 10, 14)), (44118, date(2020, 10, 14)), (44118.0, date(2020, 10, 14)),
    ("20201014", date(2020, 10, 14)),
    (datetime(2020, 10, 14, 9, 30), date(2020, 10, 14)),  # noqa: DTZ001 - spreadsheets hold naive times
    ("2020.10.14", date(2020, 10, 14)), ("2020-10-14 00:00:00", date(2020, 10, 14)), ("10月", None),
    ("1—10月", None), ("2020年3月", None), (None, None), ("２０２０年１０月１４日", date(2020, 10, 14)),
])
def test_dates_as_office_people_type_them(value, expected):
    assert parse_date(value, OCT) == expected


def test_a_month_and_day_take_the_year_of_the_period_that_holds_them():
    winter = Period.parse("2020-11:2021-02")
    assert parse_date("1月5日", winter) == date(2021, 1, 5)
    assert parse_date("12月5日", winter) == date(2020, 12, 5)


@pytest.mark.parametrize("value, message", [
    ("2020-02-30", msg.DATE_IMPOSSIBLE), ("2020-13-01", msg.DATE_IMPOSSIBLE), ("十月中旬", msg.DATE_IMPOSSIBLE),
    ("2020-11-03", "采购时间不在报表期间（2020年1—10月）内"), ("11月3日", "采购时间不在报表期间（2020年1—10月）内"),
    (-5, msg.DATE_IMPOSSIBLE), (True, msg.DATE_IMPOSSIBLE),
])
def test_impossible_dates_and_dates_outside_the_period_are_refused(value, message):
    with pytest.raises(CellError) as caught:
        parse_date(value, OCT)
    assert caught.value.message == message


@pytest.mark.parametrize("value, tons, grams, as_written", [
    (1.5, Decimal(1), 1_500_000, None), ("500公斤", Decimal(1), 500_000, None), (500, Decimal("0.001"), 500_000, None),
    ("200斤", Decimal(1), 100_000, None), ("10箱", Decimal(1), None, "10箱"), (None, Decimal(1), None, None),
    ("3千克", Decimal(1), 3_000, None), ("2吨", Decimal("0.001"), 2_000_000, None),
])
def test_quantities_become_grams_and_non_weights_are_kept_as_written(value, tons, grams, as_written):
    assert parse_quantity(value, tons) == (grams, as_written)


@pytest.mark.parametrize("text, field", [
    ("单位名称", "unit"), ("金额（单位：万元）", "amount"), ("金额\n(万元)", "amount"), ("采购金额（元）", "amount"),
    ("产品来源\n（采购渠道）", "source"), ("采购渠道", "source"), ("来源", "source"), ("品名", "product"),
    ("采购方式", "method"), ("方式", "method"), ("采购时间", "date"), ("日期", "date"), ("数量 (单位：吨)", "quantity"),
    ("合计 (单位：万元)", "subtotal"), ("消费类型", "consumption_type"), ("用途", "purpose"), ("备注", "note"),
    ("单 位", "unit"), ("姓名", None), ("", None),
])
def test_header_words_name_their_column(text, field):
    assert header_field(text) == field
