"""A line's 修改记录 on the line's page and the report's: who, when, before → after (万元, 2020年10月27日, channel
names), why; paged, in a bounded number of queries whatever the report's size; an outsider gets 404."""

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fupin.core.money import wan_to_fen
from fupin.quality.models import Channel
from fupin.reporting.history import line_history, submission_line_history
from fupin.reporting.models import Submission
from fupin.reporting.services import line_remove, line_update
from fupin.units.models import Role
from fupin.units.selectors import root_unit, unit_find
from tests.factories import PASSWORD, submission_make, user_make

SH = ZoneInfo("Asia/Shanghai")
OCT = "2020-10"


@pytest.fixture
def people(db):
    call_command("init", stdout=io.StringIO())
    yexian = unit_find("叶县")
    return {
        "reporter": user_make("yx-tianbao", unit=yexian, role=Role.REPORTER, first_name="王丽"),
        "office": user_make("shizong", unit=root_unit(), role=Role.ADMIN, first_name="市总李明"),
        "leader": user_make("lingdao", unit=root_unit(), role=Role.VIEWER, first_name="张领导"),
        "outsider": user_make("wg-tianbao", unit=unit_find("舞钢市"), role=Role.REPORTER, first_name="赵强"),
        "unit": yexian,
    }


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def _form(line, **changes) -> dict:
    """What the edit form posts: every field as the page shows it, with the changes typed over."""
    data = {"product": line.product, "source_text": line.source_text, "method": line.method,
            "purchase_date": line.purchase_date.isoformat() if line.purchase_date else "", "quantity_tons": "",
            "amount_wan": "", "consumption_type": line.consumption_type, "purpose": line.purpose, "note": line.note}
    return {**data, **changes}


def _report_url(unit, period=OCT):
    return reverse("reporting:submission", kwargs={"unit_id": unit.pk, "period": period})


def test_a_changed_amount_shows_who_when_before_after_and_why_on_both_pages(people, client):
    with time_machine.travel(datetime(2020, 10, 20, 16, 5, tzinfo=SH), tick=False):
        sub = submission_make(people["unit"], OCT, amounts=("0.5", "12.3456"), status="draft", by=people["reporter"])
    line = sub.lines.get(position=1)
    _login(client, people["reporter"])
    with time_machine.travel(datetime(2020, 10, 27, 9, 41, tzinfo=SH), tick=False):
        response = client.post(reverse("reporting:line_edit", args=[line.pk]),
                               {**_form(line, amount_wan="0.8"), "reason": "核对发票后更正：0.5万元应为0.8万元"})
    assert response.status_code == 302
    for url in (reverse("reporting:line", args=[line.pk]), _report_url(people["unit"]),
                reverse("reporting:line_edit", args=[line.pk])):
        page = client.get(url).content.decode()
        history = page.split('data-testid="line-history"')[1].split("</table>")[0]
        row = next(r for r in history.split("<tr>")[2:] if "<td>金额</td>" in r)
        assert "2020年10月27日 09:41" in row and "王丽" in row
        assert "<td>金额</td>" in row and "0.50 → 0.80 万元" in row
        assert "核对发票后更正：0.5万元应为0.8万元" in row
        assert "新增明细" in history  # the entry the line began with
    # The office, reading too, sees it the same; so does the leader once the report is up.
    Submission.objects.filter(pk=sub.pk).update(status="submitted")  # (its warnings explained: not this test's topic)
    _login(client, people["leader"])
    assert "0.50 → 0.80 万元" in client.get(reverse("reporting:line", args=[line.pk])).content.decode()


def test_dates_channels_and_removed_lines_are_shown_as_people_write_them(people):
    sub = submission_make(people["unit"], OCT, amounts=("1.5", "2"), status="submitted", by=people["reporter"])
    first, second = sub.lines.order_by("position")
    office = people["office"]
    line_update(line=first, by=office, reason="按发票日期", purchase_date=date(2020, 10, 27),
                date_text="2020-10-27")
    line_update(line=first, by=office, reason="归入标准渠道", channel_code="P832")
    line_update(line=first, by=office, reason="", quantity_g=1_250_000)
    changes = line_history(first).changes
    by_field = {c.field: c for c in changes}
    assert (by_field["采购时间"].before, by_field["采购时间"].after) == ("（空）", "2020年10月27日")
    assert by_field["标准渠道"].after == Channel.objects.get(code="P832").name
    assert (by_field["数量"].after, by_field["数量"].unit) == ("1.25", "吨")
    assert changes[-1].kind == "新增" and changes[-1].who == "王丽"
    sub.status = "draft"
    sub.save()
    line_remove(line=second, by=people["reporter"], reason="重复填报")
    newest = submission_line_history(sub).changes[0]
    assert (newest.kind, newest.before, newest.reason, newest.line_label) == ("删除", "2.00 万元", "重复填报", "第2行 小米")


def test_an_outsider_gets_404_and_a_leader_no_draft(people, client):
    sub = submission_make(people["unit"], OCT, amounts=("0.5",), status="draft", by=people["reporter"])
    line = sub.lines.get()
    urls = [reverse("reporting:line", args=[line.pk]),
            reverse("reporting:submission_history", kwargs={"unit_id": people["unit"].pk, "period": OCT})]
    _login(client, people["outsider"])
    for url in urls:
        assert client.get(url).status_code == 404
    assert "line-history" not in client.get(_report_url(people["unit"])).content.decode()
    _login(client, people["leader"])  # sees the unit, but not a draft's lines
    for url in urls:
        assert client.get(url).status_code == 403
    assert 'data-testid="history-section"' not in client.get(_report_url(people["unit"])).content.decode()
    assert client.post(urls[0]).status_code == 405


def _report_with_changes(people, period: str, lines: int):
    sub = submission_make(people["unit"], period, amounts=[f"{i}.25" for i in range(1, lines + 1)],
                          status="submitted", by=people["reporter"])
    for line in sub.lines.all():
        line_update(line=line, by=people["office"], reason="市总核对", amount_fen=line.amount_fen + wan_to_fen("0.01"))
    return sub


def test_the_report_page_and_the_history_pages_take_the_same_queries_at_any_size(people, client):
    small = _report_with_changes(people, "2020-09", 3)
    large = _report_with_changes(people, "2020-10", 80)  # 160 audit rows: more than a page
    _login(client, people["office"])
    counts = {}
    for sub in (small, large):
        for name, url in (("report", _report_url(people["unit"], str(sub.period))),
                          ("history", reverse("reporting:submission_history",
                                              kwargs={"unit_id": people["unit"].pk, "period": str(sub.period)})),
                          ("line", reverse("reporting:line", args=[sub.lines.last().pk]))):
            client.get(url)  # warm the session
            with CaptureQueriesContext(connection) as queries:
                page = client.get(url).content.decode()
            counts[(name, sub.pk)] = len(queries)
            if sub == large and name in ("report", "history"):
                assert page.count("市总核对") == 50
                assert "较早的记录" in page or "查看更早的修改记录" in page
    for name in ("report", "history", "line"):
        assert counts[(name, small.pk)] == counts[(name, large.pk)], (name, counts)
    assert counts[("report", large.pk)] <= 40
    older = client.get(reverse("reporting:submission_history", kwargs={"unit_id": people["unit"].pk,
                                                                         "period": "2020-10"}), {"page": 4})
    page = older.content.decode()
    assert page.count("新增明细") == 10 and "较新的记录" in page and "较早的记录" not in page


def test_a_report_stored_by_the_system_names_the_system_in_versions_and_history(people, client):
    submission_make(people["unit"], OCT, amounts=("3",), status="submitted", by=None)  # e.g. `fupin import`
    _login(client, people["office"])
    response = client.get(_report_url(people["unit"]))
    assert response.status_code == 200  # a version without a person used to break the page
    versions = response.content.decode().split('data-testid="versions"')[1].split("</table>")[0]
    assert "<td>系统</td>" in versions
    history = response.content.decode().split('data-testid="line-history"')[1].split("</table>")[0]
    assert "<td>系统</td>" in history and "新增明细" in history
