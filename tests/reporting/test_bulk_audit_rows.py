"""Bulk stores of lines (imports, the seed, a replaced report) are set-based: the statements do not grow with the
lines, and the audit trail holds what simple-history writes for each line."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fupin.core.money import wan_to_fen
from fupin.core.periods import Period
from fupin.reporting.models import PurchaseLine, Status, Submission
from fupin.reporting.services import LineInput, lines_bulk_add, submission_create
from fupin.reporting.validation import LineRefused
from fupin.units.selectors import unit_find

NOVEMBER = Period.parse("2020-11")


def _lines(count: int) -> list[LineInput]:
    return [LineInput(amount_fen=wan_to_fen("1.25") + i, product=f"小米{i % 7}", source_text="驻村第一书记推荐",
                      channel_code="SECY" if i % 3 else "", method_text="线下线下" if i % 5 == 0 else "线下",
                      method="线下", date_text=f"2020年11月{1 + i % 30}日", purchase_date=date(2020, 11, 1 + i % 30),
                      quantity_g=None if i % 4 == 0 else 500_000 + i, consumption_type="食堂采购" if i % 2 else "",
                      note="含运费\t（第二批）\n" if i % 11 == 0 else "", explanation="价格含包装" if i % 13 == 0 else "")
            for i in range(count)]


def _replace_queries(unit_name: str, count: int, by) -> int:
    submission_create(unit=unit_find(unit_name), period=NOVEMBER, lines=_lines(count), by=by, status=Status.SUBMITTED)
    with CaptureQueriesContext(connection) as queries:
        submission_create(unit=unit_find(unit_name), period=NOVEMBER, lines=_lines(count), by=by,
                          status=Status.SUBMITTED, replace=True)
    return len(queries)


def test_storing_and_replacing_a_report_takes_the_same_statements_for_ten_lines_and_for_five_thousand(personas):
    assert _replace_queries("叶县", 10, personas.admin) == _replace_queries("舞钢市", 5_000, personas.admin)
    november = Submission.objects.filter(first_month=NOVEMBER.first)
    assert PurchaseLine.objects.filter(submission__in=november, submission__unit__short_name="舞钢市").count() == 5_000
    assert PurchaseLine.history.filter(submission_id__in=november.values("pk"), history_type="-").count() == 5_010


def test_bulk_lines_are_stored_as_given_with_one_audit_row_each(personas):
    given = _lines(40)
    submission = submission_create(unit=personas.unit, period=NOVEMBER, lines=given[:30], by=personas.reporter)
    lines_bulk_add(submission=submission, lines=given[30:], by=None, start=31)  # appended, no one named
    stored = list(submission.lines.order_by("position"))
    names = [n for n in LineInput.__dataclass_fields__ if n != "extra"]
    assert [tuple(getattr(line, n) for n in names) for line in stored] == \
        [tuple(getattr(line, n) for n in names) for line in given]
    assert [line.position for line in stored] == list(range(1, 41))
    assert not any(line.excluded or line.exclusion_reason for line in stored)
    rows = list(PurchaseLine.history.filter(submission_id=submission.pk).order_by("history_id"))
    assert [r.id for r in rows] == [line.pk for line in stored]
    assert [(r.history_type, r.history_user_id, r.history_change_reason) for r in rows] == \
        [("+", personas.reporter.pk, None)] * 30 + [("+", None, None)] * 10
    assert [r.instance.note for r in rows] == [line.note for line in stored]  # tabs and newlines kept
    assert len({r.history_date for r in rows[:30]}) == 1 and rows[30].history_date >= rows[0].history_date


def test_a_bulk_store_with_one_line_outside_the_period_stores_nothing(personas):
    lines = _lines(20)
    lines[17].purchase_date = date(2020, 12, 1)  # outside the report's month
    audit_rows = PurchaseLine.history.count()
    with pytest.raises(LineRefused):
        submission_create(unit=personas.unit, period=NOVEMBER, lines=lines, by=personas.reporter)
    assert not Submission.objects.filter(first_month=NOVEMBER.first).exists()
    assert PurchaseLine.history.count() == audit_rows
