"""Timeliness per round: every active unit on time, late (working days, reminders) or missing — JSON and page."""

import io
import json
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from fupin.core.periods import Period
from fupin.reporting import services
from fupin.reporting.models import Channel
from fupin.reporting.reminders import reminder_log
from fupin.units.selectors import reporting_units, unit_find
from tests.factories import PASSWORD, submission_make
from tests.reporting.test_workflow import line

SH = ZoneInfo("Asia/Shanghai")
NOV = Period.parse("2020-11")
TEN_ON_TIME = {"舞钢市", "叶县", "湛河区", "卫东区", "热电公司", "热力集团", "平顶山发电分公司", "江河机械", "姚电公司",
               "舞钢公司"}


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SH)


def timeliness_json(period: str) -> dict:
    out = io.StringIO()
    call_command("report", "timeliness", "--period", period, "--json", stdout=out)
    return json.loads(out.getvalue())


def call(unit, when: str, channel=Channel.PHONE, by=None):
    reminder_log(unit=unit, period=NOV, channel=channel, by=by, to_whom="办公室", outcome="答应尽快上报",
                 at=moment(when))


@pytest.fixture
def november(personas):
    """November 2020, due Monday 30 November: 25 units on time on the 27th, 叶县 through sign-off on the 30th,
    舞钢市 a zero report that evening, 汝州市 two days late after three reminders, 舞阳铁矿 missing after five."""
    p = personas
    special = {"叶县", "舞钢市", "汝州市", "舞阳铁矿"}
    with time_machine.travel(moment("2020-11-27 10:00"), tick=False):
        for unit in reporting_units():
            if unit.short_name not in special:
                submission_make(unit, "2020-11", amounts=("0.8", "1.25"), by=p.admin)
    with time_machine.travel(moment("2020-11-30 17:30"), tick=False):
        sub = services.submission_start(unit=p.unit, period=NOV, by=p.reporter)
        services.line_add(submission=sub, data=line("3.3"), by=p.reporter)
        services.submission_sign_off(submission=sub, by=p.approver)
        services.submission_submit(submission=sub, by=p.reporter)
    with time_machine.travel(moment("2020-11-30 18:05"), tick=False):
        services.submission_create(unit=p.other_unit, period=NOV, lines=[], by=p.outsider, status="submitted")
    ruzhou, wuyang = unit_find("汝州市"), unit_find("舞阳铁矿")
    call(ruzhou, "2020-11-30 16:00", by=p.admin)
    call(ruzhou, "2020-12-01 09:00", Channel.MESSAGE, by=p.admin)
    call(ruzhou, "2020-12-01 15:00", by=p.admin)
    for when in ("2020-11-30 16:10", "2020-12-01 09:10", "2020-12-02 09:00", "2020-12-03 09:00", "2020-12-04 10:00"):
        call(wuyang, when, by=p.admin)
    with time_machine.travel(moment("2020-12-02 10:00"), tick=False):
        submission_make(ruzhou, "2020-11", amounts=("5",), by=p.admin)
    return p


def test_a_scripted_month_gives_exactly_the_expected_timeliness_as_json(november):
    data = timeliness_json("2020-11")
    assert data["deadline"] == "2020-11-30"
    bulk = [u.short_name for u in reporting_units() if u.short_name not in {"叶县", "舞钢市", "汝州市", "舞阳铁矿"}]
    assert [{"unit": e["unit"], "submitted_at": e["submitted_at"]} for e in data["on_time"]] == (
        [{"unit": name, "submitted_at": "2020-11-27T10:00:00+08:00"} for name in bulk]
        + [{"unit": "叶县", "submitted_at": "2020-11-30T17:30:00+08:00"},
           {"unit": "舞钢市", "submitted_at": "2020-11-30T18:05:00+08:00"}])
    assert [{k: e[k] for k in ("unit", "days_late", "reminders")} for e in data["late"]] == [
        {"unit": "汝州市", "days_late": 2, "reminders": 3}]
    assert [{k: e[k] for k in ("unit", "reminders")} for e in data["missing"]] == [
        {"unit": "舞阳铁矿", "reminders": 5}]
    zero = [e["unit"] for e in data["on_time"] if e["zero_report"]]
    assert zero == ["舞钢市"]
    accounted = [e["unit"] for key in ("on_time", "late", "missing") for e in data[key]]
    assert sorted(accounted) == sorted(u.short_name for u in reporting_units())


def test_the_years_on_time_rate_counts_each_round_already_due(november):
    data = timeliness_json("2020-11")
    rates = {e["unit"]: (e["year_on_time"], e["year_rounds"], e["year_on_time_rate"])
             for key in ("on_time", "late", "missing") for e in data[key]}
    # 2020 has two rounds so far: the seed's 1—10月 round (closed 16 October) and November.
    assert rates["叶县"] == (2, 2, "100.0")
    assert rates["郏县"] == (1, 2, "50.0")
    assert rates["汝州市"] == (0, 2, "0.0")
    assert rates["舞阳铁矿"] == (0, 2, "0.0")


def page_rows(html: str) -> list[tuple]:
    """The timeliness table as (status, unit, 情况, 上报时间, 逾期工作日, 催报次数, 按时率) with the tags taken out."""
    rows = re.findall(r'<tr data-status="(\w+)">(.*?)</tr>', html, re.S)
    return [(status, *(re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[:6]))
            for status, row in rows]


def json_rows(data: dict) -> list[tuple]:
    """The same table, as the JSON says it should read."""
    def when(e) -> str:
        return datetime.fromisoformat(e["submitted_at"]).strftime("%Y年%-m月%-d日 %H:%M") if "submitted_at" in e else "—"

    def rate(e) -> str:
        return f"{e['year_on_time_rate']}%（{e['year_on_time']}/{e['year_rounds']}）"

    label = {"on_time": "按时", "late": "逾期", "missing": "未报"}
    return [(key, e["unit"], label[key] + (" 零报告" if e.get("zero_report") else ""), when(e),
             str(e["days_late"]) if key == "late" else "—", str(e["reminders"]), rate(e))
            for key in ("on_time", "late", "missing") for e in data[key]]


def test_the_page_shows_exactly_the_same_timeliness(november, client):
    assert client.login(username=november.admin.username, password=PASSWORD)
    html = client.get(reverse("reporting:timeliness") + "?period=2020-11").content.decode()
    rows = page_rows(html)
    assert rows == json_rows(timeliness_json("2020-11"))
    assert len(rows) == reporting_units().count()
    assert [r for r in rows if r[0] != "on_time"] == [
        ("late", "汝州市", "逾期", "2020年12月2日 10:00", "2", "3", "0.0%（0/2）"),
        ("missing", "舞阳铁矿", "未报", "—", "—", "5", "0.0%（0/2）")]
    assert ("on_time", "舞钢市", "按时 零报告", "2020年11月30日 18:05", "—", "0", "100.0%（2/2）") in rows
    assert re.search(r'data-testid="on-time-count">27<', html) and "2020年11月30日" in html


def test_a_reporter_sees_only_its_own_units_timeliness(november, client):
    assert client.login(username=november.reporter.username, password=PASSWORD)
    html = client.get(reverse("reporting:timeliness") + "?period=2020-11").content.decode()
    rows = re.findall(r'<tr data-status="(\w+)"><td>([^<]+)</td>', html)
    assert rows == [("on_time", "叶县")]


def test_the_seed_round_has_the_ten_on_time_units_the_circular_names(seeded):
    data = timeliness_json("2020-01:2020-10")
    assert data["deadline"] == "2020-10-16"
    on_time = {e["unit"]: e["submitted_at"][:10] for e in data["on_time"]}
    assert set(on_time) == TEN_ON_TIME and max(on_time.values()) <= "2020-10-16"
    assert (on_time["姚电公司"], on_time["舞钢公司"]) == ("2020-10-14", "2020-10-15")
    assert [e["unit"] for e in data["missing"]] == ["舞阳铁矿"]
    late = {e["unit"] for e in data["late"]}
    assert late == {u.short_name for u in reporting_units()} - TEN_ON_TIME - {"舞阳铁矿"}
    assert len(late) == 18 and all(e["days_late"] == 2 for e in data["late"])  # Tuesday 20 October


def test_the_text_report_reads_in_chinese(seeded):
    out = io.StringIO()
    call_command("report", "timeliness", "--period", "2020-01:2020-10", stdout=out)
    assert "截止日期 2020年10月16日（指定日期）" in out.getvalue() and "按时 10 个，逾期 18 个，未报 1 个" in out.getvalue()


def test_a_draft_is_not_a_report(personas):
    services.submission_start(unit=personas.unit, period=NOV, by=personas.reporter)
    data = timeliness_json("2020-11")
    assert "叶县" in [e["unit"] for e in data["missing"]]
