"""Sums in 元 on the policy pages read as an accountant writes them, 12,345.67; the JSON keeps them plain."""

from django.urls import reverse

from fupin.reporting.models import Purpose
from tests.factories import PASSWORD, personas
from tests.policy.builders import purchases, spending

YEAR = "2020-01:2020-12"


def unit_row(html: str, name: str) -> str:
    return html.split(f'data-unit="{name}"')[1].split("</tr>")[0]


def test_sums_in_yuan_are_grouped_by_thousands_on_pages_but_plain_in_json(registry, client):
    spending("叶县", YEAR, sisong="1234567.8", holiday="230000", members=100)
    purchases("叶县", YEAR, (Purpose.SISONG, "30"))
    assert client.login(username=personas().admin.username, password=PASSWORD)
    yexian = unit_row(client.get(reverse("policy:compliance"), {"period": YEAR}).content.decode(), "叶县")
    assert "1,234,567.80" in yexian and "300,000.00" in yexian and "2,300.00" in yexian
    spent = client.get(reverse("policy:spending")).content.decode()
    assert "1,234,567.80" in spent and "230,000.00" in spent
    data = client.get(reverse("policy:compliance_download"), {"period": YEAR}).content.decode()
    assert '"1234567.80"' in data and "1,234,567.80" not in data
