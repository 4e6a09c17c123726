"""Template filters for money and quantities: the display rounding happens here, once."""

from django import template

from fupin.core.money import tons_display, wan_display

register = template.Library()


@register.filter
def wan(fen):
    return wan_display(fen)


@register.filter
def tons(grams):
    return tons_display(grams) or ""
