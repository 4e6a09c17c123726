"""Accounts through HTTP: wrong passwords lock the account and the address (django-axes), the lock says until
when, expires, and the office lifts it; people change their own password and the office resets one, under
Django's password rules in Chinese; only the office reaches the accounts pages; `fupin init` makes no login."""

import io
import os
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fupin.site.models import AccountEvent, AccountEventKind
from fupin.units.models import Role
from fupin.units.selectors import root_unit, unit_find
from tests.factories import PASSWORD, user_make

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 12, 1, 21, 15, tzinfo=SH)
LOCKED = "登录失败次数过多，账号已锁定至 2026年12月1日 21:30，请稍后再试或联系市总管理员解锁。"


@pytest.fixture
def people(db):
    call_command("init", verbosity=0, stdout=open(os.devnull, "w"))
    office = user_make("p_admin", unit=root_unit(), role=Role.ADMIN, first_name="市总扶贫办")
    reporter = user_make("p_reporter", unit=unit_find("叶县"), role=Role.REPORTER, first_name="叶县填报员")
    viewer = user_make("p_viewer", unit=root_unit(), role=Role.VIEWER)
    return office, reporter, viewer


def post_login(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def fail(client, username, times, **extra):
    return [post_login(client, username, "wrong-password", **extra) for _ in range(times)]


def test_five_wrong_passwords_lock_the_account_and_the_right_one_is_refused_saying_until_when(people):
    _, reporter, _ = people
    client = Client()
    with time_machine.travel(T0, tick=False):
        first = fail(client, reporter.username, 4)
        assert [r.status_code for r in first] == [200] * 4
        assert "用户名或密码不正确" in first[0].content.decode() and "再输错 4 次，账号将被锁定 15 分钟" in \
            first[0].content.decode()
        assert "再输错 1 次" in first[3].content.decode()
        fifth = fail(client, reporter.username, 1)[0]
        assert fifth.status_code == 429 and LOCKED in fifth.content.decode()
        right = post_login(client, reporter.username, PASSWORD)
    assert right.status_code == 429 and LOCKED in right.content.decode()
    assert not logged_in(client)


def test_the_lock_expires_after_the_cool_off(people):
    _, reporter, _ = people
    client = Client()
    with time_machine.travel(T0, tick=False):
        fail(client, reporter.username, 5)
    with time_machine.travel(T0 + timedelta(minutes=14, seconds=59), tick=False):
        assert post_login(client, reporter.username, PASSWORD).status_code == 429
    with time_machine.travel(T0 + timedelta(minutes=15, seconds=1), tick=False):
        assert post_login(client, reporter.username, PASSWORD).status_code == 302
    assert logged_in(client)


def test_refused_attempts_during_a_lock_do_not_push_it_back(people):
    _, reporter, _ = people
    client = Client()
    with time_machine.travel(T0, tick=False):
        fail(client, reporter.username, 5)
    with time_machine.travel(T0 + timedelta(minutes=10), tick=False):
        assert LOCKED in fail(client, reporter.username, 3)[-1].content.decode()
    with time_machine.travel(T0 + timedelta(minutes=16), tick=False):
        assert post_login(client, reporter.username, PASSWORD).status_code == 302


def test_a_right_password_before_the_limit_forgets_the_failures(people):
    _, reporter, _ = people
    client = Client()
    fail(client, reporter.username, 4)
    assert post_login(client, reporter.username, PASSWORD).status_code == 302
    client.post(reverse("logout"))
    assert [r.status_code for r in fail(client, reporter.username, 4)] == [200] * 4


def test_guessing_many_accounts_from_one_address_locks_the_address(people):
    office, reporter, viewer = people
    guesser = Client()
    with time_machine.travel(T0, tick=False):
        for name in ("zhangsan", "lisi", "wangwu", "zhaoliu", "admin"):
            fail(guesser, name, 1)
        refused = post_login(guesser, reporter.username, PASSWORD)
        elsewhere = post_login(Client(), viewer.username, PASSWORD, REMOTE_ADDR="10.20.30.40")
    assert refused.status_code == 429
    assert "您所在的网络地址已锁定至 2026年12月1日 21:30" in refused.content.decode()
    assert elsewhere.status_code == 302


def test_behind_a_reverse_proxy_the_address_is_the_one_the_proxy_saw(people, settings):
    """nginx appends the client's address to X-Forwarded-For; what the client wrote there itself is ignored, so a
    guesser can neither dodge the lock by inventing addresses nor lock out everyone behind the proxy."""
    settings.FUPIN_TRUSTED_PROXIES = 1
    _, reporter, viewer = people
    guesser = Client(REMOTE_ADDR="127.0.0.1")
    for n in range(5):
        fail(guesser, f"guess{n}", 1, HTTP_X_FORWARDED_FOR=f"6.6.6.{n}, 203.0.113.7")
    from axes.models import AccessAttempt

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}
    assert post_login(guesser, reporter.username, PASSWORD, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7") \
        .status_code == 429
    colleague = Client(REMOTE_ADDR="127.0.0.1")
    assert post_login(colleague, viewer.username, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.8").status_code == 302


def test_the_office_unlocks_an_account_and_the_right_password_works_at_once(people):
    office, reporter, _ = people
    person = Client()
    with time_machine.travel(T0, tick=False):
        fail(person, reporter.username, 5)
        desk = Client()
        desk.force_login(office)
        page = desk.get(reverse("accounts:lockouts")).content.decode()
        assert reporter.username in page and "2026年12月1日 21:30" in page and "解锁" in page
        response = desk.post(reverse("accounts:unlock"), {"username": reporter.username})
        assert response.status_code == 302
        assert post_login(person, reporter.username, PASSWORD).status_code == 302
    event = AccountEvent.objects.get(kind=AccountEventKind.UNLOCK)
    assert (event.by, event.user, event.username, event.at) == (office, reporter, reporter.username, T0)
    assert event.note == "清除失败登录 5 次"
    page = desk.get(reverse("accounts:lockouts")).content.decode()
    assert "当前没有被锁定的账号" in page and "解除登录锁定" in page and "市总扶贫办" in page


def test_the_office_unlocks_an_address(people):
    office, reporter, _ = people
    for name in ("a1", "a2", "a3", "a4", "a5"):
        fail(Client(REMOTE_ADDR="192.0.2.9"), name, 1, REMOTE_ADDR="192.0.2.9")
    assert post_login(Client(), reporter.username, PASSWORD, REMOTE_ADDR="192.0.2.9").status_code == 429
    desk = Client()
    desk.force_login(office)
    assert "192.0.2.9" in desk.get(reverse("accounts:lockouts")).content.decode()
    desk.post(reverse("accounts:unlock"), {"ip_address": "192.0.2.9"})
    assert post_login(Client(), reporter.username, PASSWORD, REMOTE_ADDR="192.0.2.9").status_code == 302
    assert AccountEvent.objects.get(kind=AccountEventKind.UNLOCK).ip_address == "192.0.2.9"


def test_the_office_resets_a_password_shown_once_and_the_person_logs_in_with_it(people):
    office, reporter, _ = people
    fail(Client(), reporter.username, 5)
    desk = Client()
    desk.force_login(office)
    listing = desk.get(reverse("accounts:people")).content.decode()
    assert "重置密码" in listing and reporter.username in listing and "已锁定" in listing
    assert "system" not in listing
    response = desk.post(reverse("accounts:password_reset", args=[reporter.pk]))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    password = response.context["password"]
    assert len(password) == 14 and password in response.content.decode()
    assert not Client().login(username=reporter.username, password=PASSWORD)
    assert post_login(Client(), reporter.username, password).status_code == 302  # the lock went with the reset
    event = AccountEvent.objects.get(kind=AccountEventKind.PASSWORD_RESET)
    assert (event.by, event.user) == (office, reporter) and password not in event.note
    assert password not in desk.get(reverse("accounts:people")).content.decode()


def test_an_office_admin_may_not_reset_a_superusers_password(people):
    office, _, _ = people
    root = get_user_model().objects.create_superuser("root", password=PASSWORD)
    desk = Client()
    desk.force_login(office)
    response = desk.post(reverse("accounts:password_reset", args=[root.pk]), follow=True)
    assert "只有超级管理员可以重置超级管理员的密码" in response.content.decode()
    assert Client().login(username="root", password=PASSWORD)


def test_people_can_change_their_own_password_and_weak_ones_are_refused_in_chinese(people):
    _, reporter, _ = people
    client = Client()
    client.force_login(reporter)
    assert "修改密码" in client.get(reverse("home")).content.decode()
    url = reverse("accounts:password_change")
    refusals = {
        "1234567": ["密码太短：至少要有 8 个字符。", "密码只包含数字。"],
        "12345678": ["这个密码太常见了。", "密码只包含数字。"],
        "p_reporter1": ["密码跟 用户名 太相似了。"],
    }
    for weak, expected in refusals.items():
        response = client.post(url, {"old_password": PASSWORD, "new_password1": weak, "new_password2": weak})
        html = response.content.decode()
        assert response.status_code == 200 and "密码未修改" in html
        assert all(message in html for message in expected), (weak, html)
        assert "This password" not in html
    wrong_old = client.post(url, {"old_password": "nope", "new_password1": "Shan-Hai-2026",
                                  "new_password2": "Shan-Hai-2026"})
    assert "旧密码不正确" in wrong_old.content.decode()
    reporter.refresh_from_db()
    assert reporter.check_password(PASSWORD)
    done = client.post(url, {"old_password": PASSWORD, "new_password1": "Shan-Hai-2026",
                             "new_password2": "Shan-Hai-2026"}, follow=True)
    assert "新密码已生效" in done.content.decode()
    assert logged_in(client)  # changing one's password keeps this session
    assert post_login(Client(), reporter.username, "Shan-Hai-2026").status_code == 302
    assert AccountEvent.objects.filter(kind=AccountEventKind.PASSWORD_CHANGE, by=reporter).count() == 1


@pytest.mark.parametrize("name", ["lockouts", "people"])
def test_only_the_office_reaches_the_accounts_pages(people, name):
    office, reporter, viewer = people
    url = reverse(f"accounts:{name}")
    for person in (reporter, viewer):
        client = Client()
        client.force_login(person)
        assert client.get(url).status_code == 403
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))
    office_client = Client()
    office_client.force_login(office)
    assert office_client.get(url).status_code == 200


def test_nobody_but_the_office_unlocks_or_resets(people):
    office, reporter, viewer = people
    fail(Client(), office.username, 5)
    for person in (reporter, viewer):
        client = Client()
        client.force_login(person)
        assert client.post(reverse("accounts:unlock"), {"username": office.username}).status_code == 403
        assert client.post(reverse("accounts:password_reset", args=[office.pk])).status_code == 403
        assert client.get(reverse("accounts:password_reset", args=[office.pk])).status_code in (403, 405)
    assert not AccountEvent.objects.exists()
    assert post_login(Client(), office.username, PASSWORD).status_code == 429
    desk = Client()
    desk.force_login(office)
    assert desk.get(reverse("accounts:unlock")).status_code == 405


def test_the_people_page_costs_the_same_queries_for_more_people(people):
    office = people[0]
    desk = Client()
    desk.force_login(office)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert desk.get(reverse("accounts:people")).status_code == 200
        return len(captured)

    before = queries()
    yexian = unit_find("叶县")
    for n in range(20):
        user_make(f"more{n}", unit=yexian, role=Role.REPORTER)
    assert queries() == before


def test_init_makes_no_account_anyone_can_log_in_with_and_demo_makes_the_readme_ones(db):
    call_command("init", verbosity=0, stdout=open(os.devnull, "w"))
    for user in get_user_model().objects.all():
        assert not user.is_active or not user.has_usable_password() or user.password == "", user.username
    assert not get_user_model().objects.filter(username="office").exists()
    assert post_login(Client(), "office", "fupin-office").status_code == 200
    call_command("demo", verbosity=0, stdout=open(os.devnull, "w"))
    for username, password in (("office", "fupin-office"), ("leader", "fupin-leader"), ("yexian", "fupin-yexian"),
                               ("yexian-shenhe", "fupin-yexian-shenhe"), ("wugang", "fupin-wugang")):
        assert post_login(Client(), username, password).status_code == 302, username


def test_when_the_office_itself_is_locked_out_the_command_line_unlocks_it(people):
    office, _, _ = people
    fail(Client(), office.username, 5)
    assert post_login(Client(), office.username, PASSWORD).status_code == 429
    out = io.StringIO()
    call_command("unlock", office.username, stdout=out)
    assert "已解锁账号 p_admin（清除失败登录 5 次）" in out.getvalue()
    assert post_login(Client(), office.username, PASSWORD).status_code == 302
    event = AccountEvent.objects.get(kind=AccountEventKind.UNLOCK)
    assert (event.by.username, event.user) == ("system", office)
