"""Merging one unit into another: its reports follow (alone, or joined to the target's report of the same
period as a new version), totals stay, the rollup follows, the history says so, and a clash is refused whole."""

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from fupin.core.errors import UserError
from fupin.core.periods import Period
from fupin.insights.aggregates import aggregate
from fupin.reporting.models import PurchaseLine, Status, Submission
from fupin.reporting.services import submission_return
from fupin.reporting.unit_merge import MERGE_STATUS_CLASH
from fupin.units.models import Unit, UnitAlias
from fupin.units.selectors import root_unit, unit_find
from fupin.units.services import MERGE_HAS_CHILDREN, REASON_REQUIRED, unit_add, unit_merge
from tests.factories import submission_make

SEED = "2020-01:2020-10"


def attachment(period: str = SEED) -> dict:
    out = io.StringIO()
    call_command("report", "attachment", "--period", period, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def subtotals(data: dict) -> dict:
    return {u["unit"]: Decimal(u["subtotal"]) for u in data["units"]}


def figures(unit, period) -> tuple:
    """The unit's subtree figures as the dashboard reads them (the rollup, for upper-level units)."""
    f = aggregate(root=unit, period=period).total
    return f.amount_fen, f.lines, f.excluded_fen, f.excluded_lines


def test_merged_units_reports_follow_with_the_total_unchanged_and_the_history_saying_so(personas):
    before = attachment()
    source, target = unit_find("江河机械"), unit_find("热电公司")
    source_lines = set(PurchaseLine.objects.filter(submission__unit=source).values_list("pk", flat=True))
    assert source_lines and Submission.objects.filter(unit=target).exists()
    submission_make(source, "2020-11", amounts=("2.5", "0.75"), status=Status.SUBMITTED)  # only the source
    period = Period.parse(SEED)
    figures_before = {u.pk: figures(u, period) for u in (source, target)}
    figures_before["root"] = figures(root_unit(), period)

    unit_merge(source=source, target=target, by=personas.admin, reason="江河机械并入热电公司")

    after = attachment()
    assert after["total"] == before["total"] == "3341.57"
    assert after["line_count"] == before["line_count"]
    got, was = subtotals(after), subtotals(before)
    assert "江河机械" not in got
    assert got["热电公司"] == was["热电公司"] + was["江河机械"]
    assert {k: v for k, v in got.items() if k != "热电公司"} == {k: v for k, v in was.items()
                                                              if k not in ("热电公司", "江河机械")}
    # The lines themselves moved into the target's report of the same period, after its own.
    combined = Submission.objects.get(unit=target, first_month="2020-01-01", last_month="2020-10-01")
    assert source_lines <= set(combined.lines.values_list("pk", flat=True))
    assert combined.versions.count() >= 1 and combined.versions.order_by("-number")[0].total_fen == \
        sum(combined.lines.values_list("amount_fen", flat=True))
    # The report of a period only the source had is now the target's, whole.
    november = Submission.objects.get(first_month="2020-11-01", last_month="2020-11-01")
    assert november.unit == target and november.lines.count() == 2
    attachment_nov = attachment("2020-11")
    assert subtotals(attachment_nov)["热电公司"] == Decimal("3.25")
    # The rollup (dashboard, pivot) shows the target with the merged figures; the root is unchanged.
    for unit in (target, root_unit(), source):
        assert aggregate(root=unit, period=period).total == aggregate(root=unit, period=period,
                                                                       source="lines").total
    merged = [a + b for a, b in zip(figures_before[target.pk], figures_before[source.pk], strict=True)]
    assert list(figures(target, period)) == merged and merged[0] > 0
    assert figures(source, period) == (0, 0, 0, 0)
    assert figures(root_unit(), period) == figures_before["root"]
    # The history: the source is retired saying where it went; the target, the submissions and the lines say
    # who merged them and why.
    source.refresh_from_db()
    assert source.active is False
    last = source.history.latest()
    assert last.history_user == personas.admin and "并入热电公司" in last.history_change_reason
    assert "江河机械并入本单位" in target.history.latest().history_change_reason
    assert "并入热电公司" in november.history.latest().history_change_reason
    moved = PurchaseLine.history.filter(id__in=source_lines, submission_id=combined.pk)
    assert moved.count() == len(source_lines) and {m.history_user for m in moved} == {personas.admin}
    # Files naming the source now lead to the target.
    assert unit_find("江河机械") == target and unit_find("江河机械有限公司工会") == target
    assert UnitAlias.objects.get(text="江河机械").unit == target


def test_merge_refuses_a_period_where_one_report_counts_and_the_other_is_unfinished(personas):
    source, target = unit_find("姚电公司"), unit_find("热电公司")
    submission_make(source, "2020-11", status=Status.SUBMITTED)
    theirs = submission_make(target, "2020-11", status=Status.SUBMITTED)
    submission_return(submission=theirs, by=personas.admin, reason="金额有误")
    before = attachment()
    with pytest.raises(UserError) as refused:
        unit_merge(source=source, target=target, by=personas.admin, reason="合并")
    assert refused.value.message == MERGE_STATUS_CLASH.format(source="姚电公司", target="热电公司",
                                                              periods="2020年11月")
    # Nothing happened: no report moved, the source is still active, no alias was added.
    assert Submission.objects.filter(unit=source).count() == 2
    assert Unit.objects.get(pk=source.pk).active is True
    assert unit_find("姚电公司") == source
    assert attachment() == before


def test_merge_needs_a_reason_and_a_source_without_subordinates(personas):
    source, target = unit_find("平高集团"), unit_find("平煤神马集团")
    with pytest.raises(UserError) as no_reason:
        unit_merge(source=source, target=target, by=personas.admin, reason="  ")
    assert no_reason.value.message == REASON_REQUIRED
    unit_add(parent=source, short_name="平高电气", by=personas.admin)
    with pytest.raises(UserError) as has_children:
        unit_merge(source=source, target=target, by=personas.admin, reason="集团合并")
    assert has_children.value.message == MERGE_HAS_CHILDREN.format(unit="平高集团", names="平高电气")
    assert Unit.objects.get(pk=source.pk).active


def test_office_merges_on_the_page_and_is_told_what_moved(client, personas):
    source, target = unit_find("江河机械"), unit_find("热电公司")
    client.force_login(personas.admin)
    response = client.post(f"/units/{source.pk}/merge/", {"target": target.pk, "reason": "机构调整"}, follow=True)
    assert response.status_code == 200
    text = response.content.decode()
    assert "已将“江河机械”并入“热电公司”" in text and "2020年1—10月的明细并入“热电公司”同期报表" in text
    assert "江河机械并入本单位" in text  # the target's page shows the history
