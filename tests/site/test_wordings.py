"""Defaults and wordings that misled the office (issue 15, item 8): each as a person meets it on a page."""

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.urls import reverse

from fupin.reporting.models import PurchaseLine, Submission
from fupin.units.selectors import unit_find
from tests.factories import PASSWORD, submission_make

SH = ZoneInfo("Asia/Shanghai")
SEED = "2020-01:2020-10"


def logged_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def seed_submission(unit: str) -> Submission:
    return Submission.objects.get(unit=unit_find(unit), first_month__month=1, last_month__month=10)


def test_confirming_a_channel_names_it_in_chinese_not_by_its_code(client, personas):
    line = PurchaseLine.objects.filter(submission__unit=unit_find("宝丰"), source_text="扶贫产品").get()
    response = logged_in(client, personas.admin).post(
        reverse("quality:line_channel", args=[line.pk]), {"code": "FAIR"}, follow=True)
    page = response.content.decode()
    assert "“扶贫产品”归入“产销对接会”，共" in page and "归入FAIR" not in page


def test_the_findings_page_links_back_to_its_report(client, personas):
    sub = seed_submission("叶县")
    page = logged_in(client, personas.admin).get(reverse("quality:submission", args=[sub.pk])).content.decode()
    back = reverse("reporting:submission", kwargs={"unit_id": sub.unit_id, "period": SEED})
    assert f'href="{back}"' in page and "返回" in page


def test_after_unlocking_the_office_finds_the_edit_links_on_the_report(client, personas):
    sub = seed_submission("叶县")
    url = reverse("reporting:submission", kwargs={"unit_id": sub.unit_id, "period": SEED})
    office = logged_in(client, personas.admin)
    assert office.post(reverse("reporting:unlock", kwargs={"unit_id": sub.unit_id, "period": SEED}),
                       {"reason": "叶县来电更正第2行金额"}).status_code == 302
    page = office.get(url).content.decode()
    line = sub.lines.order_by("position").first()
    assert f'href="{reverse("reporting:line_edit", args=[line.pk])}"' in page
    assert 'data-testid="line-form"' in page
    # The unit itself still may not change a report waiting for the office.
    client.logout()
    unit_page = logged_in(client, personas.reporter).get(url).content.decode()
    assert reverse("reporting:line_edit", args=[line.pk]) not in unit_page


def test_timeliness_opens_on_the_latest_round_already_due_not_the_open_month(client, personas):
    with time_machine.travel(datetime(2020, 11, 27, 10, tzinfo=SH), tick=False):
        submission_make(personas.unit, "2020-11", by=personas.admin)
        # 27 November: November is due on the 30th, so the page opens on October (due 30 October).
        page = logged_in(client, personas.admin).get(reverse("reporting:timeliness")).content.decode()
    assert 'value="2020-10"' in page and "2020年10月报送及时情况" in page
    with time_machine.travel(datetime(2020, 12, 1, 9, tzinfo=SH), tick=False):
        page = client.get(reverse("reporting:timeliness")).content.decode()
    assert 'value="2020-11"' in page


def test_an_empty_month_has_no_month_on_month_change_and_no_ranks(client, personas):
    submission_make(personas.unit, "2020-11", amounts=("2",), by=personas.admin)
    office = logged_in(client, personas.admin)
    december = office.get(reverse("insights:dashboard"), {"period": "2020-12"}).content.decode()
    assert "-100.0%" not in december and 'data-testid="mom"' not in december
    table = december.split('data-testid="ranking-table"')[1].split("</table>")[0]
    assert '<td class="num">1</td>' not in table and table.count('<td class="num">—</td>') >= 29
    november = office.get(reverse("insights:dashboard"), {"period": "2020-11"}).content.decode()
    ranks = november.split('data-testid="ranking-table"')[1].split("</table>")[0]
    assert '<td class="num">1</td>' in ranks  # a month with reports still ranks its units
