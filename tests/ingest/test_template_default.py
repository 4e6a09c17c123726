"""Issue 15: the template download opened on an old, approved period (January to the latest reported month of the
latest year). It now opens on the period the person most likely fills now: the office's open round, else last
month while the unit has not reported it, else this month."""

import io
import os
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from fupin.core.periods import Period
from fupin.reporting.models import DeadlineRule
from fupin.reporting.rounds import round_open
from fupin.reporting.services import submission_approve
from tests.factories import PASSWORD, personas, submission_make

SH = ZoneInfo("Asia/Shanghai")


def at(text: str):
    return time_machine.travel(datetime.fromisoformat(text).replace(tzinfo=SH), tick=False)


@pytest.fixture
def people(db):
    call_command("init", verbosity=0, stdout=open(os.devnull, "w"))
    people = personas()
    # Last year's cumulative report, approved long ago: what the old default opened on.
    old = submission_make(people.unit, "2020-01:2020-10", amounts=("12.5", "3"), status="submitted")
    submission_approve(submission=old, by=people.admin)
    return people


def template_period(client) -> str:
    html = client.get(reverse("ingest:index")).content.decode()
    form = html[html.index('action="' + reverse("ingest:template")):]
    return re.search(r'name="period" value="([^"]*)"', form).group(1)


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_the_template_opens_on_last_month_while_the_unit_has_not_reported_it(people, client):
    login(client, people.reporter)
    with at("2021-03-03T09:00"):
        assert template_period(client) == "2021-02"
        submission_make(people.unit, "2021-02", amounts=("0.8",), status="submitted")
        assert template_period(client) == "2021-03"


def test_the_template_opens_on_the_offices_open_round(people, client):
    round_open(period=Period.parse("2021-01:2021-03"), by=people.admin, rule=DeadlineRule.FIXED,
               fixed_date=date(2021, 4, 9))
    login(client, people.reporter)
    with at("2021-03-30T09:00"):
        assert template_period(client) == "2021-01:2021-03"


def test_a_returned_report_is_still_to_fill(people, client):
    login(client, people.reporter)
    with at("2021-03-03T09:00"):
        from fupin.reporting.services import submission_return

        sent = submission_make(people.unit, "2021-02", amounts=("0.8",), status="submitted")
        submission_return(submission=sent, by=people.admin, reason="金额单位应为万元，请核对后重报")
        assert template_period(client) == "2021-02"


def test_the_download_without_a_period_gives_the_period_to_fill(people, client):
    login(client, people.reporter)
    with at("2021-03-03T09:00"):
        response = client.get(reverse("ingest:template") + f"?unit={people.unit.pk}")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["填报"]
    assert sheet["D2"].value == "统计期间：2021-02" and "2021年2月" in sheet["A1"].value
