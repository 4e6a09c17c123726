"""One validator for a purchase line: the web form, the import and the API all ask it, so a line gets the same
decision and the same Chinese message whichever way it came in (the tests assert on these constants).

Two parts. The ledger's hard rules live here (amount and quantity within their ceilings and to the fen and gram,
the purchase date inside the report's period, the fields a line cannot do without): a 错误 refuses the line.
Judgements about what a line means (元 typed into the 万元 column, not consumption at all, which channel) belong to
`quality`, which reporting never imports: quality registers a judge at app ready (`judge_register`), and the judges'
checks come back here with theirs. Severities: 错误 refuses; 警告 lets the line in, but the report goes up only
with a 上报说明 on it (or the office excludes it with a reason); 提示 informs.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from fupin.core.errors import UserError
from fupin.core.money import FEN_PER_WAN, GRAMS_PER_TON
from fupin.core.periods import Period

ERROR, WARNING, NOTE = "错误", "警告", "提示"

# One ceiling a line, whichever way it comes in: 1亿元 (10000万元). Ten thousand such lines still sum to 10^14 分,
# far inside a 64-bit integer, so SUM cannot overflow on SQLite (which raises past int64) or PostgreSQL.
AMOUNT_MAX_WAN = Decimal(10000)
AMOUNT_MAX_FEN = int(AMOUNT_MAX_WAN * FEN_PER_WAN)
AMOUNT_PLACES = 6  # 万元 to the fen
QUANTITY_MAX_TONS = Decimal(100000)  # 10万吨 on one line is beyond any union's purchase
QUANTITY_MAX_G = int(QUANTITY_MAX_TONS * GRAMS_PER_TON)
QUANTITY_PLACES = 6  # 吨 to the gram
STEP = "0.000001"  # the browser's step for both, from the places above

AMOUNT_MISSING = "缺少金额"
AMOUNT_NOT_NUMBER = "金额不是数字"
AMOUNT_NEGATIVE = "金额不能为负数"
AMOUNT_TOO_FINE = "金额精度超过1分"
AMOUNT_OVER_CEILING = "金额超过每行上限10000万元（1亿元），请核实单位（万元/元）"
QUANTITY_NOT_NUMBER = "数量不是数字"
QUANTITY_NEGATIVE = "数量不能为负数"
QUANTITY_TOO_FINE = "数量精度超过1克"
QUANTITY_OVER_CEILING = "数量超过每行上限100000吨（10万吨），请核实单位（吨/公斤）"
SOURCE_MISSING = "缺少产品来源"
METHOD_MISSING = "缺少采购方式（应为线上或线下）"
METHOD_UNKNOWN = "采购方式应为“线上”或“线下”"
DATE_IMPOSSIBLE = "采购时间不是有效日期"
DATE_OUTSIDE = "采购时间不在报表期间（{period}）内"
LINE_REFUSED = "明细未保存：{reasons}"


@dataclass(frozen=True)
class Check:
    """What the validator says about one field of a line. `field` is the ingest/form-neutral name: amount,
    quantity, date, source, method, product, note ('' for the whole line)."""

    severity: str
    rule: str
    field: str
    message: str


class LineRefused(UserError):
    """A line with a 错误: the caller shows each check beside its field (form) or in its cell (import)."""

    def __init__(self, checks: list[Check]):
        super().__init__(LINE_REFUSED.format(reasons="；".join(c.message for c in checks)),
                         details=[c.message for c in checks])
        self.checks = checks


def period_cn(period: Period) -> str:
    """2020年1—10月; a period across years already names them."""
    label = period.label()
    return label if period.first.year != period.last.year else f"{period.first.year}年{label}"


def _last_day(period: Period) -> date:
    first = period.last
    following = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def date_bounds(period: Period) -> tuple[date, date]:
    """First and last day a purchase date may take (the form's min and max)."""
    return period.first, _last_day(period)


def month_in_period(year: int, month: int, period: Period) -> bool:
    return period.first <= date(year, month, 1) <= period.last


def amount_from_text(text) -> int:
    """万元 as typed in a form (or given to the API) → 分; raises LineRefused with the one message."""
    value = _decimal(text, AMOUNT_MISSING, AMOUNT_NOT_NUMBER, "amount")
    return fen_of_wan(value)


def fen_of_wan(value: Decimal) -> int:
    fen = value * FEN_PER_WAN
    if fen != fen.to_integral_value():
        raise LineRefused([Check(ERROR, "amount_invalid", "amount", AMOUNT_TOO_FINE)])
    return int(fen)


def grams_from_text(text) -> int | None:
    """吨 as typed → grams (None when blank)."""
    if text is None or not str(text).strip():
        return None
    value = _decimal(text, "", QUANTITY_NOT_NUMBER, "quantity")
    grams = value * GRAMS_PER_TON
    if grams != grams.to_integral_value():
        raise LineRefused([Check(ERROR, "quantity_invalid", "quantity", QUANTITY_TOO_FINE)])
    return int(grams)


def _decimal(text, missing: str, bad: str, field: str) -> Decimal:
    raw = str(text if text is not None else "").strip().replace(",", "").replace("，", "")
    if not raw:
        raise LineRefused([Check(ERROR, f"{field}_invalid", field, missing)])
    try:
        value = Decimal(raw) if len(raw) <= 30 else None
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise LineRefused([Check(ERROR, f"{field}_invalid", field, bad)])
    return value


def value_checks(line, *, period: Period | None) -> list[Check]:
    """The rules that keep the ledger sound, applied to every stored line (bulk stores included)."""
    found = []
    if line.amount_fen < 0:
        found.append(Check(ERROR, "amount_invalid", "amount", AMOUNT_NEGATIVE))
    elif line.amount_fen > AMOUNT_MAX_FEN:
        found.append(Check(ERROR, "amount_ceiling", "amount", AMOUNT_OVER_CEILING))
    if line.quantity_g is not None:
        if line.quantity_g < 0:
            found.append(Check(ERROR, "quantity_invalid", "quantity", QUANTITY_NEGATIVE))
        elif line.quantity_g > QUANTITY_MAX_G:
            found.append(Check(ERROR, "quantity_ceiling", "quantity", QUANTITY_OVER_CEILING))
    day = line.purchase_date
    if period is not None and day is not None and not month_in_period(day.year, day.month, period):
        found.append(Check(ERROR, "date_outside", "date", DATE_OUTSIDE.format(period=period_cn(period))))
    return found


def entry_checks(line, *, period: Period | None) -> list[Check]:
    """The value rules and the fields a person entering a line must give (form, import, API)."""
    found = value_checks(line, period=period)
    if not line.source_text.strip():
        found.append(Check(ERROR, "source_missing", "source", SOURCE_MISSING))
    if not line.method:
        found.append(Check(ERROR, "method_invalid", "method",
                           METHOD_UNKNOWN if line.method_text.strip() else METHOD_MISSING))
    return found


# Judges registered by apps reporting may not import (quality). A factory is called once per validator, so that
# what a judge loads (keywords, the classifier) is loaded once per request or file, not once per line.
JudgeFactory = Callable[[], Callable[[object], list[Check]]]
_JUDGE_FACTORIES: dict[str, JudgeFactory] = {}


def judge_register(name: str, factory: JudgeFactory) -> None:
    _JUDGE_FACTORIES[name] = factory


class LineValidator:
    """Build once per request or file; `check` each line. Judges may fill what they are sure of (the channel)."""

    def __init__(self, *, period: Period | None, fill_defaults: bool = False):
        self.period = period
        self.judges = [factory() for factory in _JUDGE_FACTORIES.values()]
        # With fill_defaults, judges also write what the listeners of `submission_saved` would fill in after the
        # store (quality: the consumption type), so that they find nothing left to change, line by line.
        self.fillers = [judge.defaults_fill for judge in self.judges
                        if fill_defaults and hasattr(judge, "defaults_fill")]

    def check(self, line) -> list[Check]:
        found = entry_checks(line, period=self.period)
        for judge in self.judges:
            found += judge(line)
        for fill in self.fillers:
            fill(line)
        return found

    def refuse_errors(self, line) -> list[Check]:
        """The line's checks; raises LineRefused when any is a 错误."""
        found = self.check(line)
        errors = [c for c in found if c.severity == ERROR]
        if errors:
            raise LineRefused(errors)
        return found


def line_validate(line, *, period: Period | None) -> list[Check]:
    """One line, with a fresh validator (the form, the API)."""
    return LineValidator(period=period).refuse_errors(line)
