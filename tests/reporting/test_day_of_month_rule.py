"""The deadline rule 鲁山县 uses for its own units: day N of the month, moved to the working day before when that day is
a weekend or a holiday — set per round, on the command line, the rounds and calendar pages, reminders and timeliness."""

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from fupin.core.errors import UserError
from fupin.core.periods import Period
from fupin.reporting.calendar import WorkCalendar
from fupin.reporting.deadlines import period_deadline, rule_deadline
from fupin.reporting.models import DeadlineRule
from fupin.reporting.reminders import reminders_due
from fupin.reporting.rounds import round_open
from tests.factories import PASSWORD, submission_make
from tests.reporting.test_timeliness import timeliness_json

SH = ZoneInfo("Asia/Shanghai")


def cli(*args) -> str:
    out = io.StringIO()
    call_command("calendar", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue().strip()


@pytest.mark.django_db
@pytest.mark.parametrize("period, n, deadline", [
    ("2020-10", 25, "2020-10-23"),  # Sunday 25 October → Friday 23
    ("2020-11", 25, "2020-11-25"),  # a Wednesday: the day itself
    ("2023-01", 25, "2023-01-20"),  # inside 春节 (21—27 January) → Friday 20, the last working day before it
    ("2026-02", 28, "2026-02-28"),  # a Saturday made a working day (调休上班) stays
    ("2021-02", 31, "2021-02-26"),  # no 31 February: the month's last day (Sunday 28) → Friday 26
])
def test_day_n_of_the_month_moves_to_the_working_day_before(period, n, deadline):
    assert cli("deadline", period, "--rule", "day_of_month", "--n", str(n)) == deadline
    assert rule_deadline(Period.parse(period), DeadlineRule.DAY_OF_MONTH, day_of_month=n).isoformat() == deadline


@pytest.mark.django_db
def test_the_rule_without_n_is_refused_in_chinese():
    with pytest.raises(UserError, match="每月第N日.*需要给出N"):
        cli("deadline", "2020-10", "--rule", "day_of_month")
    with pytest.raises(UserError, match="需要给出N"):
        round_open(period=Period.parse("2020-10"), by=None, rule=DeadlineRule.DAY_OF_MONTH)


@pytest.mark.django_db
def test_a_round_set_to_the_25th_is_what_the_command_and_the_calendar_page_show(personas, client):
    assert client.login(username=personas.admin.username, password=PASSWORD)
    response = client.post(reverse("reporting:rounds"), {"period": "2020-10", "rule": "day_of_month",
                                                        "day_of_month": "25", "note": "鲁山县"})
    assert response.status_code == 302
    assert period_deadline(Period.parse("2020-10")).day == date(2020, 10, 23)
    assert cli("deadline", "2020-10") == "2020-10-23"
    rounds = client.get(reverse("reporting:rounds")).content.decode()
    assert "每月第N日（遇休息日提前）（25日）" in rounds and "2020年10月23日" in rounds
    page = client.get(reverse("reporting:calendar") + "?year=2020").content.decode()
    october = page.split("<td>10月</td>")[1].split("</tr>")[0]
    assert "2020年10月30日" in october  # the month's last working day, still shown
    assert "每月第N日（遇休息日提前）（25日）" in october and "2020年10月23日（星期五）" in october


def test_the_round_form_asks_for_n(personas, client):
    assert client.login(username=personas.admin.username, password=PASSWORD)
    response = client.post(reverse("reporting:rounds"), {"period": "2020-10", "rule": "day_of_month"})
    assert response.status_code == 200 and "规则为“每月第N日”时须填写N" in response.content.decode()


def test_timeliness_and_reminders_use_the_25th(personas):
    nov = Period.parse("2020-11")
    round_open(period=nov, by=personas.admin, rule=DeadlineRule.DAY_OF_MONTH, day_of_month=25)
    with time_machine.travel(datetime(2020, 11, 26, 10, tzinfo=SH), tick=False):
        submission_make(personas.unit, "2020-11", amounts=("1.5",), by=personas.admin)
    with time_machine.travel(datetime(2020, 12, 1, 10, tzinfo=SH), tick=False):
        data = timeliness_json("2020-11")
    assert data["deadline"] == "2020-11-25"
    assert [(e["unit"], e["days_late"]) for e in data["late"]] == [(personas.unit.short_name, 1)]
    dues = reminders_due(today=date(2020, 11, 24), calendar=WorkCalendar())
    owed = [d for d in dues.get(personas.other_unit, []) if d.period == nov]
    assert [(d.deadline, d.workdays_left) for d in owed] == [(date(2020, 11, 25), 1)]
