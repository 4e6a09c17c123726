"""A city and a province, each its own fupin on its own database, both served on 127.0.0.1: the city pushes the
seed's period; the province's attachment shows the city at 3341.57; a corrected push replaces it (a new version,
the same push twice changes nothing); a push with figures the city has not approved is refused, as is a push
with a wrong token."""

import json
import os
import subprocess
import urllib.request
from contextlib import ExitStack
from urllib.parse import urlsplit

import pytest

from tests.reporting.processes import FUPIN, run
from tests.site.servers import database_env, healthz, served

SEED = "2020-01:2020-10"

PROVINCE_SETUP = """
from fupin.quality.taxonomy import taxonomy_load_default
from fupin.units.models import Membership, Role, Unit, UnitKind
from django.contrib.auth import get_user_model
from fupin.units.people import system_user
system_user()
taxonomy_load_default()
province = Unit.objects.create(name="河南省总工会", short_name="河南省总工会", kind=UnitKind.PROVINCE)
for order, name in enumerate(["郑州市", "平顶山市", "洛阳市"], start=1):
    Unit.objects.create(parent=province, name=name + "总工会", short_name=name, kind=UnitKind.CITY, order=order)
city = Unit.objects.get(short_name="平顶山市")
user = get_user_model().objects.create_user(username="pingdingshan", password="not-used-here-1")
Membership.objects.create(user=user, unit=city, role=Role.REPORTER)
"""

CORRECT_A_LINE = """
from fupin.core.periods import Period
from fupin.reporting.models import Submission
from fupin.reporting.services import line_update, submission_approve, submission_unlock
from fupin.units.people import system_user
from fupin.units.selectors import unit_find
by = system_user()
sub = Submission.objects.get(unit=unit_find("叶县"), first_month="2020-01-01", last_month="2020-10-01")
sub = submission_unlock(submission=sub, by=by, reason="核对发现金额录错")
line = sub.lines.order_by("position").first()
line_update(line=line, by=by, reason="核对发现金额录错", amount_fen=line.amount_fen + 100000)
{approve}
"""


def province_view(base: str, token: str, path: str) -> dict:
    """The province's ranking or drill-down (/api/v1/federation/cities…), as the city's own account reads it."""
    request = urllib.request.Request(base + "/api/v1/federation/cities" + path,
                                     headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def attachment(env) -> dict:
    return json.loads(run(env, "report", "attachment", "--period", SEED, "--format", "json").stdout)


def subtotal(data: dict, unit: str) -> str:
    return next(u["subtotal"] for u in data["units"] if u["unit"] == unit)


@pytest.fixture
def two_instances(tmp_path):
    base_name = urlsplit(os.environ.get("DATABASE_URL", "")).path.lstrip("/") or "fupin"
    with ExitStack() as stack:
        (tmp_path / "city").mkdir()
        (tmp_path / "province").mkdir()
        city = stack.enter_context(database_env(tmp_path / "city", f"{base_name}_fed_city"))
        province = stack.enter_context(database_env(tmp_path / "province", f"{base_name}_fed_province"))
        run(city, "demo")
        run(province, "migrate")
        run(province, "shell", "-c", PROVINCE_SETUP)
        token = run(province, "token", "create", "--user", "pingdingshan", "--label", "平顶山市推送"
                    ).stdout.strip().splitlines()[-1]
        city_base = stack.enter_context(served(city, tmp_path / "city.log"))
        province_base = stack.enter_context(served(province, tmp_path / "province.log"))
        yield city, province, city_base, province_base, token


def test_the_city_pushes_its_approved_figures_to_the_province(two_instances):
    city, province, city_base, province_base, token = two_instances
    assert healthz(city_base)[0] == 200
    bad = subprocess.run([FUPIN, "push", "--to", province_base, "--token", "fpn_wrong", "--period", SEED],
                         env=city, capture_output=True, text=True, timeout=300)
    assert bad.returncode == 1 and "401" in bad.stderr and "令牌" in bad.stderr
    pushed = run(city, "push", "--to", province_base, "--token", token, "--period", SEED)
    answer = json.loads(pushed.stdout.strip().splitlines()[-1])
    assert answer["version"] == 1 and answer["unchanged"] is False and "3341.57" in pushed.stdout
    data = attachment(province)
    assert subtotal(data, "平顶山市") == "3341.57" and data["total"] == "3341.57"
    # drill into the units below the city, as pushed: each line names the unit it came from
    lines = next(u for u in data["units"] if u["unit"] == "平顶山市")["lines"]
    assert {"叶县", "舞钢市", "郏县"} <= {line["product"] for line in lines}

    again = json.loads(run(city, "push", "--to", province_base, "--token", token, "--period", SEED
                           ).stdout.strip().splitlines()[-1])
    assert again["unchanged"] is True and again["version"] == 1

    run(city, "shell", "-c", CORRECT_A_LINE.format(
        approve="submission_approve(submission=Submission.objects.get(pk=sub.pk), by=by)"))
    corrected = json.loads(run(city, "push", "--to", province_base, "--token", token, "--period", SEED
                               ).stdout.strip().splitlines()[-1])
    assert corrected["version"] == 2 and corrected["unchanged"] is False
    assert subtotal(attachment(province), "平顶山市") == "3341.67"
    # the province's ranking and drill-down, from the receipts of these pushes
    city_id = answer["unit_id"]
    ranked = json.loads(run(province, "province", "ranking", "--period", SEED, "--format", "json").stdout)
    assert [(c["city"], c["rank"], c["total"], c["version"], c["pushes"]) for c in ranked["cities"]][0] == (
        "平顶山市", 1, "3341.67", 2, 3)
    drill = province_view(province_base, token, f"/{city_id}/{SEED}")
    assert drill["total"] == "3341.67" and {"叶县", "舞钢市", "郏县"} <= {u["short_name"] for u in drill["units"]}
    assert [(h["version"], h["unchanged"]) for h in drill["history"]] == [(2, False), (1, True), (1, False)]
    assert subtotal(attachment(city), "叶县") != "—"


def test_a_push_of_unapproved_figures_is_refused(two_instances):
    city, province, city_base, province_base, token = two_instances
    run(city, "shell", "-c", CORRECT_A_LINE.format(approve=""))  # unlocked and changed, not approved again
    refused = subprocess.run([FUPIN, "push", "--to", province_base, "--token", token, "--period", SEED],
                             env=city, capture_output=True, text=True, timeout=300)
    assert refused.returncode == 1 and "尚未审核，不能推送" in refused.stderr and "叶县" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert attachment(province)["total"] == "0.00"
