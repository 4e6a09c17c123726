"""Deadline day: 20 units' reporters submit at the same moment, each from its own process, against a served app
(`fupin runserver` in its own process, on a file database — SQLite, or PostgreSQL when DATABASE_URL names one).
Every submission lands, none fails with a lock error, and the figures add up."""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

FUPIN = shutil.which("fupin") or str(Path(sys.executable).with_name("fupin"))
CLIENT = Path(__file__).with_name("deadline_client.py")
PROCESSES = 20
PERIOD = "2020-11"

MAKE_REPORTERS = f"""
import json
PROCESSES = {PROCESSES}
from django.contrib.auth import get_user_model
from fupin.units.models import Membership, Role
from fupin.units.selectors import reporting_units
out = {{}}
for number, unit in enumerate(reporting_units()[:PROCESSES], start=1):
    user = get_user_model().objects.create_user(username=f"r{{number:02d}}", password="deadline-day-1")
    Membership.objects.create(user=user, unit=unit, role=Role.REPORTER)
    out[user.username] = unit.pk
print(json.dumps(out))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(env, *args, **kw) -> subprocess.CompletedProcess:
    result = subprocess.run([FUPIN, *args], env=env, capture_output=True, text=True, timeout=300, **kw)
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture
def database_env(tmp_path):
    """A fresh database the served app and this test share: an SQLite file, or a PostgreSQL database of its own."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "FUPIN_TEST_SQLITE")}
    env["FUPIN_HOME"] = str(tmp_path)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield env
        return
    import psycopg

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'fupin'}_deadline_day"
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
    yield env
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def served(database_env, tmp_path):
    env = database_env
    run(env, "init")
    reporters = json.loads(run(env, "shell", "-c", MAKE_REPORTERS).stdout.strip().splitlines()[-1])
    port = free_port()
    log = open(tmp_path / "server.log", "w")
    server = subprocess.Popen([FUPIN, "runserver", "--noreload", f"127.0.0.1:{port}"], env=env, stdout=log,
                              stderr=subprocess.STDOUT)
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    yield f"http://127.0.0.1:{port}", env, reporters, tmp_path / "server.log"
    server.terminate()
    server.wait(timeout=30)
    log.close()


def amounts_for(number: int) -> list[str]:
    return [f"{number}.25", f"0.{number:02d}", "3.333333"]


def test_twenty_units_submit_at_once_and_every_figure_lands(served, tmp_path):
    base, env, reporters, server_log = served
    go = tmp_path / "go"
    clients = []
    for number, (username, unit_id) in enumerate(sorted(reporters.items()), start=1):
        clients.append(subprocess.Popen(
            [sys.executable, str(CLIENT), base, username, "deadline-day-1", str(unit_id), PERIOD, str(go),
             *amounts_for(number)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    time.sleep(2)  # let every process log in and wait at the line
    go.touch()
    results = []
    for client in clients:
        out, err = client.communicate(timeout=300)
        assert client.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    assert len(results) == PROCESSES
    log = server_log.read_text()
    for result in results:
        assert result["errors"] == [], result
        # login 302; start, 3 lines and submit each redirect back (302); the page 200
        assert result["statuses"] == [302, 302, 302, 302, 302, 302, 200], (result, log[-3000:])
        assert result["state"] == "submitted", result
    assert "locked" not in log and "Traceback" not in log and '" 500 ' not in log

    data = json.loads(run(env, "report", "attachment", "--period", PERIOD, "--format", "json").stdout)
    expected = sum(Decimal(a) for n in range(1, PROCESSES + 1) for a in amounts_for(n))
    assert data["line_count"] == 3 * PROCESSES
    assert Decimal(data["total"]) == expected.quantize(Decimal("0.01"))
    timeliness = json.loads(run(env, "report", "timeliness", "--period", PERIOD, "--json").stdout)
    assert len(timeliness["on_time"]) + len(timeliness["late"]) == PROCESSES
