"""The `fupin` command as a person runs it: a fresh directory, real processes, Chinese errors, exit codes."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

FUPIN = shutil.which("fupin") or str(Path(sys.executable).with_name("fupin"))


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """A fresh SQLite home with init and demo run through the real command."""
    path = tmp_path_factory.mktemp("fupin_home")
    for args in (["init"], ["init"], ["demo"]):
        result = run(path, *args)
        assert result.returncode == 0, result.stderr
    return path


def run(home, *args):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"FUPIN_HOME": str(home)}
    return subprocess.run([FUPIN, *args], capture_output=True, text=True, env=env, timeout=120)


def test_init_twice_then_demo_gives_the_seed_total(home):
    result = run(home, "report", "attachment", "--period", "2020-01:2020-10", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["total"] == "3341.57" and len(data["units"]) == 29 and data["line_count"] == 109


def test_demo_prints_the_logins(home):
    result = run(home, "demo")
    assert "office / fupin-office" in result.stdout and "yexian / fupin-yexian" in result.stdout


@pytest.mark.parametrize("period", ["2020-1x", "2020-10:2020-01", "20201"])
def test_malformed_period_ends_in_chinese_and_exit_1(home, period):
    result = run(home, "report", "attachment", "--period", period)
    assert result.returncode == 1
    assert result.stderr.startswith("错误：") and "Traceback" not in result.stderr


def test_unwritable_output_ends_in_chinese(home):
    result = run(home, "report", "attachment", "--period", "2020-10", "--format", "xlsx", "-o", "/proc/x/附件.xlsx")
    assert result.returncode == 1 and "无法写入文件" in result.stderr and "Traceback" not in result.stderr


def test_a_bad_database_url_ends_in_chinese(home):
    env = os.environ | {"FUPIN_HOME": str(home), "DATABASE_URL": "nonsense://x"}
    result = subprocess.run([FUPIN, "report", "attachment", "--period", "2020-10"], capture_output=True,
                            text=True, env=env, timeout=60)
    assert result.returncode != 0 and "DATABASE_URL" in result.stderr and "Traceback" not in result.stderr


CONNECTION = "from django.db import connection as c; print(c.settings_dict['CONN_MAX_AGE'], c.settings_dict['CONN_HEALTH_CHECKS'])"


@pytest.mark.parametrize("url", ["", "postgres://fupin@127.0.0.1:5432/fupin"])
def test_connections_are_kept_for_the_next_request_unless_conn_max_age_says_otherwise(home, url):
    """部署.md: a thread keeps its connection 60 s by default, checked before reuse; CONN_MAX_AGE=0 connects anew
    each request; a value that is not a number is refused in Chinese. SQLite and a DATABASE_URL alike."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CONN_MAX_AGE")}
    env |= {"FUPIN_HOME": str(home)} | ({"DATABASE_URL": url} if url else {})
    for age, shown in ((None, "60 True"), ("0", "0 True"), ("300", "300 True")):
        given = env | ({"CONN_MAX_AGE": age} if age is not None else {})
        result = subprocess.run([FUPIN, "shell", "-c", CONNECTION], capture_output=True, text=True, env=given,
                                timeout=60)
        assert result.returncode == 0 and result.stdout.split()[-2:] == shown.split(), result.stderr
    result = subprocess.run([FUPIN, "shell", "-c", CONNECTION], capture_output=True, text=True,
                            env=env | {"CONN_MAX_AGE": "一分钟"}, timeout=60)
    assert result.returncode != 0 and "CONN_MAX_AGE" in result.stderr and "Traceback" not in result.stderr


def test_a_database_not_yet_set_up_asks_for_fupin_init(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"FUPIN_HOME": str(tmp_path)}
    result = subprocess.run([FUPIN, "calendar", "deadline", "2020-10"], capture_output=True, text=True, env=env,
                            timeout=60)
    assert result.returncode == 2 and "请先运行 fupin init" in result.stderr and "Traceback" not in result.stderr
