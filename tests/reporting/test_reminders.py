"""催报: reminder mails over SMTP to a real server on localhost (aiosmtpd), in Chinese, at most one a day per unit;
and the office's log of calls and messages."""

import email
import email.policy
import io
import re
import subprocess
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.urls import reverse

from fupin.core.errors import UserError
from fupin.core.periods import Period
from fupin.reporting.models import Reminder
from fupin.reporting.reminders import MAIL_NOT_CONFIGURED
from fupin.settings import email_url_settings
from fupin.units.selectors import unit_find
from tests.factories import PASSWORD, submission_make
from tests.reporting.processes import FUPIN, free_port, run

SH = ZoneInfo("Asia/Shanghai")


class Inbox:
    """aiosmtpd handler keeping every message that arrives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((envelope.rcpt_tos, str(message["Subject"]).strip(), message.get_body().get_content()))
        return "250 OK"

    def take(self) -> list:
        taken, self.messages = self.messages, []
        return taken


@pytest.fixture
def smtp(settings):
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    for name, value in email_url_settings(f"smtp://127.0.0.1:{port}").items():
        setattr(settings, name, value)
    settings.FUPIN_REMIND_DAYS_BEFORE, settings.FUPIN_REMIND_DAYS_AFTER = 2, 10
    yield inbox
    controller.stop()


def remind(when: str) -> str:
    out = io.StringIO()
    with time_machine.travel(datetime.fromisoformat(when).replace(tzinfo=SH), tick=True):
        call_command("remind", stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def addresses(personas):
    """Three units can be mailed: 叶县 (its address and its reporter's), 舞钢市 and 汝州市."""
    for name, address in (("叶县", "yexian@example.cn"), ("舞钢市", "wugang@example.cn"), ("汝州市", "ruzhou@example.cn")):
        unit = unit_find(name)
        unit.email = address
        unit.save()
    personas.reporter.email = "tianbao@example.cn"
    personas.reporter.save()
    return personas


def test_reminders_reach_the_smtp_server_in_chinese_naming_unit_period_and_deadline(smtp, addresses):
    # November 2020 is due on Monday 30 November; mails start two working days before (Thursday 26th).
    assert "发送0封" in remind("2020-11-25 09:00") and smtp.take() == []
    output = remind("2020-11-26 09:00")
    mails = smtp.take()
    assert "发送3封" in output and len(mails) == 3
    by_unit = {subject.split("】")[1].split("：")[0]: (to, subject, body) for to, subject, body in mails}
    to, subject, body = by_unit["叶县"]
    assert sorted(to) == ["tianbao@example.cn", "yexian@example.cn"]
    assert subject == "【催报】叶县：2020年11月消费扶贫统计截止日期2020年11月30日，贵单位尚未上报"
    assert body.startswith("叶县总工会：")
    assert "2020年11月消费扶贫统计的报送截止日期是2020年11月30日（星期一）" in body and "距截止还有2个工作日" in body
    assert "零报告" in body


def test_no_unit_gets_two_mails_a_day_however_often_cron_runs(smtp, addresses):
    remind("2020-11-26 09:00")
    assert len(smtp.take()) == 3
    again = remind("2020-11-26 16:30")
    assert smtp.take() == [] and "今天已发过3个单位" in again
    # The next working day brings the next mail; 叶县 reported meanwhile, and the weekend brings none.
    with time_machine.travel(datetime(2020, 11, 27, 11, 0, tzinfo=SH), tick=False):
        submission_make(addresses.unit, "2020-11", by=addresses.admin)
    remind("2020-11-27 09:30")
    assert len(smtp.take()) == 2
    remind("2020-11-27 18:00")
    assert "今天不是工作日" in remind("2020-11-28 09:00")
    assert smtp.take() == []
    remind("2020-12-01 09:00")
    mails = smtp.take()
    assert len(mails) == 2 and all("已过截止日期1个工作日，请尽快补报" in body for _, _, body in mails)
    sent = Reminder.objects.filter(mail_day__isnull=False)
    assert sent.count() == 7
    assert {(r.unit.short_name, r.mail_day.isoformat()) for r in sent} == {
        (u, d) for u in ("叶县", "舞钢市", "汝州市") for d in ("2020-11-26",)} | {
        (u, d) for u in ("舞钢市", "汝州市") for d in ("2020-11-27", "2020-12-01")}


def test_mails_count_as_reminders_in_timeliness(smtp, addresses):
    remind("2020-11-26 09:00")
    remind("2020-11-27 09:00")
    with time_machine.travel(datetime(2020, 12, 2, 10, 0, tzinfo=SH), tick=False):
        submission_make(unit_find("汝州市"), "2020-11", by=addresses.admin)
    out = io.StringIO()
    call_command("report", "timeliness", "--period", "2020-11", "--json", stdout=out)
    assert '"unit": "汝州市",\n      "days_late": 2,\n      "reminders": 2' in out.getvalue()


def test_a_unit_without_an_address_is_listed_not_mailed(smtp, addresses):
    output = remind("2020-11-26 09:00")
    assert "无邮箱，未发送：舞阳铁矿" in output


def test_a_server_that_refuses_leaves_the_day_open_for_another_try(settings, addresses):
    for name, value in email_url_settings(f"smtp://127.0.0.1:{free_port()}").items():
        setattr(settings, name, value)
    with time_machine.travel(datetime(2020, 11, 26, 9, 0, tzinfo=SH), tick=True):
        call_command("remind", stdout=io.StringIO(), stderr=io.StringIO())
    failed = Reminder.objects.filter(failed=True)
    assert failed.count() == 3 and failed.first().outcome.startswith("发送失败")
    assert not Reminder.objects.filter(mail_day__isnull=False).exists()


def test_remind_without_email_url_says_what_to_set(settings, seeded):
    settings.FUPIN_EMAIL_BACKEND = None
    with pytest.raises(UserError, match=MAIL_NOT_CONFIGURED):
        call_command("remind", stdout=io.StringIO())


@pytest.mark.parametrize("url, expected", [
    ("smtp://127.0.0.1:2525", {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": 2525, "EMAIL_USE_TLS": False}),
    ("smtp+tls://fupin:p%40ss@mail.example.cn", {"EMAIL_PORT": 587, "EMAIL_USE_TLS": True,
                                                  "EMAIL_HOST_USER": "fupin", "EMAIL_HOST_PASSWORD": "p@ss"}),
    ("smtps://mail.example.cn", {"EMAIL_PORT": 465, "EMAIL_USE_SSL": True}),
    ("", {"FUPIN_EMAIL_BACKEND": None}),
])
def test_email_url_is_parsed_into_mail_settings(url, expected):
    parsed = email_url_settings(url)
    assert parsed == parsed | expected


@pytest.mark.parametrize("url", ["mail.example.cn", "http://mail.example.cn", "smtp://mail.example.cn:port"])
def test_a_bad_email_url_is_refused_in_chinese(url):
    with pytest.raises(UserError, match="EMAIL_URL"):
        email_url_settings(url)


def test_the_office_logs_a_call_and_it_counts(personas, client):
    assert client.login(username=personas.admin.username, password=PASSWORD)
    wuyang = unit_find("舞阳铁矿")
    response = client.post(reverse("reporting:reminders"), {
        "unit": wuyang.pk, "period": "2020-11", "channel": "phone", "to_whom": "工会办公室 王主任",
        "outcome": "答应周五前上报", "at": "2020-12-01T09:30"})
    assert response.status_code == 302
    reminder = Reminder.objects.get()
    assert (reminder.unit, reminder.by, reminder.channel, reminder.automatic) == (wuyang, personas.admin, "phone", False)
    assert reminder.at == datetime(2020, 12, 1, 9, 30, tzinfo=SH) and reminder.period == Period.parse("2020-11")
    page = client.get(reverse("reporting:reminders")).content.decode()
    row = re.search(r'<tbody><tr>(.*?)</tr>', page).group(1)
    cells = [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td>(.*?)</td>", row)]
    # when, unit, period, how, to whom, by whom, outcome
    assert cells[0] == "2020年12月1日 09:30" and cells[1] == "舞阳铁矿" and cells[4:] == [
        "工会办公室 王主任", personas.admin.first_name or personas.admin.username, "答应周五前上报"]
    bad = client.post(reverse("reporting:reminders"), {"unit": wuyang.pk, "period": "2020-13", "channel": "phone"})
    assert "月份格式不正确" in bad.content.decode()


def test_only_the_office_sees_and_logs_reminders(personas, client):
    assert client.login(username=personas.reporter.username, password=PASSWORD)
    assert client.get(reverse("reporting:reminders")).status_code == 403


CRON_RUN = """
import pathlib, time
from datetime import datetime
from zoneinfo import ZoneInfo
import time_machine
from aiosmtpd.controller import Controller
from django.core.management import call_command
while not pathlib.Path({go!r}).exists():
    time.sleep(0.01)
with time_machine.travel(datetime(2020, 11, 26, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=True):
    call_command("remind")
"""
ADDRESSES = """
from fupin.units.models import Unit
for name in ("叶县", "舞钢市", "汝州市"):
    Unit.objects.filter(short_name=name).update(email=f"{name}@example.cn")
"""


def test_two_cron_runs_at_once_send_each_unit_one_mail(database_env, tmp_path):
    """Cron fires `fupin remind` while an earlier run is still going: two processes, one database (a file, or
    PostgreSQL), a real SMTP server."""
    env = database_env
    run(env, "init")
    run(env, "shell", "-c", ADDRESSES)
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        env = env | {"EMAIL_URL": f"smtp://127.0.0.1:{port}"}
        go = tmp_path / "go"
        runs = [subprocess.Popen([FUPIN, "shell", "-c", CRON_RUN.format(go=str(go))], env=env, text=True,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
        go.touch()
        outputs = [r.communicate(timeout=120) for r in runs]
    finally:
        controller.stop()
    assert [r.returncode for r in runs] == [0, 0], outputs
    assert not any("locked" in err or "Traceback" in err for _, err in outputs), outputs
    sent = sum(int(re.search(r"发送(\d+)封", out).group(1)) for out, _ in outputs)
    units = sorted(subject.split("】")[1].split("：")[0] for _, subject, _ in inbox.messages)
    assert sent == 3 and units == ["叶县", "汝州市", "舞钢市"]
