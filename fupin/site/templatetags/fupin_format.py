"""Template filters for money and quantities: the display rounding happens here, once."""

from decimal import Decimal, InvalidOperation

from django import template

from fupin.core.money import tons_display, wan_display

register = template.Library()


@register.filter
def wan(fen):
    return wan_display(fen)


@register.filter
def tons(grams):
    return tons_display(grams) or ""


@register.filter
def yuan(text):
    """A 元 figure as pages show it, 12345.67 → 12,345.67 (the places kept as given; JSON and 万元 stay plain)."""
    if text is None or text == "":
        return text
    try:
        return format(Decimal(str(text)), ",f")
    except InvalidOperation:
        return text
