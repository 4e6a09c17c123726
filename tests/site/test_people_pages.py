"""The office's people pages through HTTP: search by name, user name, phone or unit in bounded pages; create an
account (its holder must change the initial password before any other page); deactivate and reactivate (never
delete); reset a password; give and take roles, each change audited; nobody but the office gets in."""

import os

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from fupin.reporting.models import Submission
from fupin.site import people
from fupin.site.middleware import MUST_CHANGE
from fupin.site.models import AccountEvent, AccountEventKind, AccountProfile
from fupin.units.models import Membership, Role
from fupin.units.selectors import root_unit, unit_find
from tests.factories import PASSWORD, user_make

User = get_user_model()
NEW_PASSWORD = "Ye-Xian-Xiao-Mi-2027"


@pytest.fixture
def office(db):
    call_command("init", verbosity=0, stdout=open(os.devnull, "w"))
    return user_make("p_admin", unit=root_unit(), role=Role.ADMIN, first_name="市总扶贫办")


def logged_in(user, password=PASSWORD) -> Client:
    client = Client()
    assert client.login(username=user.username, password=password)
    return client


def person_make(username, name, phone, unit_name, role=Role.REPORTER):
    user = user_make(username, unit=unit_find(unit_name), role=role, first_name=name)
    AccountProfile.objects.create(user=user, phone=phone)
    return user


def listed(client, q="", page=None) -> str:
    params = {"q": q} | ({"page": page} if page else {})
    response = client.get(reverse("accounts:people"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_search_finds_people_by_name_user_name_phone_and_unit(office):
    person_make("wangxh", "王小红", "13812345678", "叶县")
    person_make("lisi", "李四", "13912345678", "舞钢市", Role.APPROVER)
    client = logged_in(office)
    for q, found, missing in [("小红", "wangxh", "lisi"), ("LISI", "lisi", "wangxh"), ("1391234", "lisi", "wangxh"),
                              ("叶县", "wangxh", "lisi"), ("舞钢市总工会", "lisi", "wangxh")]:
        page = listed(client, q)
        assert f">{found}</a>" in page and f">{missing}</a>" not in page, q
    page = listed(client, "13812345678")
    assert "王小红" in page and "叶县·单位填报员" in page
    assert "没有找到" in listed(client, "没有这个人")


def test_the_list_costs_the_same_queries_whatever_the_number_of_people(office, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    units = [unit_find("叶县"), unit_find("舞钢市"), unit_find("郏县")]
    client = logged_in(office)
    made, cost = 0, {}
    for size in (5, 130):
        for i in range(made, size):
            user = user_make(f"u{i:04d}", first_name=f"人员{i}")
            AccountProfile.objects.create(user=user, phone=f"138{i:08d}")
            Membership.objects.create(user=user, unit=units[i % 3], role=Role.REPORTER)
            Membership.objects.create(user=user, unit=units[(i + 1) % 3], role=Role.VIEWER)
        made = size
        with django_assert_max_num_queries(12), CaptureQueriesContext(connection) as queries:
            page = listed(client, "人员", page=2 if size > 50 else None)
        cost[size] = len(queries)
        assert page.count("单位填报员") == min(size, 50)
        with django_assert_max_num_queries(12):
            listed(client)
    assert cost[5] == cost[130], cost


def test_a_new_account_must_change_its_initial_password_before_any_page(office):
    client = logged_in(office)
    response = client.post(reverse("accounts:person_new"), {
        "name": "王小红", "phone": "138 1234 5678", "username": "", "email": "wang@example.cn",
        "unit": unit_find("叶县").pk, "role": Role.REPORTER})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    page = response.content.decode()
    password = page.split('data-testid="new-password">')[1].split("<")[0]
    user = User.objects.get(username="13812345678")
    assert user.first_name == "王小红" and user.profile.phone == "13812345678" and user.check_password(password)
    assert Membership.objects.filter(user=user, unit=unit_find("叶县"), role=Role.REPORTER).exists()
    assert AccountEvent.objects.filter(kind=AccountEventKind.CREATE, user=user, by=office).exists()
    assert AccountEvent.objects.filter(kind=AccountEventKind.ROLE_ADD, user=user, note="叶县·单位填报员").exists()

    reporter = logged_in(user, password)
    submission = reverse("reporting:submission", args=[unit_find("叶县").pk, "2020-11"])
    for url in (reverse("home"), submission, reverse("ingest:index")):
        response = reporter.get(url)
        assert response.status_code == 302 and response["Location"] == reverse("accounts:password_change"), url
    assert reporter.post(reverse("reporting:start", args=[unit_find("叶县").pk, "2020-11"])).status_code == 302
    assert not Submission.objects.filter(created_by=user).exists(), "nothing is done before the change"
    assert reporter.get(reverse("healthz")).status_code == 200
    change = reporter.get(reverse("accounts:password_change"))
    assert change.status_code == 200 and MUST_CHANGE in change.content.decode()
    done = reporter.post(reverse("accounts:password_change"), {
        "old_password": password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert reporter.get(reverse("home")).status_code == 200
    assert reporter.get(submission).status_code == 200
    user.profile.refresh_from_db()
    assert not user.profile.must_change_password
    assert AccountEvent.objects.filter(kind=AccountEventKind.PASSWORD_CHANGE, user=user, note="已更换初始密码").exists()
    # The next login goes straight in.
    assert logged_in(user, NEW_PASSWORD).get(reverse("home")).status_code == 200


def test_logging_out_is_allowed_before_the_change(office):
    user, password = people.person_create(people.NewPerson("wangxh", "王小红", "13812345678"), by=office)
    client = logged_in(user, password)
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_create_form_names_each_problem_and_creates_nothing(office):
    person_make("lisi", "李四", "13912345678", "舞钢市")
    before = User.objects.count()
    response = logged_in(office).post(reverse("accounts:person_new"), {
        "name": "", "phone": "139-1234-5678", "username": "lisi", "email": "not-an-email", "role": Role.REPORTER})
    page = response.content.decode()
    assert response.status_code == 422
    for text in ("请填写姓名", "用户名“lisi”已被使用", "手机号“13912345678”已被账号 lisi 使用",
                 "邮箱“not-an-email”格式不对（应如 name@example.cn）"):
        assert text in page, text
    response = logged_in(office).post(reverse("accounts:person_new"), {"name": "赵五", "phone": "1381234",
                                                                       "role": Role.REPORTER})
    assert "手机号“1381234”格式不对，应为 11 位数字、以 1 开头（如 13812345678）" in response.content.decode()
    assert User.objects.count() == before


def test_deactivate_ends_the_login_and_reactivate_restores_it(office):
    user = person_make("wangxh", "王小红", "13812345678", "叶县")
    session = logged_in(user)
    assert session.get(reverse("home")).status_code == 200
    office_client = logged_in(office)
    response = office_client.post(reverse("accounts:person_deactivate", args=[user.pk]), follow=True)
    assert "已停用账号 wangxh" in response.content.decode()
    user.refresh_from_db()
    assert not user.is_active and User.objects.filter(pk=user.pk).exists(), "deactivated, not deleted"
    assert session.get(reverse("home")).status_code == 302, "the open session ends"
    assert not Client().login(username="wangxh", password=PASSWORD)
    assert "已停用" in listed(office_client, "王小红")
    office_client.post(reverse("accounts:person_reactivate", args=[user.pk]))
    user.refresh_from_db()
    assert user.is_active and Client().login(username="wangxh", password=PASSWORD)
    kinds = list(AccountEvent.objects.filter(user=user).values_list("kind", flat=True))
    assert kinds == [AccountEventKind.REACTIVATE, AccountEventKind.DEACTIVATE]
    page = office_client.get(reverse("accounts:person", args=[user.pk])).content.decode()
    assert "停用账号" in page and "恢复账号" in page  # the button and the history


def test_the_office_cannot_deactivate_itself(office):
    response = logged_in(office).post(reverse("accounts:person_deactivate", args=[office.pk]), follow=True)
    assert people.SELF_DEACTIVATE in response.content.decode()
    office.refresh_from_db()
    assert office.is_active


def test_a_reset_password_must_be_changed_at_the_next_login(office):
    user = person_make("wangxh", "王小红", "13812345678", "叶县")
    response = logged_in(office).post(reverse("accounts:password_reset", args=[user.pk]))
    password = response.content.decode().split('data-testid="new-password">')[1].split("<")[0]
    client = logged_in(user, password)
    assert client.get(reverse("home"))["Location"] == reverse("accounts:password_change")


def test_roles_are_given_and_taken_with_their_history(office):
    user = person_make("wangxh", "王小红", "13812345678", "叶县")
    client = logged_in(office)
    wugang = unit_find("舞钢市")
    response = client.post(reverse("accounts:role_add", args=[user.pk]), {"unit": wugang.pk, "role": Role.APPROVER},
                           follow=True)
    assert "已授予角色：舞钢市·单位审核人" in response.content.decode()
    again = client.post(reverse("accounts:role_add", args=[user.pk]), {"unit": wugang.pk, "role": Role.APPROVER},
                        follow=True)
    assert "王小红在舞钢市已是单位审核人" in again.content.decode()
    bad = client.post(reverse("accounts:role_add", args=[user.pk]), {"unit": 999999, "role": "boss"}, follow=True)
    assert "没有这个单位，请重新选择" in bad.content.decode() and "没有这个角色，请重新选择" in bad.content.decode()
    membership = Membership.objects.get(user=user, unit=wugang)
    added = Membership.history.get(id=membership.pk, history_type="+")
    assert added.history_user == office and added.history_change_reason == "市总在账号页授予角色"

    response = client.post(reverse("accounts:role_remove", args=[user.pk, membership.pk]), follow=True)
    assert "已撤销角色：舞钢市·单位审核人" in response.content.decode()
    assert not Membership.objects.filter(pk=membership.pk).exists()
    removed = Membership.history.get(id=membership.pk, history_type="-")
    assert removed.history_user == office and removed.history_change_reason == "市总在账号页撤销角色"
    notes = list(AccountEvent.objects.filter(user=user).values_list("kind", "note"))
    assert notes == [(AccountEventKind.ROLE_REMOVE, "舞钢市·单位审核人"), (AccountEventKind.ROLE_ADD, "舞钢市·单位审核人")]
    # A role held elsewhere is not someone else's to remove through this person's page.
    other = person_make("lisi", "李四", "13912345678", "舞钢市")
    assert client.post(reverse("accounts:role_remove", args=[user.pk, other.memberships.get().pk])).status_code == 404


def test_the_last_office_administrator_keeps_the_role(office):
    client = logged_in(office)
    membership = office.memberships.get()
    response = client.post(reverse("accounts:role_remove", args=[office.pk, membership.pk]), follow=True)
    assert people.LAST_OFFICE_ADMIN in response.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_nobody_but_the_office_reaches_the_people_pages(office):
    target = person_make("wangxh", "王小红", "13812345678", "叶县")
    pages = [("get", reverse("accounts:people")), ("get", reverse("accounts:person_new")),
             ("get", reverse("accounts:person", args=[target.pk])), ("get", reverse("accounts:roster")),
             ("post", reverse("accounts:person_deactivate", args=[target.pk])),
             ("post", reverse("accounts:role_add", args=[target.pk])),
             ("post", reverse("accounts:person_new"))]
    for who in (user_make("p_reporter", unit=unit_find("叶县"), role=Role.REPORTER),
                user_make("p_viewer", unit=root_unit(), role=Role.VIEWER),
                user_make("p_county", unit=unit_find("叶县"), role=Role.ADMIN)):
        client = logged_in(who)
        for method, url in pages:
            assert getattr(client, method)(url, {"name": "x", "unit": unit_find("叶县").pk, "role": Role.ADMIN}
                                           if method == "post" else None).status_code == 403, (who, url)
    for method, url in pages:
        response = getattr(Client(), method)(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    target.refresh_from_db()
    assert target.is_active and target.memberships.count() == 1
    # The system account that signs command-line changes is not on the office's pages.
    system = User.objects.get(username="system")
    assert logged_in(office).get(reverse("accounts:person", args=[system.pk])).status_code == 404
