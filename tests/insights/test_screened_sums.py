"""The screening's figures (剔除 apart from 合并) are kept per submission at write, so the dashboard reads sums, never
the lines; and the dashboard's timeliness counts come from SQL, equal to the full table's."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fupin.core.periods import Period
from fupin.insights.models import SubmissionScreened
from fupin.insights.rollup import rollup_check, rollup_rebuild
from fupin.insights.screened import screened
from fupin.reporting import exclusions
from fupin.reporting.models import PurchaseLine, Status
from fupin.reporting.timeliness import round_timeliness, timeliness_summary
from fupin.units.people import system_user
from fupin.units.selectors import root_unit, unit_find
from tests.factories import submission_make
from tests.insights.test_pages import login

NOV = Period.parse("2020-11")


def _exact():
    found, told = rollup_check()
    assert found == 0, told


def _lines_of(s):
    return list(PurchaseLine.objects.filter(submission=s).order_by("position"))


def test_exclude_merge_restore_and_return_keep_the_screened_sums_exact(seeded):
    by = system_user()
    s = submission_make(unit_find("叶县"), "2020-11", amounts=("1", "2", "2", "0.5"))
    a, b, c, d = _lines_of(s)
    assert not SubmissionScreened.objects.filter(submission=s).exists()
    exclusions.line_exclude(line=a, by=by, reason="不属于消费：慰问金")
    exclusions.lines_merge(lines=[b, c], by=by, reason="同一笔采购")
    _exact()
    row = SubmissionScreened.objects.get(submission=s)
    assert (row.excluded_lines, row.excluded_fen, row.merged_lines, row.merged_groups) == (1, 1_000_000, 1, 1)
    figures = screened(root=root_unit(), period=NOV)
    assert (figures.excluded_lines, figures.excluded_fen, figures.merged_groups) == (1, 1_000_000, 1)
    assert [u.pk for u in figures.excluded_units] == [s.unit_id]
    assert screened(root=unit_find("叶县"), period=NOV).excluded_fen == 1_000_000
    assert screened(root=unit_find("舞钢市"), period=NOV).excluded_lines == 0

    exclusions.line_include(line=PurchaseLine.objects.get(pk=a.pk), by=by, reason="核实属于消费")
    _exact()
    assert screened(root=root_unit(), period=NOV).excluded_lines == 0
    assert screened(root=root_unit(), period=NOV).merged_groups == 1

    s.status = Status.RETURNED  # a reviewer's return, as saved
    s.save()
    _exact()
    assert not SubmissionScreened.objects.filter(submission=s).exists()  # a returned report counts nowhere
    assert screened(root=root_unit(), period=NOV).merged_groups == 0


def test_the_rebuild_restores_the_screened_sums(seeded):
    by = system_user()
    s = submission_make(unit_find("叶县"), "2020-11", amounts=("1", "2"))
    exclusions.line_exclude(line=_lines_of(s)[0], by=by, reason="不属于消费：慰问金")
    SubmissionScreened.objects.all().delete()
    found, told = rollup_check()
    assert found == 1 and "剔除合并合计" in told[0]
    rollup_rebuild()
    _exact()
    assert SubmissionScreened.objects.get(submission=s).excluded_fen == 1_000_000


def test_the_dashboard_reads_no_line_for_its_screened_figures(seeded, client, personas):
    s = submission_make(unit_find("叶县"), "2020-11", amounts=("1", "2"))
    exclusions.line_exclude(line=_lines_of(s)[0], by=system_user(), reason="不属于消费：慰问金")
    login(client, personas.admin)
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(reverse("insights:dashboard") + "?period=2020-11").content.decode()
    assert "1 条" in page and 'data-testid="excluded">1.00<' in page
    # Only the root's own lines (本级) are summed from the ledger; the screening is read from its sums.
    assert not [q for q in ctx.captured_queries if "exclusion_reason" in q["sql"]]
    assert [q for q in ctx.captured_queries if "insights_submissionscreened" in q["sql"]]


def test_the_dashboards_timeliness_counts_equal_the_full_table(seeded):
    submission_make(unit_find("叶县"), "2020-11", amounts=("1",))
    full = round_timeliness(period=NOV)
    summary = timeliness_summary(period=NOV, named=2)
    for status in ("on_time", "late", "missing"):
        entries = getattr(full, status)
        assert getattr(summary, status).count == len(entries)
        assert getattr(summary, status).first == [e.unit for e in entries[:2]]
        assert getattr(summary, status).rest == max(0, len(entries) - 2)
    inside = unit_find("叶县")
    part = timeliness_summary(period=NOV, root=inside)
    assert part.missing.count + part.on_time.count + part.late.count == len(
        [e for e in full.units if e.unit.path.startswith(inside.path)])
