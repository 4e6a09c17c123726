"""The rules speak 元 and percent, the ledger 万元: exact text for each, rounded only where a division makes it
necessary (a share, an amount per member). Comparisons never use these texts, only whole 分.

A rounded figure must not contradict the verdict beside it: a share is cut down (19.9999% shows 19.99, not 20.00,
next to 未达标) and an amount per member rounded up (2000.0001元 shows 2000.01, not 2000.00, next to 超过上限).
Limits are whole 万分之一 and whole 分, so the shown figure reaches the limit exactly when the real one does."""

from decimal import Decimal

from fupin.core.errors import UserError
from fupin.core.money import FEN_PER_YUAN, to_decimal, wan_display

TWO = Decimal("0.01")


def yuan_text(fen: int | None) -> str | None:
    """元 with two places; exact, since a whole 分 is 0.01元."""
    if fen is None:
        return None
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), FEN_PER_YUAN)
    return f"{sign}{whole}.{cents:02d}"


def yuan_plain(fen: int | None) -> str | None:
    """元 for prose: 2000 rather than 2000.00; cents kept when there are any."""
    text = yuan_text(fen)
    return text[:-3] if text is not None and text.endswith(".00") else text


def percent_plain(bp: int | None) -> str | None:
    """A share in 万分之一 for prose: 20 rather than 20.00."""
    return None if bp is None else format((Decimal(bp) / 100).normalize(), "f")


def wan_text(fen: int | None) -> str | None:
    return None if fen is None else wan_display(fen)


def percent_text(numerator: int, denominator: int) -> str | None:
    """numerator / denominator as a percent with two places, cut down; None when the denominator is 0."""
    if not denominator:
        return None
    return bp_percent_text(numerator * 10000 // denominator)


def bp_percent_text(bp: int | None) -> str | None:
    """A share stored in 万分之一 as a percent: 2000 → 20.00."""
    return None if bp is None else str((Decimal(bp) / 100).quantize(TWO))


def per_member_yuan_text(fen: int, members: int) -> str | None:
    """元 per member with two places, rounded up; None without members."""
    if not members:
        return None
    return yuan_text(-(-fen // members))


def percent_to_bp(value) -> int:
    """20 / "20.5" / Decimal("33.33") percent → 万分之一, exactly; finer than 0.01% is refused."""
    bp = to_decimal(value, what="比例") * 100
    if bp != bp.to_integral_value():
        raise UserError(f"比例精度超过0.01%：{value}%")
    if not 0 <= bp <= 10000:
        raise UserError(f"比例应在0到100之间：{value}%")
    return int(bp)
