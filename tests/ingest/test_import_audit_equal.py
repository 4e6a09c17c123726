"""Set-based import storage keeps the audit trail as it was, and a file sorted by date stores what the same file
sorted by unit stores.

The reference is the storage path the import used before (a PurchaseLine object per line, clean_fields, then
simple-history's bulk_create_with_history; the old lines' "-" rows built one model row per line), kept here only
to tell what the audit trail must hold. Both paths run on the same messy multi-unit file, each inside a savepoint
that is rolled back, and their history rows are compared field by field."""

import random
from datetime import date

import pytest
import xlsxwriter
from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from fupin.ingest import services as ingest_services
from fupin.reporting import services
from fupin.reporting.models import PurchaseLine, Submission
from fupin.reporting.signals import lines_bulk_added, lines_bulk_removing, submissions_created
from fupin.units.people import system_user
from tests.ingest.conftest import run_import

PERIOD = "2020-10"
UNITS = ["叶县", "舞钢市", "汝州市", "宝丰县", "郏县", "鲁山县"]
HEADER = ["单位名称", "产品名称", "产品来源\n（采购渠道）", "采购方式", "采购时间", "数量\n(单位：吨)",
          "金额\n（单位：万元）", "消费类型", "备注"]
SOURCES = ["832平台", "农户", "合作社", "驻村第一书记推荐", "扶贫企业", "农购网", "扶贫产品", "鲁山县扶贫车间"]
METHODS = ["线上", "线下", "线上线上", " 线下 ", "网上"]
PRODUCTS = ["小米", "香油", "面粉", "红薯粉条", "木耳", "土鸡蛋", "核桃", "蜂蜜\n（礼盒）"]
KINDS = ["", "单位集中采购", "职工个人消费", "食堂采购", ""]


def messy_rows(count: int = 180, seed: int = 16) -> list[dict]:
    """Rows as an office's export writes them: amounts as numbers, text, with thousands separators or 万元 in the
    cell; dates as dates, ISO text, 2020.10.8 and 10月12日; quantities missing or as text; notes here and there."""
    rng = random.Random(seed)
    rows = []
    for _ in range(count):
        day = rng.randint(1, 31)
        dates = [date(2020, 10, day), f"2020-10-{day:02d}", f"2020.10.{day}", f"10月{day}日", "2020年10月"]
        amounts = [round(rng.uniform(0.01, 40), 2), f"{rng.uniform(0.01, 40):.4f}", f"1,{rng.randint(0, 999):03d}.5",
                   f"{rng.randint(1, 900)}元", f"{rng.uniform(0.1, 9):.2f}万元"]
        rows.append({"unit": rng.choice(UNITS), "day": day, "cells": [
            rng.choice(PRODUCTS), rng.choice(SOURCES), rng.choice(METHODS), rng.choice(dates),
            rng.choice([None, 0.5, "1.25", 12, "0.004"]), rng.choice(amounts), rng.choice(KINDS),
            rng.choice(["", "", "含运费", "慰问困难职工", "第二批"])]})
    return rows


def write_file(path, rows: list[dict], *, by_unit: bool):
    """by_unit: the rows stably sorted by unit, the name on each group's first row; else in date order, the unit
    named on every row (as any export of orders sorted by date is)."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("统计表")
    sheet.write(0, 0, "平顶山市工会系统10月消费扶贫统计")
    sheet.write_row(2, 0, HEADER)
    stamp = book.add_format({"num_format": "yyyy-mm-dd"})
    ordered = sorted(rows, key=lambda r: r["day"])
    if by_unit:  # stable: each unit's rows keep their order
        ordered.sort(key=lambda r: UNITS.index(r["unit"]))
    at, previous = 3, None
    for row in ordered:
        name = row["unit"] if not by_unit or row["unit"] != previous else None
        previous = row["unit"]
        for column, value in enumerate([name, *row["cells"]]):
            if isinstance(value, date):
                sheet.write_datetime(at, column, value, stamp)
            elif value is not None:
                sheet.write(at, column, value)
        at += 1
        if at % 37 == 0:
            at += 1  # a blank row now and then
    book.close()
    return path


def stored_state() -> dict:
    """What the ledger and the audit trail hold, per unit, in terms that do not depend on row ids or timestamps:
    each history row's type, user, change reason and every tracked field, keyed to its line's position."""
    history = PurchaseLine.history.model
    tracked = _tracked()
    state = {}
    for submission in Submission.objects.select_related("unit").order_by("unit__short_name"):
        positions = {}
        rows = []
        for h in history.objects.filter(submission_id=submission.pk).order_by("history_id"):
            positions.setdefault(h.id, h.position)  # the line's id → its position, from its "+" row
            rows.append((h.history_type, h.history_user_id, h.history_change_reason, positions[h.id],
                         *(getattr(h, name) for name in tracked)))
        lines = [tuple(getattr(line, name) for name in tracked) for line in submission.lines.order_by("position")]
        versions = list(submission.versions.values_list("number", "total_fen", "line_count", "days_late",
                                                        "submitted_by_id"))
        report_rows = list(Submission.history.filter(id=submission.pk).order_by("history_id").values_list(
            "history_type", "history_user_id", "history_change_reason", "status", "is_zero_report",
            "created_by_id", "submitted_by_id"))
        state[submission.unit.short_name] = {"status": submission.status, "lines": lines, "history": rows,
                                             "versions": versions, "report_history": report_rows}
    return state


def _reference_lines_bulk_add(*, submission, lines, by, start=1):
    """The store the import used before: one model object per line, clean_fields, bulk_create_with_history."""
    objs = []
    for position, data in enumerate(lines, start=start):
        obj = PurchaseLine(submission=submission, position=position,
                           **{k: v for k, v in data.__dict__.items() if k != "extra"})
        obj.clean_fields(exclude=["submission"])
        objs.append(obj)
    bulk_create_with_history(objs, PurchaseLine, batch_size=2000, default_user=by)


def _reference_lines_retire(submission, by, reason):
    history = PurchaseLine.history.model
    now = timezone.now()
    history.objects.bulk_create([
        history(history_date=now, history_user=by, history_change_reason=reason, history_type="-",
                **{f.attname: getattr(line, f.attname) for f in history.tracked_fields})
        for line in submission.lines.order_by("pk")])
    with connection.cursor() as cursor:  # as before: one DELETE, the "-" rows written above
        cursor.execute("DELETE FROM reporting_purchaseline WHERE submission_id = %s", [submission.pk])


def import_then_look(paths) -> dict:
    """Import the files in a savepoint, look at what was stored, and roll it back."""
    with transaction.atomic():
        for path in paths:
            reports, error = run_import(path, "--period", PERIOD)
            assert error is None, reports
            assert reports[0]["imported"] > 0
        state = stored_state()
        transaction.set_rollback(True)
    return state


@pytest.fixture
def messy_file(seed_attachment, tmp_path):
    return write_file(tmp_path / "按日期.xlsx", messy_rows(), by_unit=False)


def test_set_based_storage_writes_the_audit_rows_the_per_object_path_wrote(messy_file, monkeypatch):
    """Imported, then imported again (the old lines retired): "+", "-" and "+" rows with the same user, reason and
    fields as before, and every history row dated within the import."""
    new = import_then_look([messy_file, messy_file])
    # The reference: each report stored on its own (the first import's new reports, too, are not stored together).
    monkeypatch.setattr(ingest_services, "_only_new_reports", lambda batch, period: {})
    monkeypatch.setattr(services, "lines_bulk_add", _reference_lines_bulk_add)
    monkeypatch.setattr(services, "lines_retire", _reference_lines_retire)
    old = import_then_look([messy_file, messy_file])
    assert set(new) == set(old) and len(new) == len(UNITS)
    for unit in UNITS:
        assert new[unit] == old[unit], unit
    rows = [row for unit in UNITS for row in new[unit]["history"]]
    assert len(rows) == 3 * 180
    assert {row[:3] for row in rows} == {("+", system_user().pk, None),  # NULL: bulk_create_with_history's
                                          ("-", system_user().pk, "整表替换（重新导入或重新上报）")}
    # Messy cells made it through as the validator read them: normalised methods, 元 and 万元 in the cell.
    methods = {line[_tracked().index("method")] for unit in UNITS for line in new[unit]["lines"]}
    assert methods == {"线上", "线下"}
    assert not PurchaseLine.history.exists()  # both runs were rolled back


def _tracked() -> list[str]:
    return [f.attname for f in PurchaseLine.history.model.tracked_fields if f.attname not in ("id", "submission_id")]


def test_audit_rows_name_each_line_and_the_moment_it_was_stored(messy_file):
    """Each "+" row carries its line's id and submission; the "-" rows of a re-import name the retired lines."""
    with transaction.atomic():
        before = timezone.now()
        run_import(messy_file, "--period", PERIOD)
        first_ids = set(PurchaseLine.objects.values_list("pk", flat=True))
        run_import(messy_file, "--period", PERIOD)
        after = timezone.now()
        history = PurchaseLine.history.model
        added = history.objects.filter(history_type="+")
        current = {(line.pk, line.submission_id, line.position, line.amount_fen)
                   for line in PurchaseLine.objects.all()}
        assert {(h.id, h.submission_id, h.position, h.amount_fen) for h in added if h.id not in first_ids} == current
        assert set(history.objects.filter(history_type="-").values_list("id", flat=True)) == first_ids
        assert all(before <= h.history_date <= after for h in history.objects.all())
        assert history.objects.count() == 3 * len(current) == 540
        transaction.set_rollback(True)


def test_a_file_in_date_order_stores_what_the_file_sorted_by_unit_stores(seed_attachment, tmp_path):
    rows = messy_rows(2_100, seed=7)  # past the 2,000 lines after which the old import handed units over
    by_date = write_file(tmp_path / "按日期.xlsx", rows, by_unit=False)
    by_unit = write_file(tmp_path / "按单位.xlsx", rows, by_unit=True)
    sorted_state = import_then_look([by_unit])
    date_state = import_then_look([by_date])
    assert date_state == sorted_state
    assert sum(len(s["lines"]) for s in date_state.values()) == 2_100
    for unit, state in date_state.items():
        # Each unit's report stored once: one version, one "+" row per line, no "-" rows.
        assert len(state["versions"]) == 1, unit
        assert state["versions"][0][2] == len(state["lines"])
        assert [row[0] for row in state["history"]] == ["+"] * len(state["lines"])


def test_each_report_is_announced_once_to_listeners_of_bulk_writes(messy_file):
    """The rollup and others follow bulk writes through reporting's signals (no post_save per line is sent): a
    report new in a batch of files is announced with the others created with it, a replaced one alone."""
    added, removing = [], []

    def on_added(sender, submission, by, start, count, **kwargs):
        added.append((submission.unit.short_name, start, count, submission.lines.count()))

    def on_created(sender, submissions, by, **kwargs):
        added.extend((s.unit.short_name, 1, s.lines.count(), s.lines.count()) for s in submissions)

    def on_removing(sender, submission, by, **kwargs):
        removing.append((submission.unit.short_name, submission.lines.count()))

    lines_bulk_added.connect(on_added, dispatch_uid="test_added")
    submissions_created.connect(on_created, dispatch_uid="test_created")
    lines_bulk_removing.connect(on_removing, dispatch_uid="test_removing")
    try:
        with transaction.atomic():
            run_import(messy_file, "--period", PERIOD)
            counts = {s.unit.short_name: s.lines.count() for s in Submission.objects.select_related("unit")}
            assert sorted(added) == sorted((unit, 1, n, n) for unit, n in counts.items())
            assert removing == []
            run_import(messy_file, "--period", PERIOD)
            assert sorted(removing) == sorted(counts.items())
            assert len(added) == 2 * len(UNITS)
            transaction.set_rollback(True)
    finally:
        lines_bulk_added.disconnect(dispatch_uid="test_added")
        submissions_created.disconnect(dispatch_uid="test_created")
        lines_bulk_removing.disconnect(dispatch_uid="test_removing")
