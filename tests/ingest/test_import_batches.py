"""`fupin import` of a folder stores its files in batches (one transaction each, a savepoint a file): a file the
ledger refuses in the middle of a batch leaves alone, and the figures re-summed once a batch are what the lines say."""

import io

import pytest
from django.core.management import call_command

from fupin.core.periods import Period
from fupin.ingest import services as ingest_services
from fupin.insights.models import ReportedMonths
from fupin.insights.reported_months import months_rebuild
from fupin.reporting.calendar import calendar_current
from fupin.reporting.deadlines import period_deadline, workdays_late
from fupin.reporting.models import PurchaseLine, Status, Submission
from fupin.reporting.services import LineInput, submission_approve, submission_create
from fupin.units.people import system_user
from fupin.units.selectors import unit_find
from tests.ingest.conftest import attachment_json, run_import
from tests.ingest.test_import_command import HEADER, write_xlsx

PERIOD = "2020-10"


def unit_file(path, name, amounts, product="小米"):
    rows = [[name if i == 0 else None, product, "农户", "线下", None, None, amount] for i, amount in enumerate(amounts)]
    return write_xlsx(path, [HEADER, *rows], title=f"{name}消费扶贫统计表")


@pytest.fixture
def folder(seed_attachment, tmp_path, monkeypatch):
    """Seven files in three batches (three files a batch): 叶县 twice in the first (the second replaces the
    first), 鲁山县 — whose report the office has already approved — in the middle of the second."""
    monkeypatch.setattr(ingest_services, "BATCH_FILES", 3)
    approved = submission_create(unit=unit_find("鲁山县"), period=Period.parse(PERIOD), by=system_user(),
                                 lines=[LineInput(amount_fen=7_000_000, product="香菇", source_text="合作社",
                                                  method="线下")], status=Status.SUBMITTED)
    submission_approve(submission=approved, by=system_user())
    folder = tmp_path / "各单位"
    folder.mkdir()
    files = [("叶县", ["1.25", 0.5]), ("叶县", ["2.5"]), ("汝州市", ["0.75", "0.25"]), ("舞钢市", ["1"]),
             ("鲁山县", ["9.99"]), ("郏县", ["3.1", "0.4"]), ("宝丰县", ["0.05"])]
    for i, (name, amounts) in enumerate(files):
        unit_file(folder / f"{i:02d}_{name}.xlsx", name, amounts)
    return folder


def test_a_refused_file_in_a_batch_leaves_the_others_stored(folder):
    reports, error = run_import(folder, "--period", PERIOD)
    assert error == "1 个文件有错误，未导入（其余文件不受影响）"
    assert [(r["file"].rsplit("/", 1)[1], r["stored"], r["imported"]) for r in reports] == [
        ("00_叶县.xlsx", True, 2), ("01_叶县.xlsx", True, 1), ("02_汝州市.xlsx", True, 2),
        ("03_舞钢市.xlsx", True, 1), ("04_鲁山县.xlsx", False, 0), ("05_郏县.xlsx", True, 2),
        ("06_宝丰县.xlsx", True, 1)]
    (refused,) = reports[4]["errors"]
    assert refused["message"].startswith("未能保存：鲁山县2020年10月的报表已审核，已锁定")
    lushan = Submission.objects.get(unit=unit_find("鲁山县"))
    assert lushan.status == Status.APPROVED and [x.amount_fen for x in lushan.lines.all()] == [7_000_000]
    # 叶县: the second file replaced the first in the same batch; both versions were recorded, the first one's
    # lines left through the audit trail.
    yexian = Submission.objects.get(unit=unit_find("叶县"))
    assert [x.amount_fen for x in yexian.lines.all()] == [2_500_000]
    assert [(v.number, v.total_fen, v.line_count) for v in yexian.versions.order_by("number")] == [
        (1, 1_750_000, 2), (2, 2_500_000, 1)]
    assert sorted(PurchaseLine.history.filter(submission_id=yexian.pk, history_type="-")
                  .values_list("amount_fen", flat=True)) == [500_000, 1_250_000]
    assert attachment_json(PERIOD)["total"] == "15.05"  # 2.5 + 1 + 1 + 3.5 + 0.05 + 鲁山县's 7


def test_the_figures_summed_once_a_batch_are_what_the_lines_say(folder):
    run_import(folder, "--period", PERIOD)
    out = io.StringIO()
    call_command("rollup", "--check", stdout=out, stderr=io.StringIO())
    assert "一致" in out.getvalue() and "不一致" not in out.getvalue(), out.getvalue()
    kept = set(ReportedMonths.objects.values_list("unit_id", "year", "months"))
    assert len(kept) == 6 and {months for _, _, months in kept} == {1 << 9}
    months_rebuild()
    assert set(ReportedMonths.objects.values_list("unit_id", "year", "months")) == kept


def test_a_batch_records_each_version_late_as_one_by_one_would(folder):
    run_import(folder, "--period", PERIOD)
    calendar = calendar_current()
    deadline = period_deadline(Period.parse(PERIOD), calendar).day
    versions = [s.versions.get() for s in Submission.objects.exclude(unit=unit_find("叶县"))
                .exclude(unit=unit_find("鲁山县"))]
    assert len(versions) == 4
    assert {v.days_late for v in versions} == {workdays_late(deadline, versions[0].submitted_at, calendar)} != {0}


def _queries_to_import(tmp_path, names, period) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    folder = tmp_path / f"各单位{len(names)}"
    folder.mkdir()
    for i, name in enumerate(names):
        unit_file(folder / f"{i:02d}.xlsx", name, ["1.5", 0.25, "3"])
    with CaptureQueriesContext(connection) as queries:
        reports, error = run_import(folder, "--period", period)
    assert error is None and all(r["stored"] for r in reports)
    return len(queries)


def test_new_reports_of_a_batch_are_stored_together(seed_attachment, tmp_path):
    """A folder of new unit reports: the queries do not grow with the number of files (stored together: one insert
    of the reports, one of their lines, one of their audit rows, one re-sum of the rollup, one review refresh)."""
    few = _queries_to_import(tmp_path, ["叶县", "汝州市"], "2020-11")
    many = _queries_to_import(tmp_path, ["舞钢市", "鲁山县", "郏县", "宝丰县", "新华区", "卫东区", "湛河区", "石龙区"],
                              "2020-12")
    assert many <= few + 3  # one by one, each file took about twenty


def test_a_unit_in_two_files_ends_with_the_later_file_whatever_else_they_name(seed_attachment, tmp_path):
    """舞钢市 is new in both files; the second also names 叶县, which already has a report (so that file is stored
    on its own): the second file's 舞钢市 still replaces the first's, as the files' order says."""
    submission_create(unit=unit_find("叶县"), period=Period.parse(PERIOD), by=system_user(), status=Status.SUBMITTED,
                      lines=[LineInput(amount_fen=100, product="小米", source_text="农户", method="线下")])
    folder = tmp_path / "两份"
    folder.mkdir()
    unit_file(folder / "1.xlsx", "舞钢市", ["1"])
    write_xlsx(folder / "2.xlsx", [HEADER, ["舞钢市", "香油", "农户", "线下", None, None, "2"],
                                   ["叶县", "面粉", "农户", "线下", None, None, "3"]])
    reports, error = run_import(folder, "--period", PERIOD)
    assert error is None and [r["stored"] for r in reports] == [True, True]
    wugang = Submission.objects.get(unit=unit_find("舞钢市"))
    assert [(x.product, x.amount_fen) for x in wugang.lines.all()] == [("香油", 2_000_000)]
    assert [x.amount_fen for x in Submission.objects.get(unit=unit_find("叶县")).lines.all()] == [3_000_000]
