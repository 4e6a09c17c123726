"""The API's rounds, findings and 上报说明, review queue, aggregates and timeliness, through the test client on the
seed's ledger: each answer equals what the web page shows for the same person, 401 without a token, 404 for a
unit outside the token person's reach, and a list page's queries do not grow with the data behind it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openapi_spec_validator import validate

from fupin.core.periods import Period
from fupin.quality.checks import findings_for_period
from fupin.quality.stored import stale_refresh
from fupin.reporting.models import PurchaseLine, Submission
from fupin.reporting.rounds import round_open
from fupin.units.selectors import unit_find
from fupin.units.services import unit_add
from tests.api.test_api import call, token_for
from tests.factories import submission_make

pytestmark = pytest.mark.django_db
SEED = "2020-01:2020-10"
TWICE = {"lines": [{"product": "小米", "source_text": "扶贫832平台", "method": "线上", "amount_wan": "0.35"}] * 2}
NEW_PATHS = ("/api/v1/rounds", f"/api/v1/rounds/{SEED}", "/api/v1/deadlines?year=2020", "/api/v1/findings",
             "/api/v1/aggregates", "/api/v1/aggregates/dimensions", "/api/v1/timeliness",
             f"/api/v1/units/1/reports/{SEED}/findings")


def queries(client, path, token) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = call(client, "get", path, token)
    assert response.status_code == 200, response.json()
    return len(captured)


def test_every_new_endpoint_answers_401_without_a_token_and_is_documented(client, seeded):
    for path in NEW_PATHS:
        response = call(client, "get", path)
        assert response.status_code == 401, path
        assert response.json()["code"] == "unauthorized"
    spec = client.get("/api/v1/openapi.json").json()
    validate(spec)
    for path in ("/api/v1/rounds", "/api/v1/rounds/{period}", "/api/v1/findings", "/api/v1/aggregates",
                 "/api/v1/aggregates/dimensions", "/api/v1/timeliness",
                 "/api/v1/units/{unit_id}/reports/{period}/findings",
                 "/api/v1/units/{unit_id}/reports/{period}/lines/{line_id}/explanation"):
        assert path in spec["paths"], path
    assert "amount_fen" in spec["components"]["schemas"]["CellOut"]["properties"]


# ---- rounds and deadlines ----------------------------------------------------------------------------------------

def test_rounds_are_the_rounds_pages_rows_with_their_status_counts(client, personas):
    token = token_for(personas.admin.username)
    api = call(client, "get", "/api/v1/rounds?limit=500", token).json()
    client.force_login(personas.admin)
    rows = client.get(reverse("reporting:rounds")).context["rows"]
    assert api["count"] == len(rows)
    assert [(r["period"], r["deadline"], r["rule"]) for r in api["items"]] == [
        (str(row.period), row.deadline.day.isoformat(), row.round.rule) for row in rows]
    seed = next(r for r in api["items"] if r["period"] == SEED)
    assert seed["deadline"] == "2020-10-16" and seed["rule"] == "fixed" and not seed["is_default"]
    assert seed["status_counts"]["approved"] == Submission.objects.filter(
        first_month="2020-01-01", last_month="2020-10-01", status="approved").count() == 28
    assert seed["units"] == 29
    paged = call(client, "get", "/api/v1/rounds?offset=1&limit=1", token).json()
    assert paged["count"] == len(rows) and [r["period"] for r in paged["items"]] == [str(rows[1].period)]


def test_one_round_has_the_timeliness_pages_counts(client, personas):
    token = token_for(personas.admin.username)
    api = call(client, "get", f"/api/v1/rounds/{SEED}", token).json()
    client.force_login(personas.admin)
    t = client.get(reverse("reporting:timeliness") + f"?period={SEED}").context["t"]
    assert api["timeliness"] == {"on_time": len(t.on_time), "late": len(t.late), "missing": len(t.missing)}
    assert api["deadline"] == t.deadline.isoformat() == "2020-10-16"
    assert call(client, "get", "/api/v1/rounds/2020-13", token).json()["code"] == "not_found"
    reporter = call(client, "get", f"/api/v1/rounds/{SEED}", token_for(personas.reporter.username)).json()
    assert reporter["units"] == 1 and reporter["status_counts"]["approved"] == 1  # 叶县 only


def test_deadlines_are_the_calendar_pages_months(client, personas):
    round_open(period=Period.parse("2020-03"), by=personas.admin, rule="workdays_after", workdays_after=5)
    api = call(client, "get", "/api/v1/deadlines?year=2020", token_for(personas.admin.username)).json()
    client.force_login(personas.admin)
    months = client.get(reverse("reporting:calendar") + "?year=2020").context["months"]
    assert [(m["month"], m["deadline"]) for m in api["months"]] == [
        (m["month"], m["deadline"].day.isoformat()) for m in months]
    march = api["months"][2]
    assert march["rule"] == "workdays_after" and not march["is_default"] and march["deadline"] > "2020-03-31"


# ---- a report's findings and 上报说明 ------------------------------------------------------------------------------

def test_a_reports_findings_are_its_check_pages(client, personas):
    unit = unit_find("工交工会")
    sub = Submission.objects.get(unit=unit, first_month="2020-01-01", last_month="2020-10-01")
    api = call(client, "get", f"/api/v1/units/{unit.pk}/reports/{SEED}/findings",
               token_for(personas.admin.username)).json()
    client.force_login(personas.admin)
    page = client.get(reverse("quality:submission", args=[sub.pk])).context["findings"]
    assert [(f["rule"], f["severity"], f["line"], f["message"]) for f in api["findings"]] == [
        (f.rule, f.severity, f.line.position if f.line else None, f.message) for f in page] != []
    assert {f["status"] for f in api["findings"] if f["severity"] == "警告" and f["line"]} == {"needs_explanation"}


def test_findings_of_a_unit_outside_reach_are_404(client, personas):
    token = token_for(personas.reporter.username)
    response = call(client, "get", f"/api/v1/units/{personas.other_unit.pk}/reports/{SEED}/findings", token)
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert call(client, "get", f"/api/v1/units/{personas.unit.pk}/reports/2020-11/findings", token).status_code == 404


def test_a_viewer_does_not_see_a_drafts_findings(client, personas):
    path = f"/api/v1/units/{personas.other_unit.pk}/reports/2020-11"
    assert call(client, "put", path, token_for(personas.outsider.username), TWICE).status_code == 200
    response = call(client, "get", path + "/findings", token_for(personas.viewer.username))
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


def test_an_explanation_put_is_the_webs_save_and_lets_the_report_go_up(client, personas):
    token = token_for(personas.outsider.username)
    path = f"/api/v1/units/{personas.other_unit.pk}/reports/2020-11"
    assert call(client, "put", path, token, TWICE).status_code == 200
    assert call(client, "post", path + "/submit", token).status_code == 409  # a 警告 without 上报说明
    found = call(client, "get", path + "/findings", token).json()
    waiting = [f for f in found["findings"] if f["status"] == "needs_explanation"]
    assert waiting and found["may_explain"] and found["explanations"] == []
    for line_id in {f["line_id"] for f in waiting}:
        answer = call(client, "put", f"{path}/lines/{line_id}/explanation", token,
                      {"explanation": "  分两批采购，两张发票  "})
        assert answer.status_code == 200, answer.json()
    found = answer.json()
    assert {f["status"] for f in found["findings"] if f["line"]} == {"explained"}
    assert [e["explanation"] for e in found["explanations"]] == ["分两批采购，两张发票"] * 2
    record = PurchaseLine.history.filter(id=waiting[0]["line_id"]).latest("history_date")
    assert record.history_change_reason == "填写上报说明" and record.history_user == personas.outsider
    assert call(client, "post", path + "/submit", token).json()["status"] == "submitted"


def test_an_explanation_elsewhere_is_404_and_a_viewer_is_403(client, personas):
    path = f"/api/v1/units/{personas.other_unit.pk}/reports/2020-11"
    call(client, "put", path, token_for(personas.outsider.username), TWICE)
    line = PurchaseLine.objects.filter(submission__unit=personas.other_unit, submission__first_month="2020-11-01")[0]
    body = {"explanation": "不该保存"}
    reporter = call(client, "put", f"{path}/lines/{line.pk}/explanation", token_for(personas.reporter.username), body)
    assert reporter.status_code == 404
    own = f"/api/v1/units/{personas.unit.pk}/reports/2020-11/lines/{line.pk}/explanation"  # not that report's line
    assert call(client, "put", own, token_for(personas.reporter.username), body).status_code == 404
    viewer = call(client, "put", f"{path}/lines/{line.pk}/explanation", token_for(personas.viewer.username), body)
    assert viewer.status_code == 403
    line.refresh_from_db()
    assert line.explanation == ""


# ---- the review queue --------------------------------------------------------------------------------------------

def test_the_queue_holds_every_finding_of_the_period_for_the_office_only(client, personas):
    token = token_for(personas.admin.username)
    every = findings_for_period(period=Period.parse(SEED), user=personas.admin)
    api = call(client, "get", f"/api/v1/findings?period={SEED}&limit=500", token).json()
    assert api["count"] == len(every) == len(api["items"]) and not api["count_capped"]
    # a duplicate group's every line carries the whole group, as the checks give it (its row stores only the first)
    key = lambda f: (f["unit_id"], f["rule"], f["line_id"], f["message"], f["related_lines"])  # noqa: E731
    assert sorted(map(key, api["items"])) == sorted(
        (f.unit.pk, f.rule, f.line.pk if f.line else None, f.message, f.related) for f in every)
    assert sum(len(f["related_lines"]) > 1 for f in api["items"] if f["rule"] == "duplicate_channel") >= 2
    warnings = call(client, "get", f"/api/v1/findings?period={SEED}&severity=警告&limit=500", token).json()
    assert warnings["count"] == sum(f.severity == "警告" for f in every)
    unit = unit_find("工交工会")
    one = call(client, "get", f"/api/v1/findings?period={SEED}&unit={unit.pk}&rule=duplicate_channel", token).json()
    assert one["count"] == sum(f.unit == unit and f.rule == "duplicate_channel" for f in every) > 0
    assert call(client, "get", f"/api/v1/findings?period={SEED}&unit=工交工会&rule=duplicate_channel",
                token).json()["count"] == one["count"]
    assert call(client, "get", "/api/v1/findings?rule=nonsense", token).json()["code"] == "invalid_input"
    refused = call(client, "get", "/api/v1/findings", token_for(personas.reporter.username))
    assert refused.status_code == 403 and "市总" in refused.json()["message"]


# ---- aggregates --------------------------------------------------------------------------------------------------

def _pivot_page(client, user, query: str):
    client.force_login(user)
    return client.get(reverse("insights:pivot") + "?" + query).context["pivot"]


def test_aggregates_are_the_pivot_pages_figures(client, personas):
    token = token_for(personas.admin.username)
    for query in (f"period={SEED}&rows=unit&cols=channel", f"period={SEED}&rows=channel&cols=method",
                  f"period={SEED}&rows=type&cols=&method=线上",
                  f"period={SEED}&rows=unit&cols=&method=线上&method=线下&kind=county", f"period={SEED}&rows=kind&cols=month&measure=lines"):
        api = call(client, "get", "/api/v1/aggregates?" + query, token).json()
        page = _pivot_page(client, personas.admin, query)
        assert [r["label"] for r in api["items"]] == [str(label) for _, label in page.row_values], query
        assert [c["label"] for c in api["columns"]] == [str(label) for _, label in page.col_values]
        field = "lines" if page.measure == "lines" else "amount_fen"
        assert [[c and c[field] for c in r["cells"]] for r in api["items"]] == [cells for _, cells, _ in page.table()]
        assert [r["total"][field] for r in api["items"]] == [total for _, _, total in page.table()]
        assert api["total"][field] == page.value(page.total)
    whole = call(client, "get", f"/api/v1/aggregates?period={SEED}&rows=method&cols=", token).json()
    assert whole["total"]["amount_wan"] == "3341.57" and whole["total"]["amount_fen"] == 3341574000
    assert isinstance(whole["items"][0]["total"]["amount_wan"], str)


def test_aggregates_of_a_unit_outside_reach_are_404_and_a_wrong_dimension_422(client, personas):
    token = token_for(personas.reporter.username)
    response = call(client, "get", f"/api/v1/aggregates?unit={personas.other_unit.pk}", token)
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    own = call(client, "get", f"/api/v1/aggregates?period={SEED}", token).json()
    assert own["unit_id"] == personas.unit.pk  # the reporter's subtree
    wrong = call(client, "get", "/api/v1/aggregates?rows=colour", token)
    assert wrong.status_code == 422 and wrong.json()["details"][0].startswith("rows：")


def test_the_dimensions_are_the_pivot_forms(client, personas):
    api = call(client, "get", "/api/v1/aggregates/dimensions", token_for(personas.reporter.username)).json()
    assert [d["value"] for d in api["dimensions"]] == ["unit", "kind", "channel", "method", "type", "month"]
    assert [f["name"] for f in api["filters"]] == ["channel", "method", "type", "kind"]
    methods = next(f for f in api["filters"] if f["name"] == "method")["choices"]
    assert [c["value"] for c in methods] == ["线上", "线下", ""]


# ---- timeliness --------------------------------------------------------------------------------------------------

def test_timeliness_is_the_pages_table(client, personas):
    token = token_for(personas.admin.username)
    api = call(client, "get", f"/api/v1/timeliness?period={SEED}&limit=500", token).json()
    client.force_login(personas.admin)
    t = client.get(reverse("reporting:timeliness") + f"?period={SEED}").context["t"]
    assert (api["on_time"], api["late"], api["missing"]) == (len(t.on_time), len(t.late), len(t.missing))
    assert [(r["unit_id"], r["status"], r["days_late"]) for r in api["items"]] == [
        (e.unit.pk, e.status, e.days_late) for e in t.units]
    late = call(client, "get", f"/api/v1/timeliness?period={SEED}&status=late&offset=2&limit=3", token).json()
    assert late["count"] == len(t.late) and [r["unit_id"] for r in late["items"]] == [e.unit.pk for e in t.late[2:5]]
    assert {r["status_label"] for r in late["items"]} == {"逾期"}
    mine = call(client, "get", f"/api/v1/timeliness?period={SEED}", token_for(personas.reporter.username)).json()
    assert [r["unit"] for r in mine["items"]] == ["叶县"]


# ---- paging is bounded -------------------------------------------------------------------------------------------

def _grow(personas, n: int) -> None:
    """n more units, each with a report holding two lines from one channel (a 警告 each), and n more rounds."""
    root = unit_find("平顶山市总工会") or personas.unit.parent
    for i in range(n):
        unit = unit_add(parent=root, short_name=f"新增工会{i}", by=personas.admin)
        submission_make(unit, SEED, amounts=("1.5", "1.5"), status="submitted", by=personas.admin)
        round_open(period=Period.month(2019, i + 1), by=personas.admin)


def test_list_pages_read_a_fixed_number_of_queries_whatever_the_data(client, personas):
    token = token_for(personas.admin.username)
    paths = ("/api/v1/rounds?limit=5", f"/api/v1/findings?period={SEED}&limit=5",
             f"/api/v1/timeliness?period={SEED}&limit=5", "/api/v1/units?limit=5")
    for path in paths:
        queries(client, path, token)  # warm: caches of the channel list and the calendar
    before = {path: queries(client, path, token) for path in paths}
    counts = [call(client, "get", path, token).json()["count"] for path in paths]
    _grow(personas, 6)
    stale_refresh()  # the writes' own refresh, which runs as they commit (the test's transaction never commits)
    after = {path: queries(client, path, token) for path in paths}
    assert after == before
    grown = [call(client, "get", path, token).json()["count"] for path in paths]
    assert [b - a for i, (a, b) in enumerate(zip(counts, grown, strict=True)) if i != 1] == [6, 6, 6]
    assert grown[1] == len(findings_for_period(period=Period.parse(SEED), user=personas.admin)) > counts[1]
