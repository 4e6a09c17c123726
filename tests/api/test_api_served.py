"""The API over HTTP against `fupin serve` (gunicorn, its own process and database): a token made with
`fupin token create` reads the units, a reporter's month goes in with one PUT and up with one POST."""

import json
import os
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest

from tests.reporting.processes import run
from tests.site.servers import database_env, served


@pytest.fixture
def server(tmp_path):
    name = f"{urlsplit(os.environ.get('DATABASE_URL', '')).path.lstrip('/') or 'fupin'}_api_served"
    with database_env(tmp_path, name) as env:
        run(env, "demo")
        with served(env, tmp_path / "server.log") as base:
            yield base, env


def request(base: str, method: str, path: str, token: str | None = None, body=None) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_a_reporters_month_over_http(server):
    base, env = server
    assert request(base, "GET", "/api/v1/units")[0] == 401
    created = run(env, "token", "create", "--user", "wugang", "--label", "舞钢OA")
    token = created.stdout.strip().splitlines()[-1]
    status, units = request(base, "GET", "/api/v1/units", token)
    assert status == 200 and [u["short_name"] for u in units["items"]] == ["舞钢市"]
    unit_id = units["items"][0]["id"]
    body = {"lines": [{"product": "香菇", "source_text": "舞钢市扶贫产品展销中心", "method": "线下", "amount_wan": "1.25"},
                      {"product": "小米", "source_text": "扶贫832平台", "method": "线上", "amount_wan": "0.30"}]}
    status, report = request(base, "PUT", f"/api/v1/units/{unit_id}/reports/2020-11", token, body)
    assert status == 200 and report["total_wan"] == "1.55", report
    status, report = request(base, "POST", f"/api/v1/units/{unit_id}/reports/2020-11/submit", token)
    assert status == 200 and report["status"] == "submitted", report
    status, other = request(base, "GET", f"/api/v1/units/{unit_id + 1}/reports/2020-11", token)
    assert status == 404 and other["code"] == "not_found"
    run(env, "token", "revoke", token[:12])
    assert request(base, "GET", "/api/v1/units", token)[0] == 401
