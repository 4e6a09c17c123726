"""Cell values as office people type them → what the ledger stores. A bad value raises CellError (a Chinese
message from messages.py); anything the parser changed on the way is reported back as a warning by the caller."""

import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from fupin.core.errors import UserError
from fupin.core.money import tons_to_grams, wan_to_fen, yuan_to_fen
from fupin.core.periods import Period
from fupin.ingest import messages as msg
from fupin.reporting.validation import AMOUNT_MAX_FEN, month_in_period, period_cn

WAN, YUAN = "万元", "元"
MAX_FEN = AMOUNT_MAX_FEN  # the one ceiling a line (1亿元), the validator's
EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 is 1900-01-01 in Excel's (Lotus-compatible) counting
# Tons per unit a quantity may be written in; longer names first, so that 公斤 is not read as 斤.
WEIGHT_UNITS = (("千克", Decimal("0.001")), ("公斤", Decimal("0.001")), ("kg", Decimal("0.001")),
                ("吨", Decimal(1)), ("t", Decimal(1)), ("斤", Decimal("0.0005")), ("克", Decimal("0.000001")),
                ("g", Decimal("0.000001")))


class CellError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def is_blank(value) -> bool:
    return value is None or value == "" or (type(value) is str and not value.strip())


def cell_text(value) -> str:
    """A cell as the text a person sees: 12.0 → "12", dates in ISO, surrounding spaces gone."""
    if value is None:
        return ""
    if type(value) is str:
        return value.strip()
    if isinstance(value, float):
        return format(float_decimal(value), "f") if value == value and abs(value) != float("inf") else str(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def float_decimal(value: float) -> Decimal:
    """Exact decimal of a number a spreadsheet gave as a float: through its shortest text, never its binary value.
    Excel keeps 15 significant digits, so noise beyond them (0.30000000000000004 from a formula) is dropped."""
    result = Decimal(str(value))
    if len(result.as_tuple().digits) > 15:
        result = Decimal(format(value, ".15g"))
    return result.normalize() if result == result.to_integral_value() else result


def _number_text(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).strip()
    for mark in ("¥", "￥", ",", " ", "\u00a0"):
        text = text.replace(mark, "")
    return text


def _decimal(text: str, error: str) -> Decimal:
    if len(text) > 30 or not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)", text):
        raise CellError(error)
    try:
        return Decimal(text)
    except InvalidOperation:
        raise CellError(error) from None


def parse_amount(value, column_unit: str = WAN) -> int:
    """An amount in 分. Numbers or text ('12.5', '12.50万元', '1,250.00', '￥800元'); a cell's own 元/万元 wins
    over the column's."""
    if is_blank(value):
        raise CellError(msg.AMOUNT_MISSING)
    unit = column_unit
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise CellError(msg.AMOUNT_NOT_NUMBER)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise CellError(msg.AMOUNT_NOT_NUMBER)
        amount = float_decimal(value)
    elif isinstance(value, int | Decimal):
        amount = Decimal(value)
    else:
        text = _number_text(value)
        if text.startswith("="):
            raise CellError(msg.FORMULA_TEXT)
        for suffix, suffix_unit in (("万元", WAN), ("万", WAN), ("元", YUAN)):
            if text.endswith(suffix):
                text, unit = text[: -len(suffix)], suffix_unit
                break
        if text.startswith("(") and text.endswith(")"):  # accountants' negative
            text = "-" + text[1:-1]
        amount = _decimal(text, msg.AMOUNT_NOT_NUMBER)
    if amount < 0:
        raise CellError(msg.AMOUNT_NEGATIVE)
    try:
        fen = wan_to_fen(amount) if unit == WAN else yuan_to_fen(amount)
    except UserError:
        raise CellError(msg.AMOUNT_TOO_FINE) from None
    if fen > MAX_FEN:
        raise CellError(msg.AMOUNT_HUGE)
    return fen


def parse_quantity(value, tons_per_unit: Decimal) -> tuple[int | None, str | None]:
    """(grams, None), or (None, the text as written) when it is not a weight: 10箱 is kept in the note."""
    if is_blank(value):
        return None, None
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        return None, cell_text(value)
    factor = tons_per_unit
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None, cell_text(value)
        number = float_decimal(value)
    elif isinstance(value, int | Decimal):
        number = Decimal(value)
    else:
        text = _number_text(value).lower()
        for suffix, tons in WEIGHT_UNITS:
            if text.endswith(suffix):
                text, factor = text[: -len(suffix)], tons
                break
        try:
            number = _decimal(text, msg.QUANTITY_NOT_NUMBER)
        except CellError:
            return None, value.strip()
    if number < 0:
        raise CellError(msg.QUANTITY_NEGATIVE)
    try:
        return tons_to_grams(number * factor), None
    except UserError:
        raise CellError(msg.QUANTITY_TOO_FINE) from None


_FULL = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_MONTH_DAY = re.compile(r"(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?")
_YEAR_MONTH = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?")
_MONTH = re.compile(r"(\d{1,2})\s*月(?:份)?")
_MONTH_RANGE = re.compile(r"(\d{1,2})\s*月?\s*[-—–~至到]\s*(\d{1,2})\s*月(?:份)?")


def parse_date(value, period: Period) -> date | None:
    """A purchase date within `period`. Month-only text (10月, 2020年10月, 1—10月) checks the month and gives
    None: the text is kept as written. Raises CellError for an impossible date or one outside the period."""
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return _within(value.date(), period)
    if isinstance(value, date):
        return _within(value, period)
    if isinstance(value, bool) or isinstance(value, timedelta):
        raise CellError(msg.DATE_IMPOSSIBLE)
    if isinstance(value, int | float):
        return _within(_serial(value), period)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    text = re.sub(r"\s+\d{1,2}:\d{2}(:\d{2})?$", "", text)  # 2020-10-14 00:00:00
    if m := _FULL.fullmatch(text) or _COMPACT.fullmatch(text):
        return _within(_date(int(m.group(1)), int(m.group(2)), int(m.group(3))), period)
    if m := _MONTH_DAY.fullmatch(text):
        month, day = int(m.group(1)), int(m.group(2))
        return _within(_date(_year_for(month, period), month, day), period)
    if m := _YEAR_MONTH.fullmatch(text):
        _month_within(int(m.group(1)), int(m.group(2)), period)
        return None
    if m := _MONTH.fullmatch(text):
        month = int(m.group(1))
        _month_within(_year_for(month, period), month, period)
        return None
    if m := _MONTH_RANGE.fullmatch(text):
        for month in (int(m.group(1)), int(m.group(2))):
            _month_within(_year_for(month, period), month, period)
        return None
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return _within(_serial(float(text)), period)
    raise CellError(msg.DATE_IMPOSSIBLE)


def _serial(number: float) -> date:
    if number != number or not 1 <= number < 2958466:
        raise CellError(msg.DATE_IMPOSSIBLE)
    if 19000101 <= number <= 21001231 and number == int(number):  # 20201014 typed as a number
        text = str(int(number))
        return _date(int(text[:4]), int(text[4:6]), int(text[6:]))
    return EXCEL_EPOCH + timedelta(days=int(number))


def _date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise CellError(msg.DATE_IMPOSSIBLE) from None


def _year_for(month: int, period: Period) -> int:
    """The year of a month written without one: the period's year in which that month falls."""
    if not 1 <= month <= 12:
        raise CellError(msg.DATE_IMPOSSIBLE)
    for year in range(period.first.year, period.last.year + 1):
        if period.first <= date(year, month, 1) <= period.last:
            return year
    raise CellError(msg.DATE_OUTSIDE.format(period=period_cn(period)))


def _month_within(year: int, month: int, period: Period) -> None:
    if not 1 <= month <= 12:
        raise CellError(msg.DATE_IMPOSSIBLE)
    if not month_in_period(year, month, period):
        raise CellError(msg.DATE_OUTSIDE.format(period=period_cn(period)))


def _within(day: date, period: Period) -> date:
    _month_within(day.year, day.month, period)
    return day
