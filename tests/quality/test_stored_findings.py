"""The review queue reads stored items (quality.models.ReviewItem): they follow each write as it commits (a report
going up, a line corrected, the office excluding or confirming), equal what the checks compute on demand and what
`fupin findings rebuild` computes, and a page asks the same queries however large the ledger."""

import io
import json
import threading
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fupin.core.money import wan_to_fen
from fupin.core.periods import Period
from fupin.quality import background
from fupin.quality import stored as stored_items
from fupin.quality.checks import findings_for_period
from fupin.quality.findings import distinct_findings
from fupin.quality.models import ReviewItem, StaleReport
from fupin.quality.stored import stale_refresh, stale_refresh_of
from fupin.reporting.exclusions import line_exclude
from fupin.reporting.models import PurchaseLine, Status, Submission
from fupin.reporting.services import (
    LineInput,
    line_update,
    lines_bulk_add,
    submission_create,
    submission_submit,
)
from fupin.units.selectors import unit_find
from tests.factories import PASSWORD
from tests.statements import statements_in_transactions

NOV = Period.parse("2020-11")
QUEUE = "/quality/review/?period=2020-11"
Section = ReviewItem.Section


def messy(n: int = 0) -> list[LineInput]:
    """A month as units write it: a line without a method, one without a channel, a plain duplicate pair, a
    line of the circular's kinds; every line explained, so the report may go up."""
    why = "凭证已核对"
    return [LineInput(amount_fen=wan_to_fen("1.2"), product=f"蜂蜜{n}", source_text="农户", channel_code="FARM",
                      explanation=why),
            LineInput(amount_fen=wan_to_fen("0.8"), product=f"杂粮{n}", source_text=f"某帮扶点{n}号",
                      method_text="线下", method="线下", explanation=why),
            LineInput(amount_fen=wan_to_fen("2"), product=f"香菇{n}", source_text="农户", channel_code="FARM",
                      method_text="线下", method="线下", explanation=why),
            LineInput(amount_fen=wan_to_fen("2"), product=f"香菇{n}", source_text="农户", channel_code="FARM",
                      method_text="线下", method="线下", explanation=why)]


def stored(submission=None) -> set[tuple]:
    items = ReviewItem.objects.all() if submission is None else ReviewItem.objects.filter(submission=submission)
    return set(items.values_list("section", "rule", "severity", "line_id", "submission_id", "unit_path",
                                 "first_month", "status", "position", "amount_fen", "message"))


def office(client, personas):
    assert client.login(username=personas.admin.username, password=PASSWORD)
    return client


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what a write does once it commits (the tests' transaction never does). The seed's own marks are
    refreshed first, as its commit would have."""
    stale_refresh()

    def run():
        return django_capture_on_commit_callbacks(execute=True)
    return run


def test_findings_appear_when_a_report_goes_up_and_not_while_it_is_a_draft(personas, committed):
    unit = unit_find("舞钢市")
    with committed():
        draft = submission_create(unit=unit, period=NOV, lines=messy(), by=personas.outsider)
    assert not stored(draft) and not StaleReport.objects.exists()
    with committed():
        submission_submit(submission=draft, by=personas.outsider)
    assert not StaleReport.objects.exists(), "the refresh ran as the submit committed"
    found = {(section, rule) for section, rule, *_ in stored(draft)}
    assert {(Section.FINDINGS, "method_unclear"), (Section.DUPLICATES, "duplicate_channel"),
            (Section.GROUP, "duplicate_channel"), (Section.WAITING, ""), (Section.CHANNEL, "channel_unclear")} <= found


def test_a_corrected_line_loses_its_finding_and_the_queue_says_so(client, personas, committed):
    unit = unit_find("舞钢市")
    with committed():
        report = submission_create(unit=unit, period=NOV, lines=messy(), by=personas.outsider,
                                   status=Status.SUBMITTED)
    line = report.lines.get(position=1)
    page = office(client, personas).get(QUEUE).content.decode()
    assert "第1行未填写采购方式" in page
    with committed():
        line_update(line=line, by=personas.admin, reason="按凭证更正", method_text="线下", method="线下")
    assert not ReviewItem.objects.filter(line=line, rule="method_unclear").exists()
    assert "第1行未填写采购方式" not in client.get(QUEUE).content.decode()


def test_the_offices_exclusion_and_confirmation_move_the_stored_items(client, personas, committed):
    unit = unit_find("舞钢市")
    with committed():
        report = submission_create(unit=unit, period=NOV, lines=messy(), by=personas.outsider,
                                   status=Status.SUBMITTED)
    office(client, personas)
    flagged, waiting = report.lines.get(position=1), report.lines.get(position=2)
    with committed():
        client.post(reverse("quality:line_exclude", args=[flagged.pk]), {"reason": "核实后不属于消费"})
    assert set(ReviewItem.objects.filter(line=flagged).values_list("section", flat=True)) == {Section.EXCLUDED}
    page = client.get(QUEUE).content.decode()
    assert f'<tr data-line="{flagged.pk}">' in page and "核实后不属于消费" in page
    with committed():
        client.post(reverse("quality:line_channel", args=[waiting.pk]), {"code": "FARM"})
    assert not ReviewItem.objects.filter(line=waiting, section=Section.WAITING).exists()
    assert f'data-line="{waiting.pk}" data-source' not in client.get(QUEUE).content.decode()


def test_stored_items_equal_the_checks_on_demand_and_a_rebuild(personas, committed):
    """Several units' reports, an outlier that appears when a later report of the unit lowers its usual amounts,
    a report returned: the items kept write by write are those a rebuild computes from scratch, and count the
    findings as the circular does."""
    units = [unit_find(name) for name in ("舞钢市", "宝丰", "叶县")]
    with committed():
        for n, unit in enumerate(units):
            submission_create(unit=unit, period=Period.parse("2020-12"), lines=messy(n), by=personas.admin,
                              status=Status.SUBMITTED, replace=True)
        small = [LineInput(amount_fen=10_000 + 37 * i, product=f"鸡蛋{i}", source_text="农户", channel_code="FARM",
                           method_text="线下", method="线下") for i in range(30)]
        submission_create(unit=units[0], period=Period.parse("2021-01"), lines=small, by=personas.admin,
                          status=Status.SUBMITTED)
        returned = Submission.objects.get(unit=units[1], first_month__year=2020, first_month__month=12)
        Submission.objects.filter(pk=returned.pk).update(status=Status.RETURNED)
        returned.refresh_from_db()
        returned.save()
    assert ReviewItem.objects.filter(rule="amount_outlier", submission__unit=units[0]).exists(), \
        "the January report makes the unit's December amounts stand out"
    assert not stored(returned)
    incremental = stored()
    call_command("findings", "rebuild", stdout=io.StringIO())
    assert stored() == incremental

    whole = Period.parse("2020-01:2021-01")
    findings = findings_for_period(period=whole)
    rows = ReviewItem.objects.exclude(section__in=[Section.WAITING, Section.EXCLUDED])
    assert sorted((f.rule, f.severity, f.line.pk if f.line else None, f.submission.pk, f.message) for f in findings) \
        == sorted(rows.values_list("rule", "severity", "line_id", "submission_id", "message"))
    assert len(distinct_findings(findings)) == rows.exclude(section=Section.GROUP).count()
    waiting = PurchaseLine.objects.filter(submission__status__in=[Status.SUBMITTED, Status.APPROVED],
                                          channel_code="", excluded=False)
    assert set(waiting.values_list("pk", flat=True)) == set(
        ReviewItem.objects.filter(section=Section.WAITING).values_list("line_id", flat=True))


def grow(admin, per_unit: int) -> None:
    for name in ("宝丰", "叶县", "鲁山"):
        submission = Submission.objects.get(unit=unit_find(name))  # the seed's report
        start = submission.lines.count() + 1
        lines = []
        for i in range(per_unit):
            lines += messy(i)[i % 4:i % 4 + 1]
        lines_bulk_add(submission=submission, lines=lines, by=admin, start=start)


@pytest.mark.parametrize("query", ["", "&rule=method_unclear", "&severity=提示", "&unit=叶县&status=submitted",
                                   "&findings_page=2&waiting_page=2"])
def test_a_queue_page_asks_the_same_queries_of_a_ledger_ten_times_larger(client, personas, committed,
                                                                          django_assert_num_queries, query):
    office(client, personas)
    url = "/quality/review/?period=2020-01:2020-10" + query
    with committed():
        grow(personas.admin, 40)
    client.get(url)  # the session's first request writes to it
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    with committed():
        grow(personas.admin, 400)
    assert ReviewItem.objects.filter(section=Section.FINDINGS).count() > 300
    with django_assert_num_queries(len(small)):
        page = client.get(url)
    assert page.status_code == 200 and "审核队列" in page.content.decode()


def test_a_reader_heals_reports_whose_refresh_did_not_run(client, personas):
    """Without the commit (this test's transaction never commits), the marks stay; the queue refreshes them."""
    report = submission_create(unit=unit_find("舞钢市"), period=NOV, lines=messy(), by=personas.admin,
                               status=Status.SUBMITTED)
    assert StaleReport.objects.filter(submission_id=report.pk).exists()
    assert "第1行未填写采购方式" in office(client, personas).get(QUEUE).content.decode()
    assert not StaleReport.objects.exists()


def test_a_new_non_consumption_word_reaches_the_reports_already_reviewed(client, personas, committed):
    with committed():
        report = submission_create(unit=unit_find("舞钢市"), period=NOV, by=personas.admin, status=Status.SUBMITTED,
                                   lines=[LineInput(amount_fen=wan_to_fen("1"), product="周末团建", source_text="农户",
                                                    channel_code="FARM", method_text="线下", method="线下")])
    assert not ReviewItem.objects.filter(submission=report, rule="not_consumption").exists()
    office(client, personas)
    with committed():
        client.post(reverse("quality:screening"), {"word": "团建", "reason": "团建活动是单位福利开支"})
    assert ReviewItem.objects.filter(submission=report, rule="not_consumption").exists()
    assert "团建活动是单位福利开支" in client.get(QUEUE).content.decode()


def test_a_moved_unit_is_found_under_its_new_parent(client, personas, committed):
    from fupin.units.services import unit_move

    with committed():
        submission_create(unit=unit_find("舞钢市"), period=NOV, lines=messy(), by=personas.admin,
                          status=Status.SUBMITTED)
        unit_move(unit=unit_find("舞钢市"), parent=unit_find("叶县"), by=personas.admin, reason="测试调整隶属")
    page = office(client, personas).get(QUEUE + "&unit=叶县").content.decode()
    assert "第1行未填写采购方式" in page


def test_fupin_check_prints_the_stored_findings_as_the_checks_compute_them(personas, committed):
    with committed():
        submission_create(unit=unit_find("舞钢市"), period=Period.parse("2020-10"), lines=messy(), by=personas.admin,
                          status=Status.SUBMITTED)
    out = io.StringIO()
    call_command("check", "--period", "2020-01:2020-10", "--json", stdout=out)
    computed = [f.as_json() for f in findings_for_period(period=Period.parse("2020-01:2020-10"))]
    assert json.loads(out.getvalue())["findings"] == computed and len(computed) > 20


ahead_of_its_transaction = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="PostgreSQL computes a refresh inside its transaction, under its units' locks")


def refreshed_with(report, meanwhile):
    """Refresh `report` as a worker does, with `meanwhile` committed after the refresh has computed its items and
    before its write transaction (another request, and another worker's refresher, between the two)."""
    compute, calls = stored_items._computed, []

    def computed_then_meanwhile(submission_ids, ground):
        found = compute(submission_ids, ground)
        if submission_ids == [report.pk]:  # not the other worker's
            calls.append(ground)
            if len(calls) == 1:
                meanwhile()
        return found

    with mock.patch.object(stored_items, "_computed", computed_then_meanwhile):
        assert stale_refresh_of([report.pk]) == 1
    return len(calls)  # 2: computed again inside the transaction


def as_rebuilt() -> set[tuple]:
    call_command("findings", "rebuild", stdout=io.StringIO())
    return stored()


@ahead_of_its_transaction
def test_a_line_corrected_while_its_report_is_refreshed_is_not_overwritten_by_that_refresh(personas, committed):
    unit = unit_find("舞钢市")
    with committed():
        report = submission_create(unit=unit, period=NOV, lines=messy(), by=personas.admin, status=Status.SUBMITTED)
    unclear, other = report.lines.get(position=1), report.lines.get(position=3)
    line_update(line=other, by=personas.admin, reason="补记说明", note="凭证在档")  # marks the report; no refresh yet
    assert refreshed_with(report, lambda: line_update(line=unclear, by=personas.admin, reason="按凭证更正",
                                                      method_text="线下", method="线下")) == 2
    assert not ReviewItem.objects.filter(line=unclear, rule="method_unclear").exists()
    assert stored() == as_rebuilt()


@ahead_of_its_transaction
def test_another_report_refreshed_while_one_is_computed_still_weighs_in_its_outliers(personas, committed):
    """The later report lowers the unit's usual amounts, so the first report's stand out. It goes up, and another
    worker refreshes it, between the first report's reads and its write: no mark is left to tell, the unit's clock
    is."""
    unit = unit_find("舞钢市")
    with committed():
        report = submission_create(unit=unit, period=Period.parse("2020-12"), lines=messy(), by=personas.admin,
                                   status=Status.SUBMITTED)
    line_update(line=report.lines.get(position=3), by=personas.admin, reason="补记说明", note="凭证在档")
    small = [LineInput(amount_fen=10_000 + 37 * i, product=f"鸡蛋{i}", source_text="农户", channel_code="FARM",
                       method_text="线下", method="线下") for i in range(30)]

    def later_report_up_and_refreshed():
        later = submission_create(unit=unit, period=Period.parse("2021-01"), lines=small, by=personas.admin,
                                  status=Status.SUBMITTED)
        stale_refresh_of([later.pk])

    assert refreshed_with(report, later_report_up_and_refreshed) == 2
    assert ReviewItem.objects.filter(rule="amount_outlier", submission=report).exists()
    assert stored() == as_rebuilt()


@ahead_of_its_transaction
def test_a_refresh_writes_what_it_computed_before_its_transaction(personas, committed):
    """SQLite lets one writer at a time: a refresh holds it for its writes and the few reads that confirm its
    ground, never for the rules or the lines they read."""
    with committed():
        report = submission_create(unit=unit_find("舞钢市"), period=NOV, lines=messy(), by=personas.admin,
                                   status=Status.SUBMITTED)
    line_update(line=report.lines.get(position=3), by=personas.admin, reason="补记说明", note="凭证在档")
    with statements_in_transactions() as inside:
        assert refreshed_with(report, lambda: None) == 1
    reads = [sql for sql in inside if sql.lstrip().upper().startswith("SELECT")]
    assert len(reads) == 3 and not any("reporting_purchaseline" in sql or "quality_channel" in sql for sql in reads), \
        reads
    assert any(sql.lstrip().startswith('DELETE FROM "quality_stalereport"') for sql in inside), inside
    assert stored(report) and stored() == as_rebuilt()


class Handed:
    """A worker's refresher that is handed the marked reports and does nothing: no refresh runs but the test's."""

    def add(self, ids):
        pass


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="SQLite lets one writer at a time: no refresh writes beside a writer's open transaction")
def test_a_change_still_in_its_transaction_while_the_report_is_refreshed_keeps_its_mark(personas):
    """PostgreSQL: a refresh computes and commits beside a writer whose exclusion is not committed yet, so it cannot
    see it. It deletes the marks it read, not that writer's, and the next refresh takes the exclusion in."""
    with mock.patch.object(background, "_refresher", Handed()):
        report = submission_create(unit=unit_find("舞钢市"), period=NOV, lines=messy(), by=personas.admin,
                                   status=Status.SUBMITTED)  # committed, still marked
        flagged = report.lines.get(position=1)
        in_flight, refreshed = threading.Event(), threading.Event()

        def writer():
            try:
                with transaction.atomic():
                    line_exclude(line=flagged, by=personas.admin, reason="核实后不属于消费")
                    in_flight.set()
                    refreshed.wait(30)
            finally:
                connection.close()

        thread = threading.Thread(target=writer)
        thread.start()
        assert in_flight.wait(30)
        assert stale_refresh_of([report.pk]) == 1
        refreshed.set()
        thread.join(30)
    assert ReviewItem.objects.filter(line=flagged, rule="method_unclear").exists(), "refreshed without the exclusion"
    assert StaleReport.objects.filter(submission_id=report.pk).exists()
    stale_refresh()
    assert set(ReviewItem.objects.filter(line=flagged).values_list("section", flat=True)) == {Section.EXCLUDED}
