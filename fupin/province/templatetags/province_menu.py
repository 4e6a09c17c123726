"""The menu's link to the province's pages: for the office, once this instance has received a push (a city's
fupin has none, so its menu stays as it was)."""

from django import template
from django.urls import reverse
from django.utils.html import format_html

from fupin.province.ranking import has_receipts
from fupin.units import access

register = template.Library()


@register.simple_tag(takes_context=True)
def province_menu_link(context):
    user = context.get("user")
    if not access.is_office_admin(user) or not has_receipts():
        return ""
    return format_html('<a href="{}" data-testid="menu-province">各市推送</a>', reverse("province:index"))
