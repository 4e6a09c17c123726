"""Deadline day: 20 units' reporters submit at the same moment, each from its own process, against a served app
(`fupin serve`, gunicorn, in its own process, on a file database — SQLite, or PostgreSQL when DATABASE_URL names one).
Every submission lands, none fails with a lock error, and the figures add up."""

import json
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest

from tests.reporting.processes import run
from tests.site.servers import served as serving

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
STALE_COUNT = "from fupin.quality.models import StaleReport; print(StaleReport.objects.count())"
STORED_ITEMS = """
import json
from fupin.quality.models import ReviewItem
print(json.dumps(sorted(ReviewItem.objects.values_list("submission_id", "section", "rule", "line_id", "message"))))
"""


@pytest.fixture
def served(database_env, tmp_path):
    env = database_env
    run(env, "init")
    reporters = json.loads(run(env, "shell", "-c", MAKE_REPORTERS).stdout.strip().splitlines()[-1])
    with serving(env, tmp_path / "server.log") as base:
        yield base, env, reporters, tmp_path / "server.log"


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

    # Under `fupin serve` the review queue is refreshed by a thread of each worker (quality/background.py), not by
    # the request that wrote: no reader has asked, yet every report's items come to be stored, and they are what a
    # rebuild computes.
    for _ in range(30):  # each look is a process of its own, most of a second
        if run(env, "shell", "-c", STALE_COUNT).stdout.split()[-1] == "0":
            break
        time.sleep(0.2)
    else:
        raise AssertionError("the served workers left reports unrefreshed")
    stored = run(env, "shell", "-c", STORED_ITEMS).stdout.strip().splitlines()[-1]
    assert len({item[0] for item in json.loads(stored)}) == PROCESSES, stored  # each has its 缺少消费类型 at least
    run(env, "findings", "rebuild")
    assert run(env, "shell", "-c", STORED_ITEMS).stdout.strip().splitlines()[-1] == stored
