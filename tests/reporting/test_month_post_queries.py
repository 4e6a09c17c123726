"""Deadline day: the month form's POST (lines + submission) costs the same number of queries whatever the number of
lines, and the lines arrive filled (consumption type, sure channel) with no audited UPDATE a line afterwards."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fupin.reporting.models import ConsumptionType, PurchaseLine, Status, Submission
from tests.reporting.test_month_entry import rows
from tests.statements import statements_in_transactions

pytestmark = pytest.mark.django_db


def month(n: int) -> list[dict]:
    return [{"product": "小米", "source_text": f"扶贫832平台{i}", "method": "线上", "amount_wan": f"{i + 1}.25"}
            for i in range(n)]


def post(client, unit, period: str, n: int):
    url = reverse("reporting:month", kwargs={"unit_id": unit.pk, "period": period})
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, rows(*month(n), blank=0) | {"submit": "on"})
    assert response.status_code == 302 and "/month/" not in response["Location"], response
    return len(queries)


def test_the_month_post_costs_the_same_queries_at_3_and_30_lines(client, personas):
    unit = personas.other_unit  # 舞钢市: no 审核人, so the month goes up in the same request
    client.force_login(personas.outsider)
    post(client, unit, "2020-01", 3)  # the process's classifier, screen and calendar are built once
    three, thirty = post(client, unit, "2020-02", 3), post(client, unit, "2020-03", 30)
    assert three == thirty, (three, thirty)
    assert thirty <= 80, thirty
    for period, n in (("2020-02", 3), ("2020-03", 30)):
        sub = Submission.objects.get(unit=unit, first_month=f"{period}-01")
        assert sub.status == Status.SUBMITTED and sub.lines.count() == n
    lines = PurchaseLine.objects.filter(submission__unit=unit, submission__first_month="2020-03-01")
    assert set(lines.values_list("channel_code", "consumption_type")) == {("P832", ConsumptionType.UNIT_PURCHASE)}
    history = PurchaseLine.history.filter(submission_id=lines[0].submission_id)
    assert history.filter(history_type="+").count() == 30 and not history.filter(history_type="~").exists()


def test_a_month_gone_up_in_one_post_leaves_the_figures_a_rebuild_gives(client, personas):
    """The new report's rollup rows are summed from the lines posted and its month set in the unit's row without
    reading either back: after months with a key repeated, a channel left unclear and a zero-report month before
    them, the stored figures equal a fresh sum of the lines, and the reported months a rebuild from the reports."""
    from fupin.insights.models import ReportedMonths
    from fupin.insights.reported_months import months_rebuild
    from fupin.insights.rollup import rollup_check

    unit = personas.other_unit
    client.force_login(personas.outsider)
    messy = [{"product": "小米", "source_text": "扶贫832平台", "method": "线上", "amount_wan": "1.25"},
             {"product": "玉米糁", "source_text": " 扶贫832平台 ", "method": "线上", "amount_wan": "0.01"},
             {"product": "香菇", "source_text": "老乡家门口", "method": "线下", "amount_wan": "3"},
             {"product": "蜂蜜", "source_text": "朋友圈团购", "method": "线下", "amount_wan": "12.5", "note": "职工福利"}]
    url = reverse("reporting:month", kwargs={"unit_id": unit.pk, "period": "2021-02"})
    assert client.post(url, rows(blank=1) | {"is_zero_report": "on", "submit": "on"}).status_code == 302
    for period, lines in (("2021-03", messy), ("2021-04", messy[1:]), ("2021-12", messy[:1])):
        url = reverse("reporting:month", kwargs={"unit_id": unit.pk, "period": period})
        response = client.post(url, rows(*lines, blank=1) | {"submit": "on"})
        assert response.status_code == 302 and "/month/" not in response["Location"], response
    assert Submission.objects.filter(unit=unit, first_month__year=2021, status=Status.SUBMITTED).count() == 4
    assert PurchaseLine.objects.filter(submission__unit=unit, channel_code="").exists()  # unclear: summed as ""
    assert rollup_check() == (0, [])
    stored = set(ReportedMonths.objects.values_list("unit_id", "year", "months"))
    assert (unit.pk, 2021, 0b100000001110) in stored  # February, March, April and December
    months_rebuild()
    assert set(ReportedMonths.objects.values_list("unit_id", "year", "months")) == stored


def test_a_new_month_going_up_holds_the_write_transaction_only_for_its_writes(client, personas):
    """Deadline day's writers queue for the database one transaction each: a new report's checks, its existence and
    everything they read happen before its transaction, which only writes (and reads the unit's path, where the
    rollup counts it)."""
    unit = personas.other_unit
    client.force_login(personas.outsider)
    post(client, unit, "2020-01", 3)  # the process's classifier, screen and calendar are built once
    with statements_in_transactions() as inside:
        post(client, unit, "2020-02", 3)
    reads = [sql for sql in inside if sql.lstrip().upper().startswith("SELECT")]
    assert reads and all('FROM "units_unit"' in sql and '"path"' in sql for sql in reads), reads
    assert any(sql.startswith('INSERT INTO "reporting_historicalpurchaseline"') for sql in inside)  # lines: COPY on PG
    assert Submission.objects.get(unit=unit, first_month="2020-02-01").status == Status.SUBMITTED
