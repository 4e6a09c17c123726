"""Failures a person can read: Chinese 403/404/500/503 pages inside the site's layout; a busy database and a full
disk answer 503 with Retry-After, store nothing and leave no file behind; 403 and 404 are one line in the log."""

import contextlib
import errno
import fcntl
import json
import os
import sqlite3
import subprocess
import threading
import time
from pathlib import Path
from unittest import mock

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.utils import OperationalError
from django.test import Client
from django.urls import reverse

from fupin.core.failures import DATABASE_BUSY, DISK_FULL
from fupin.reporting.models import PurchaseLine, SubmissionFile
from tests.reporting.processes import FUPIN, run
from tests.site.servers import Browser, served

NOV = "2020-11"
MENU = ('<a href="/">首页</a>', "退出")


def url(name, unit, period=NOV):
    return reverse(f"reporting:{name}", kwargs={"unit_id": unit.pk, "period": period})


@pytest.fixture
def reporter_client(personas):
    client = Client(raise_request_exception=False)
    client.force_login(personas.reporter)
    return client


def assert_error_page(response, status: int, *texts: str) -> str:
    page = response.content.decode()
    assert response.status_code == status
    assert 'lang="zh-CN"' in page and "返回首页" in page and 'data-testid="error-page"' in page
    for text in (*MENU, *texts):
        assert text in page, text
    return page


def test_an_unknown_page_is_a_chinese_404_inside_the_menu(reporter_client):
    page = assert_error_page(reporter_client.get("/no/such/page/"), 404, "页面不存在")
    assert "Not Found" not in page


def test_a_missing_report_says_why_in_the_404(reporter_client, personas):
    response = reporter_client.post(url("submit", personas.unit, "2019-03"))
    assert_error_page(response, 404, "报表不存在")


def test_a_refused_action_is_a_chinese_403_with_the_reason(personas):
    client = Client(raise_request_exception=False)
    client.force_login(personas.viewer)
    page = assert_error_page(client.post(url("start", personas.unit)), 403, "没有权限")
    assert "Forbidden" not in page


def test_a_form_past_its_csrf_token_is_a_chinese_403_saying_to_reload(personas):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(personas.reporter)
    page = assert_error_page(client.post(url("start", personas.unit)), 403, "页面已过期", "请刷新页面")
    assert "CSRF verification failed" not in page


def test_a_program_error_is_a_chinese_500_inside_the_menu(reporter_client):
    with mock.patch("fupin.insights.views.render", side_effect=RuntimeError("boom")):
        page = assert_error_page(reporter_client.get("/"), 500, "服务器内部错误", "错误已记录")
    assert "boom" not in page and "Server Error" not in page


def test_a_full_disk_while_attaching_a_file_is_a_503_that_stores_nothing_and_leaves_no_file(
        reporter_client, personas, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    reporter_client.post(url("start", personas.unit))
    real_save = FileSystemStorage._save

    def half_then_full(storage, name, content):  # the disk fills up halfway through the file
        path = storage.path(name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as out:
            out.write(content.read(10))
        raise OSError(errno.ENOSPC, "No space left on device")

    upload = SimpleUploadedFile("工作总结.docx", "叶县消费帮扶工作总结".encode() * 100)
    with mock.patch.object(FileSystemStorage, "_save", half_then_full), django_capture_on_commit_callbacks(
            execute=True):
        response = reporter_client.post(url("file_upload", personas.unit), {"file": upload})
    assert_error_page(response, 503, DISK_FULL)
    assert int(response["Retry-After"]) > 0
    assert SubmissionFile.objects.count() == 0 and SubmissionFile.history.count() == 0
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []

    with mock.patch.object(FileSystemStorage, "_save", real_save), django_capture_on_commit_callbacks(
            execute=True):  # and once there is room again the same file goes in under its own name
        upload.seek(0)
        reporter_client.post(url("file_upload", personas.unit), {"file": upload})
    stored = SubmissionFile.objects.get()
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == ["工作总结.docx"]
    assert stored.file.read() == "叶县消费帮扶工作总结".encode() * 100


def test_a_full_database_while_adding_a_line_is_a_503_and_no_line(reporter_client, personas):
    reporter_client.post(url("start", personas.unit))
    before = PurchaseLine.objects.count(), PurchaseLine.history.count()
    with mock.patch.object(PurchaseLine, "save", side_effect=OperationalError("database or disk is full")):
        response = reporter_client.post(url("line_add", personas.unit), {
            "source_text": "扶贫832平台", "method": "线上", "amount_wan": "1.5", "product": "小米"})
    assert_error_page(response, 503, DISK_FULL)
    assert (PurchaseLine.objects.count(), PurchaseLine.history.count()) == before


# ---- against the served site: a real lock held by another process, the log as the operator reads it ----------

MAKE_REPORTER = """
from django.contrib.auth import get_user_model
from fupin.units.models import Membership, Role
from fupin.units.selectors import unit_find
user = get_user_model().objects.create_user(username="r01", password="lock-day-1")
Membership.objects.create(user=user, unit=unit_find("叶县"), role=Role.REPORTER)
print(unit_find("叶县").pk)
"""

COUNT = """
from fupin.reporting.models import PurchaseLine, SubmissionFile
print(PurchaseLine.objects.count(), SubmissionFile.objects.count())
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("site")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "FUPIN_TEST_SQLITE")}
    env |= {"FUPIN_HOME": str(tmp_path), "FUPIN_SQLITE_TIMEOUT": "1"}
    run(env, "init")
    unit_id = run(env, "shell", "-c", MAKE_REPORTER).stdout.strip().splitlines()[-1]
    with served(env, tmp_path / "server.log", "--workers", "1") as base:
        browser = Browser(base)
        browser.request("/login/")
        assert browser.request("/login/", {"username": "r01", "password": "lock-day-1"})[0] == 302
        here = f"/reporting/{unit_id}/{NOV}/"
        assert browser.request(here + "start/", {})[0] == 302
        yield browser, here, env, tmp_path


@contextlib.contextmanager
def sqlite_lock_held(database: Path):
    """Another program writing: SQLite's own lock, met through its busy handler."""
    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


@contextlib.contextmanager
def writers_queue_held(database: Path):
    """Another fupin process in a long transaction: the writers' queue (fupin/core/sqlite), met before SQLite."""
    fd = os.open(f"{database}-writer", os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        yield
    finally:
        os.close(fd)


@pytest.mark.parametrize("held", [sqlite_lock_held, writers_queue_held])
def test_a_held_sqlite_lock_gives_the_chinese_503_with_retry_after_and_stores_nothing(site, held):
    browser, here, env, home = site
    with held(home / "var" / "fupin.sqlite3"):  # longer than the busy timeout
        line = browser.request(here + "lines/", {"source_text": "扶贫832平台", "method": "线上",
                                                 "amount_wan": "1.5", "product": "小米"})
        upload = browser.request(here + "files/", files={"file": ("工作总结.txt", "总结".encode() * 50)})
        cli = subprocess.run([FUPIN, "init"], env=env, capture_output=True, text=True, timeout=120)
    for status, headers, page in (line, upload):
        assert status == 503, page[-2000:]
        assert DATABASE_BUSY in page and '<a href="/">首页</a>' in page
        assert int(headers["Retry-After"]) > 0
    assert cli.returncode == 75 and DATABASE_BUSY in cli.stderr and "Traceback" not in cli.stderr
    assert run(env, "shell", "-c", COUNT).stdout.strip().splitlines()[-1] == "0 0"
    media = home / "var" / "media"
    assert not media.exists() or [p for p in media.rglob("*") if p.is_file()] == []
    assert "Traceback" not in (home / "server.log").read_text()


def test_a_writer_waiting_behind_another_fupin_process_goes_in_when_that_one_is_done(site):
    browser, here, env, home = site
    answered = {}
    with writers_queue_held(home / "var" / "fupin.sqlite3"):  # held for less than the busy timeout
        writer = threading.Thread(target=lambda: answered.update(line=browser.request(here + "lines/", {
            "source_text": "扶贫832平台", "method": "线上", "amount_wan": "2.5", "product": "香菇"})))
        writer.start()
        time.sleep(0.3)
        assert writer.is_alive()  # waiting its turn
    writer.join(timeout=30)
    assert answered["line"][0] == 302
    assert run(env, "shell", "-c", COUNT).stdout.strip().splitlines()[-1] == "1 0"


LONE_WRITE = """
from django.contrib.auth import get_user_model
print(get_user_model().objects.count())
get_user_model().objects.filter(username="r01").update(first_name="李")  # no transaction: autocommit
"""


def test_a_write_outside_any_transaction_queues_as_well_and_reads_never_wait(site):
    browser, here, env, home = site
    with writers_queue_held(home / "var" / "fupin.sqlite3"):
        held = subprocess.run([FUPIN, "shell", "-c", LONE_WRITE], env=env, capture_output=True, text=True,
                              timeout=120)
    assert held.returncode == 75 and DATABASE_BUSY in held.stderr and "Traceback" not in held.stderr
    assert held.stdout.split()[-1].isdigit()  # the count before it was read at once
    assert run(env, "shell", "-c", LONE_WRITE).returncode == 0


def test_403_and_404_are_one_line_in_the_log_not_a_traceback(site):
    browser, here, env, home = site
    assert browser.request("/no/such/page/")[0] == 404
    assert browser.request(here.replace(NOV, "2019-03") + "submit/", {})[0] == 404
    assert browser.request(here + "approve/", {})[0] in (403, 302)
    assert browser.request("/quality/review/")[0] == 403
    log = (home / "server.log").read_text()
    assert "Not Found: /no/such/page/" in log and "Forbidden" in log
    assert "Traceback" not in log


def test_healthz_answers_json_for_the_monitor(site):
    browser, *_ = site
    status, headers, body = browser.request("/healthz")
    assert status == 200 and json.loads(body)["status"] == "ok"
    assert "no-cache" in headers.get("Cache-Control", "")
