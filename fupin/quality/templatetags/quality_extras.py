from django import template

from fupin.core.money import wan_display

register = template.Library()


@register.filter
def wan(fen) -> str:
    """分 → 万元, two places, rounded half up (the one display rule)."""
    return wan_display(int(fen or 0))
