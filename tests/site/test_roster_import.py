"""The roster import through the office's page: a messy roster with errors is refused whole, every error named
(file, row, column, value, what is expected) and nothing created; a good one creates the accounts and roles, and
the initial passwords come once, as an xlsx only the importing office user can download."""

import io
import os

import openpyxl
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from fupin.site import roster
from fupin.site.models import AccountEvent, AccountEventKind, AccountProfile, PasswordHandout
from fupin.units.models import Membership, Role, Unit, UnitAlias
from fupin.units.selectors import root_unit, unit_find
from tests.factories import PASSWORD, roster_xlsx, user_make

User = get_user_model()


@pytest.fixture
def office(db):
    call_command("init", verbosity=0, stdout=open(os.devnull, "w"))
    return user_make("p_admin", unit=root_unit(), role=Role.ADMIN, first_name="市总扶贫办")


def logged_in(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def upload(client, path, **extra):
    with open(path, "rb") as f:
        return client.post(reverse("accounts:roster"), {"file": f, **extra})


def counts() -> dict:
    return {"users": User.objects.count(), "memberships": Membership.objects.count(),
            "profiles": AccountProfile.objects.count(), "events": AccountEvent.objects.count(),
            "handouts": PasswordHandout.objects.count()}


def handout_on_disk(handout) -> bool:
    return roster.handout_dir().joinpath(f"{handout.token}.xlsx").is_file()


def test_a_roster_with_errors_names_every_one_and_creates_nothing(office, tmp_path):
    holder = user_make("13900000001", first_name="已有账号")
    AccountProfile.objects.create(user=holder, phone="13900000001")
    retired = Unit.objects.create(parent=root_unit(), name="平顶山市旧机关工会", short_name="旧机关", active=False)
    path = roster_xlsx(tmp_path / "各单位联络员.xlsx", title="2027年各单位消费帮扶联络员名单", rows=[
        ["叶县", "王小红", 13812345678, "wang@example.cn", "单位填报员"],  # good
        ["平顶山市不存在区", "李四", "13812345679", "", "填报员"],  # unknown unit
        ["宝丰县", "赵五", "138 1234 5678", "", "审核人"],  # same number as row 3 (spaces)
        ["郏县", "钱六", "13900000001", "", "查看"],  # number already registered
        ["舞钢市", "孙七", "13812340000", "", "组长"],  # not a role
        ["湛河区", "", "13812340001", "", "填报"],  # no name
        ["卫东区", "周八", "1381234", "zhou@", "填报"],  # short number, bad e-mail
        [retired.short_name, "吴九", "13812340002", "", "查看"],  # retired unit
        ["叶县", "郑十", "13812340003", "", ""],  # no role
    ])
    before = counts()
    response = upload(logged_in(office), path)
    assert response.status_code == 422
    page = response.content.decode()
    f = "各单位联络员.xlsx"
    expected = [
        roster.REFUSED.format(count=9),
        f"{f} 第4行“单位”列 “平顶山市不存在区”：{roster.UNIT_UNKNOWN}",
        f"{f} 第5行“手机”列 “138 1234 5678”：与第3行的手机号相同，应每人一行、一人一个手机号（一人多个角色写在同一行）",
        f"{f} 第6行“手机”列 “13900000001”：已被账号 13900000001 使用，应为尚未登记的手机号（已有账号的人请在账号页为他添加角色）",
        f"{f} 第7行“角色”列 “组长”：不是角色，应为单位填报员、单位审核人、查看或市总管理员（一人多个角色用顿号分开）",
        f"{f} 第8行“姓名”列 （空）：姓名为空，应填写本人姓名",
        f"{f} 第9行“手机”列 “1381234”：不是手机号，应为 11 位数字、以 1 开头（如 13812345678）",
        f"{f} 第9行“邮箱”列 “zhou@”：邮箱格式不对，应如 name@example.cn，或不填",
        f"{f} 第10行“单位”列 “旧机关”：这个单位已停用，应为在用的单位",
        f"{f} 第11行“角色”列 （空）：角色为空，应为单位填报员、单位审核人、查看或市总管理员（一人多个角色用顿号分开）",
    ]
    for text in expected:
        assert text in page, text
    assert page.count("<li>") >= 9
    assert counts() == before, "nothing is created when any row is wrong"
    assert not User.objects.filter(first_name="王小红").exists()


def test_a_good_roster_creates_accounts_and_roles_and_hands_out_the_passwords_once(office, tmp_path):
    user_make("13812345680", first_name="同号的老账号")  # user name taken: the new one becomes 13812345680-2
    UnitAlias.objects.create(unit=unit_find("郏县"), text="郏县总工会")
    path = roster_xlsx(tmp_path / "名单.xlsx", header=("序号", "单位名称", "姓名", "手机号码", "电子邮箱", "角色"), rows=[
        [1, "叶县", "王小红", 13812345678, "wang@example.cn", "单位填报员"],
        [2, " 叶　县 ", "刘审核", "+86 138-1234-5679", None, "审核人、查看"],
        [3, "郟縣总工会", "张三", "13812345680", "", "填报"],
        [None, None, None, None, None, None],  # a blank row between people
        [4, "舞钢", "李四", "8613812345681", "", "市总管理员"],
    ])
    before = counts()
    client = logged_in(office)
    response = upload(client, path)
    assert response.status_code == 200, response.content.decode()[:2000]
    assert "已建立 4 个账号" in response.content.decode()
    after = counts()
    assert after["users"] - before["users"] == 4 and after["memberships"] - before["memberships"] == 5
    roles = set(Membership.objects.filter(user__first_name__in=["王小红", "刘审核", "张三", "李四"])
                .values_list("user__username", "unit__short_name", "role"))
    assert roles == {("13812345678", "叶县", Role.REPORTER), ("13812345679", "叶县", Role.APPROVER),
                     ("13812345679", "叶县", Role.VIEWER), ("13812345680-2", "郏县", Role.REPORTER),
                     ("13812345681", "舞钢市", Role.ADMIN)}
    wang = User.objects.get(username="13812345678")
    assert wang.email == "wang@example.cn" and wang.profile.phone == "13812345678" and wang.profile.must_change_password
    history = Membership.history.filter(user_id=wang.pk).get()
    assert history.history_user == office and history.history_change_reason
    assert AccountEvent.objects.filter(kind=AccountEventKind.CREATE, user=wang, by=office,
                                       note="名单 名单.xlsx 第2行").exists()
    assert AccountEvent.objects.filter(kind=AccountEventKind.ROSTER_IMPORT, note="名单.xlsx：新建 4 个账号").exists()

    handout = PasswordHandout.objects.get()
    url = reverse("accounts:roster_passwords", args=[handout.token])
    assert url in response.content.decode()
    # Another office administrator, a reporter and the anonymous do not get it, and trying does not use it up.
    other_office = user_make("p_admin2", unit=root_unit(), role=Role.ADMIN)
    assert logged_in(other_office).get(url).status_code == 404
    reporter = user_make("p_reporter", unit=unit_find("叶县"), role=Role.REPORTER)
    assert logged_in(reporter).get(url).status_code == 403
    assert Client().get(url).status_code == 302
    assert handout_on_disk(handout)

    download = client.get(url)
    assert download.status_code == 200 and "no-store" in download["Cache-Control"]
    assert "attachment" in download["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(download.content)).active
    rows = {r[4]: r[1:] for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert set(rows) == {"13812345678", "13812345679", "13812345680-2", "13812345681"}
    assert rows["13812345679"][:3] == ("叶县", "刘审核", "13812345679") and rows["13812345679"][5] == "单位审核人、查看"
    for username, row in rows.items():
        assert User.objects.get(username=username).check_password(row[4]), "the handed-out password logs in"
    assert client.get(url).status_code == 404, "only once"
    assert not handout_on_disk(handout), "the passwords are gone from the server"
    handout.refresh_from_db()
    assert handout.downloaded_at is not None
    assert AccountEvent.objects.filter(kind=AccountEventKind.PASSWORDS_DOWNLOAD, by=office).count() == 1


def test_check_only_creates_nothing_and_says_how_many(office, tmp_path):
    path = roster_xlsx(tmp_path / "名单.xlsx", rows=[["叶县", "王小红", "13812345678", "", "填报员"]])
    before = counts()
    response = upload(logged_in(office), path, check_only="on")
    assert response.status_code == 200 and "检查通过：共 1 人" in response.content.decode()
    assert counts() == before


def test_a_roster_without_the_columns_or_not_a_spreadsheet_is_refused_by_name(office, tmp_path):
    client = logged_in(office)
    no_phone = roster_xlsx(tmp_path / "缺列.xlsx", header=("单位", "姓名", "职务"), rows=[["叶县", "王小红", "主席"]])
    page = upload(client, no_phone).content.decode()
    assert "缺列.xlsx中找不到表头：第一行应为“单位”“姓名”“手机”“邮箱”“角色”（“邮箱”可不填），缺少“手机”、“角色”" in page
    broken = tmp_path / "坏文件.xlsx"
    broken.write_bytes(b"PK\x03\x04" + os.urandom(200))
    response = upload(client, broken)
    assert response.status_code == 422 and "坏文件.xlsx：" in response.content.decode()
    empty = roster_xlsx(tmp_path / "空名单.xlsx", rows=[])
    assert "空名单.xlsx中表头下面没有人员" in upload(client, empty).content.decode()
    assert User.objects.count() == 2  # the office and the system account


def test_only_the_office_may_import(office, tmp_path):
    path = roster_xlsx(tmp_path / "名单.xlsx", rows=[["叶县", "王小红", "13812345678", "", "填报员"]])
    for who in (user_make("p_reporter", unit=unit_find("叶县"), role=Role.REPORTER),
                user_make("p_viewer", unit=root_unit(), role=Role.VIEWER),
                user_make("p_county", unit=unit_find("叶县"), role=Role.ADMIN)):
        client = logged_in(who)
        assert client.get(reverse("accounts:roster")).status_code == 403
        assert upload(client, path).status_code == 403
    assert not User.objects.filter(username="13812345678").exists()


def test_the_handout_lies_under_the_var_directory(office):
    assert roster.handout_dir().is_relative_to(settings.VAR_DIR)


def test_the_roster_command_names_every_error_and_writes_the_passwords_once(tmp_path):
    """`fupin roster import` in a fresh home, as a real process: Chinese errors and exit 1, nothing created; then
    the passwords file written where asked, never over an existing file; the same roster again is refused."""
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    fupin = shutil.which("fupin") or str(Path(sys.executable).with_name("fupin"))
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"FUPIN_HOME": str(tmp_path / "home")}

    def run(*args):
        return subprocess.run([fupin, *args], capture_output=True, text=True, env=env, timeout=180)

    assert run("init").returncode == 0
    bad = roster_xlsx(tmp_path / "错名单.xlsx", rows=[["叶县", "王小红", "13812345678", "", "填报员"],
                                                   ["不存在县", "李四", "13812345678", "", "组长"]])
    out = tmp_path / "初始密码.xlsx"
    result = run("roster", "import", str(bad), "--passwords-out", str(out))
    assert result.returncode == 1 and "名单有 3 处错误，没有建立任何账号" in result.stderr
    assert "错名单.xlsx 第3行“单位”列 “不存在县”：" + roster.UNIT_UNKNOWN in result.stderr
    assert "错名单.xlsx 第3行“手机”列 “13812345678”：与第2行的手机号相同" in result.stderr
    assert "错名单.xlsx 第3行“角色”列 “组长”：不是角色" in result.stderr
    assert not out.exists() and "Traceback" not in result.stderr

    good = roster_xlsx(tmp_path / "名单.xlsx", rows=[["叶县", "王小红", "13812345678", "", "填报员"],
                                                 ["舞钢市", "李四", "13912345678", "", "审核人"]])
    assert run("roster", "import", str(good), "--check").stdout.strip() == "检查通过：名单.xlsx 共 2 人，没有发现错误。"
    result = run("roster", "import", str(good), "--passwords-out", str(out))
    assert result.returncode == 0, result.stderr
    assert f"已建立 2 个账号，初始密码已写入 {out}" in result.stdout
    rows = list(openpyxl.load_workbook(out).active.iter_rows(min_row=3, values_only=True))
    assert [r[4] for r in rows] == ["13812345678", "13912345678"] and all(len(r[5]) == 14 for r in rows)
    again = run("roster", "import", str(good), "--passwords-out", str(out))
    assert again.returncode == 1 and "初始密码不覆盖已有文件" in again.stderr
    out.unlink()
    again = run("roster", "import", str(good), "--passwords-out", str(out))
    assert again.returncode == 1 and "已被账号 13812345678 使用" in again.stderr and not out.exists()


def test_passwords_nobody_fetched_are_removed_after_a_day(office, tmp_path):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    path = roster_xlsx(tmp_path / "名单.xlsx", rows=[["叶县", "王小红", "13812345678", "", "填报员"]])
    client = logged_in(office)
    assert upload(client, path).status_code == 200
    handout = PasswordHandout.objects.get()
    url = reverse("accounts:roster_passwords", args=[handout.token])
    with time_machine.travel(timezone.now() + timedelta(hours=23), tick=False):
        assert client.get(reverse("accounts:roster")).status_code == 200
        assert handout_on_disk(handout)
    with time_machine.travel(timezone.now() + roster.HANDOUT_KEPT + timedelta(minutes=1), tick=False):
        client = logged_in(office)
        assert client.get(reverse("accounts:roster")).status_code == 200
        assert not handout_on_disk(handout)
        assert client.get(url).status_code == 404
    assert PasswordHandout.objects.filter(pk=handout.pk, downloaded_at__isnull=True).exists(), "the row stays"
