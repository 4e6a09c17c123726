"""`fupin backup` / `fupin restore`: a backup taken while reporters are submitting restores into an empty database
with the same attachment table, audit rows and files (SQLite, or PostgreSQL when DATABASE_URL names it); restore
refuses a damaged archive, one from a newer fupin, and a database that already holds data unless --force."""

import io
import json
import subprocess
import tarfile
import threading
import time

import pytest

from tests.reporting.processes import FUPIN, run
from tests.site.servers import Browser, database_env, healthz, served

PERIOD = "2020-11"
REPORTERS = 3

MAKE_REPORTERS = f"""
import json
from django.contrib.auth import get_user_model
from fupin.units.models import Membership, Role
from fupin.units.selectors import reporting_units
out = {{}}
for number, unit in enumerate(reporting_units()[:{REPORTERS}], start=1):
    user = get_user_model().objects.create_user(username=f"b{{number:02d}}", password="backup-day-1")
    Membership.objects.create(user=user, unit=unit, role=Role.REPORTER)
    out[user.username] = unit.pk
print(json.dumps(out))
"""

# What must come back: the attachment rows, every audit row (simple-history) and the files' bytes.
STATE = """
import hashlib, json
from django.apps import apps
from fupin.reporting.models import PurchaseLine, SubmissionFile
history = {m._meta.label: sorted([h.history_id, h.history_type, h.id] for h in m.objects.all())
           for m in apps.get_models() if hasattr(m, "instance_type")}
files = sorted([f.pk, f.submission_id, f.name, f.size, f.file.name, hashlib.sha256(f.file.read()).hexdigest()]
               for f in SubmissionFile.objects.all())
lines = sorted([l.pk, l.submission_id, l.amount_fen, l.source_text] for l in PurchaseLine.objects.all())
print(json.dumps({"history": history, "files": files, "lines": lines}))
"""


def state(env) -> dict:
    return json.loads(run(env, "shell", "-c", STATE).stdout.strip().splitlines()[-1])


def attachment(env) -> dict:
    return json.loads(run(env, "report", "attachment", "--period", PERIOD, "--format", "json").stdout)


def fupin(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run([FUPIN, *args], env=env, capture_output=True, text=True, timeout=300)


def reporter(base: str, username: str, unit_id: int, stop: threading.Event, done: list) -> None:
    """Adds a line and attaches a file, again and again, until told to stop."""
    browser = Browser(base)
    browser.request("/login/")
    assert browser.request("/login/", {"username": username, "password": "backup-day-1"})[0] == 302
    here = f"/reporting/{unit_id}/{PERIOD}/"
    browser.request(here + "start/", {})
    number = 0
    while not stop.is_set():
        number += 1
        browser.request(here + "lines/", {"source_text": f"扶贫832平台{number}", "method": "线上",
                                          "amount_wan": f"{number}.25", "product": "小米"})
        content = f"{username} 第{number}份工作总结\n".encode() * 200
        browser.request(here + "files/", files={"file": (f"总结{number}.txt", content)})
        done.append(number)


@pytest.fixture
def live(tmp_path):
    """A served database with reporters, and an empty one to restore into."""
    with database_env(tmp_path / "live", "fupin_ops_live") as env, \
            database_env(tmp_path / "restored", "fupin_ops_restored") as empty:
        run(env, "init")
        reporters = json.loads(run(env, "shell", "-c", MAKE_REPORTERS).stdout.strip().splitlines()[-1])
        with served(env, tmp_path / "server.log") as base:
            yield base, env, reporters, empty


def test_a_backup_taken_while_reports_arrive_restores_into_an_empty_database_whole(live, tmp_path):
    base, env, reporters, empty = live
    stop, done = threading.Event(), []
    threads = [threading.Thread(target=reporter, args=(base, name, unit, stop, done))
               for name, unit in reporters.items()]
    for thread in threads:
        thread.start()
    try:
        while len(done) < 2 * REPORTERS:  # submissions have landed and keep arriving
            time.sleep(0.2)
        during = fupin(env, "backup", "-o", f"{tmp_path}/backups/")
        assert during.returncode == 0, during.stderr
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
    live_state = state(env)
    archive_during = during.stdout.split("已备份到 ")[1].splitlines()[0].strip()

    # taken mid-stream: one consistent moment of the database, each of its attachments with its file
    restored = fupin(empty, "restore", archive_during)
    assert restored.returncode == 0, restored.stderr
    assert "已恢复：" in restored.stdout and "修改记录" in restored.stdout
    moment = state(empty)
    assert moment["files"], "the backup should have caught some attachments"
    assert len(moment["files"]) <= len(live_state["files"])
    assert {tuple(f) for f in moment["files"]} <= {tuple(f) for f in live_state["files"]}
    assert {tuple(line) for line in moment["lines"]} <= {tuple(line) for line in live_state["lines"]}
    manifest = manifest_of(archive_during)
    assert manifest["counts"]["attachments"] == len(moment["files"])
    assert manifest["counts"]["history_rows"] == sum(len(rows) for rows in moment["history"].values())

    # taken at rest: the same attachment table, audit rows and files as the live site
    after = fupin(env, "backup", "-o", f"{tmp_path}/backups/", "--keep", "1")
    assert after.returncode == 0, after.stderr
    assert len(list((tmp_path / "backups").glob("fupin-backup-*.tar.gz"))) == 1  # --keep 1 pruned the first
    archive_after = after.stdout.split("已备份到 ")[1].splitlines()[0].strip()
    refused = fupin(empty, "restore", archive_after)
    assert refused.returncode == 1 and "当前数据库已有数据" in refused.stderr and "--force" in refused.stderr
    forced = fupin(empty, "restore", archive_after, "--force")
    assert forced.returncode == 0, forced.stderr
    assert state(empty) == live_state
    assert attachment(empty) == attachment(env)
    assert healthz_ok_after_restore(empty, tmp_path)


def healthz_ok_after_restore(env, tmp_path) -> bool:
    with served(env, tmp_path / "restored.log") as base:
        return healthz(base)[0] == 200


def manifest_of(path) -> dict:
    with tarfile.open(path, "r:gz") as archive:
        return json.loads(archive.extractfile("manifest.json").read())


def rewrite(source, target, *, manifest=None, member=None) -> None:
    """A copy of an archive with its manifest changed, or one member's bytes replaced."""
    with tarfile.open(source, "r:gz") as old, tarfile.open(target, "w:gz") as new:
        for info in old.getmembers():
            data = old.extractfile(info).read()
            if info.name == "manifest.json" and manifest is not None:
                data = json.dumps(manifest(json.loads(data))).encode()
            elif member is not None and info.name == member[0]:
                data = member[1]
            info.size = len(data)
            new.addfile(info, io.BytesIO(data))


@pytest.fixture
def small_archive(tmp_path):
    with database_env(tmp_path / "source", "fupin_ops_source") as env:
        run(env, "init")
        made = run(env, "backup", "-o", str(tmp_path / "a.tar.gz"))
        assert "单位 " in made.stdout
        yield tmp_path / "a.tar.gz", env


def test_restore_refuses_a_damaged_archive_a_newer_version_and_unknown_migrations(small_archive, tmp_path):
    archive, env = small_archive
    manifest = manifest_of(archive)
    assert manifest["database"] in ("sqlite", "postgresql") and manifest["counts"]["units"] > 0
    assert "units" in manifest["migrations"] and all(len(v) == 64 for v in manifest["checksums"].values())
    database_member = next(iter(manifest["checksums"]))

    cases = {
        "damaged": (dict(member=(database_member, b"not a database")), "已损坏"),
        "newer": (dict(manifest=lambda m: m | {"fupin_version": "99.0.0"}), "更新版本的 fupin"),
        "unknown": (dict(manifest=lambda m: m | {"migrations": m["migrations"] | {"units": ["9999_future"]}}),
                    "units.9999_future"),
    }
    with database_env(tmp_path / "target", "fupin_ops_target") as target:
        for name, (change, message) in cases.items():
            path = tmp_path / f"{name}.tar.gz"
            rewrite(archive, path, **change)
            result = fupin(target, "restore", str(path))
            assert result.returncode == 1 and message in result.stderr, (name, result.stderr)
            assert "Traceback" not in result.stderr
        not_an_archive = tmp_path / "x.tar.gz"
        not_an_archive.write_bytes(b"hello")
        result = fupin(target, "restore", str(not_an_archive))
        assert result.returncode == 1 and "不是 fupin 的备份文件" in result.stderr
        # nothing was restored by any refusal: the target is still empty, and the good archive goes in
        good = fupin(target, "restore", str(archive))
        assert good.returncode == 0, good.stderr
