"""The REST API through Django's test client: tokens (create once, list, revoke), 401 without one, 404 for a unit
the token's person may not see, a reporter's month PUT and submit judged exactly as the web judges it, the
attachment equal to the command's JSON, and an OpenAPI document that validates."""

import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from openapi_spec_validator import validate

from fupin.quality.checks import submission_blocking_findings
from fupin.reporting.models import PurchaseLine, Status, Submission

pytestmark = pytest.mark.django_db
PERIOD = "2020-11"


def token_for(username: str, label: str = "测试") -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("token", "create", "--user", username, "--label", label, stdout=out, stderr=err)
    assert "只显示这一次" in err.getvalue()
    return out.getvalue().strip().splitlines()[-1]


def call(client, method: str, path: str, token: str | None = None, body=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    if body is not None:
        return getattr(client, method)(path, data=json.dumps(body, ensure_ascii=False),
                                       content_type="application/json", **headers)
    return getattr(client, method)(path, **headers)


MONTH = {"summary": "组织职工采购扶贫产品", "lines": [
    {"product": "香菇", "source_text": "叶县扶贫产品展示中心", "method": "线下", "amount_wan": "2.5",
     "purchase_date": "2020-11-03"},
    {"product": "小米", "source_text": "扶贫832平台", "method": "线上", "amount_wan": "0.35", "quantity_tons": "0.7"},
]}


def test_without_a_token_every_endpoint_answers_401_in_chinese(client, seeded):
    for path in ("/api/v1/units", "/api/v1/reports/attachment?period=2020-10", "/api/v1/units/1/reports/2020-01:2020-10"):
        response = call(client, "get", path)
        assert response.status_code == 401
        assert response.json()["code"] == "unauthorized" and "令牌" in response.json()["message"]
    assert call(client, "get", "/api/v1/units", token="fpn_not-a-real-token").status_code == 401


def test_a_revoked_token_stops_working_and_stays_listed(client, personas):
    token = token_for(personas.reporter.username)
    assert call(client, "get", "/api/v1/units", token).status_code == 200
    out = io.StringIO()
    call_command("token", "list", stdout=out)
    assert token[:12] in out.getvalue() and token not in out.getvalue()  # the list never shows a whole token
    call_command("token", "revoke", token[:12], stdout=io.StringIO())
    assert call(client, "get", "/api/v1/units", token).status_code == 401
    out = io.StringIO()
    call_command("token", "list", "--all", stdout=out)
    assert "已吊销" in out.getvalue()


def test_a_token_sees_the_units_its_person_sees(client, personas):
    reporter = call(client, "get", "/api/v1/units", token_for(personas.reporter.username)).json()
    assert [u["short_name"] for u in reporter["items"]] == ["叶县"]
    office = call(client, "get", "/api/v1/units?limit=10", token_for(personas.admin.username)).json()
    assert office["count"] == 30 and len(office["items"]) == 10 and office["items"][0]["parent_id"] is None


def test_another_units_report_is_404_for_a_reporter(client, personas):
    token = token_for(personas.reporter.username)
    path = f"/api/v1/units/{personas.other_unit.pk}/reports/2020-01:2020-10"
    assert call(client, "get", path, token).status_code == 404
    response = call(client, "put", f"/api/v1/units/{personas.other_unit.pk}/reports/{PERIOD}", token, MONTH)
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert not Submission.objects.filter(unit=personas.other_unit, first_month="2020-11-01").exists()


def test_a_viewer_may_read_but_not_put(client, personas):
    token = token_for(personas.viewer.username)
    assert call(client, "get", f"/api/v1/units/{personas.unit.pk}/reports/2020-01:2020-10", token).status_code == 200
    response = call(client, "put", f"/api/v1/units/{personas.unit.pk}/reports/{PERIOD}", token, MONTH)
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


def test_a_month_put_then_submit(client, personas):
    """舞钢市 has no 审核人: the PUT stores both lines with their audit rows, the submit sends the report up."""
    token = token_for(personas.outsider.username)
    path = f"/api/v1/units/{personas.other_unit.pk}/reports/{PERIOD}"
    response = call(client, "put", path, token, MONTH)
    assert response.status_code == 200, response.json()
    report = response.json()
    assert report["status"] == "draft" and report["total_wan"] == "2.85" and report["line_count"] == 2
    assert [line["amount_fen"] for line in report["lines"]] == [2500000, 350000]
    assert report["lines"][1]["quantity_tons"] == "0.7"
    sub = Submission.objects.get(unit=personas.other_unit, first_month="2020-11-01")
    assert PurchaseLine.history.filter(submission_id=sub.pk, history_type="+",
                                       history_user=personas.outsider).count() == 2
    again = call(client, "put", path, token, {"lines": MONTH["lines"][:1]})  # PUT replaces, it does not add
    assert again.json()["line_count"] == 1 and again.json()["total_wan"] == "2.50"
    submitted = call(client, "post", path + "/submit", token)
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    assert Submission.objects.get(pk=sub.pk).status == Status.SUBMITTED
    refused = call(client, "put", path, token, MONTH)  # waiting for the office: the unit may not change it
    assert refused.status_code == 409 and "等待市总审核" in refused.json()["message"]


def test_a_refused_line_names_its_line_and_field_and_nothing_is_stored(client, personas):
    token = token_for(personas.reporter.username)
    body = {"lines": [MONTH["lines"][0], {**MONTH["lines"][1], "amount_wan": "-3"},
                      {"product": "土鸡蛋", "method": "线下", "amount_wan": "一万"}]}
    response = call(client, "put", f"/api/v1/units/{personas.unit.pk}/reports/{PERIOD}", token, body)
    assert response.status_code == 422
    data = response.json()
    assert data["code"] == "lines_refused"
    assert {(e["line"], e["field"]) for e in data["lines"]} >= {(2, "amount"), (3, "amount"), (3, "source")}
    assert not PurchaseLine.objects.filter(submission__unit=personas.unit, submission__first_month="2020-11-01").exists()


def test_the_api_and_the_web_refuse_the_same_submission_with_the_same_findings(client, personas):
    """Two lines of one product from one channel are a 警告 awaiting 上报说明, on either face."""
    twice = {"lines": [MONTH["lines"][1], MONTH["lines"][1]]}
    token = token_for(personas.outsider.username)
    path = f"/api/v1/units/{personas.other_unit.pk}/reports/{PERIOD}"
    assert call(client, "put", path, token, twice).status_code == 200
    refused = call(client, "post", path + "/submit", token)
    assert refused.status_code == 409
    sub = Submission.objects.get(unit=personas.other_unit, first_month="2020-11-01")
    errors, unexplained = submission_blocking_findings(sub)
    assert refused.json()["details"] == [f"{f.severity}：{f.message}" for f in errors + unexplained] != []

    client.force_login(personas.outsider)
    web = client.post(reverse("reporting:submit", kwargs={"unit_id": personas.other_unit.pk, "period": PERIOD}),
                      follow=True).content.decode()
    for detail in refused.json()["details"]:
        assert detail in web


def test_the_attachment_is_the_commands_json(client, personas):
    out = io.StringIO()
    call_command("report", "attachment", "--period", "2020-01:2020-10", "--format", "json", stdout=out)
    token = token_for(personas.admin.username)
    response = call(client, "get", "/api/v1/reports/attachment?period=2020-01:2020-10", token)
    assert response.status_code == 200
    assert response.json() == json.loads(out.getvalue())
    assert response.json()["total"] == "3341.57"


def test_bad_input_is_json_in_chinese(client, personas):
    token = token_for(personas.reporter.username)
    response = call(client, "put", f"/api/v1/units/{personas.unit.pk}/reports/{PERIOD}", token, {"rows": []})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input" and response.json()["message"] == "请求内容不符合接口格式"
    assert call(client, "get", f"/api/v1/units/{personas.unit.pk}/reports/2020-13", token).status_code == 404


def test_the_openapi_document_is_valid_and_the_docs_page_is_served_locally(client, seeded):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    validate(spec)
    assert "/api/v1/units/{unit_id}/reports/{period}" in spec["paths"]
    docs = client.get("/api/v1/docs").content.decode()
    assert "swagger-ui-bundle.js" in docs and "cdn" not in docs.lower()


def test_the_office_manages_tokens_on_a_page(client, personas):
    client.force_login(personas.admin)
    page = client.post(reverse("api_tokens"), {"username": personas.reporter.username, "label": "叶县OA"})
    text = page.content.decode()
    assert page.status_code == 200 and 'data-testid="token-value"' in text
    token = text.split('data-testid="token-value">')[1].split("<")[0]
    assert call(client, "get", "/api/v1/units", token).status_code == 200
    listed = client.get(reverse("api_tokens")).content.decode()
    assert token not in listed and token[:12] in listed and "叶县OA" in listed
    from fupin.api.models import ApiToken

    record = ApiToken.objects.get(prefix=token[:12])
    client.post(reverse("api_token_revoke", args=[record.pk]))
    assert call(client, "get", "/api/v1/units", token).status_code == 401
    assert client.post(reverse("api_tokens"), {"username": "nobody"}).status_code == 422


def test_only_the_office_manages_tokens(client, personas):
    client.force_login(personas.reporter)
    assert client.get(reverse("api_tokens")).status_code == 403
    assert client.put(reverse("api_tokens")).status_code == 405
