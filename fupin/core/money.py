"""Money is stored as whole 分 (fen), handled as Decimal, shown in 万元 rounded half up once, at display."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from fupin.core.errors import UserError

FEN_PER_WAN = 1_000_000  # 1万元 = 10000元 = 1000000分
FEN_PER_YUAN = 100
GRAMS_PER_TON = 1_000_000
TWO_PLACES = Decimal("0.01")


def to_decimal(value, *, what: str = "金额") -> Decimal:
    """Accept int, Decimal, str, or a float from a spreadsheet reader (converted through str, never binary)."""
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, bool):
        raise UserError(f"{what}不是数字：{value}")
    elif isinstance(value, int | float):
        result = Decimal(str(value))
    elif isinstance(value, str):
        text = value.strip().replace(",", "").replace("，", "")
        try:
            result = Decimal(text)
        except InvalidOperation:
            raise UserError(f"{what}不是数字：{value}") from None
    else:
        raise UserError(f"{what}不是数字：{value}")
    if not result.is_finite():
        raise UserError(f"{what}不是数字：{value}")
    return result


def wan_to_fen(value) -> int:
    """万元 → 分, exactly. More than six decimal places of 万元 is finer than a fen and is refused."""
    fen = to_decimal(value) * FEN_PER_WAN
    if fen != fen.to_integral_value():
        raise UserError(f"金额精度超过1分：{value}万元")
    return int(fen)


def yuan_to_fen(value) -> int:
    fen = to_decimal(value) * FEN_PER_YUAN
    if fen != fen.to_integral_value():
        raise UserError(f"金额精度超过1分：{value}元")
    return int(fen)


def fen_to_wan(fen: int) -> Decimal:
    """Exact 万元 value of a fen amount (no rounding)."""
    return (Decimal(fen) / FEN_PER_WAN).normalize() if fen else Decimal(0)


def wan_display(fen: int | None) -> str:
    """The one place money is rounded: 万元 with 2 places, half up (四舍五入)."""
    if fen is None:
        return ""
    return str((Decimal(fen) / FEN_PER_WAN).quantize(TWO_PLACES, rounding=ROUND_HALF_UP))


def wan_exact(fen: int) -> str:
    """万元 as a plain decimal string with as many places as needed (4.694, 35.28, 0)."""
    value = fen_to_wan(fen)
    text = format(value, "f")
    return text


def tons_to_grams(value) -> int:
    grams = to_decimal(value, what="数量") * GRAMS_PER_TON
    if grams != grams.to_integral_value():
        raise UserError(f"数量精度超过1克：{value}吨")
    return int(grams)


def tons_display(grams: int | None) -> str | None:
    if grams is None:
        return None
    return format((Decimal(grams) / GRAMS_PER_TON).normalize(), "f") if grams else "0"
