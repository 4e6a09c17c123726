"""The review queue's items are written as plain rows (quality/stored.py through fupin.core.bulk_rows: one
executemany, COPY on PostgreSQL), not through ReviewItem objects: pinned here against what the checks compute and
against what the ORM itself would store for the same items, for a messy report."""

from datetime import date

import pytest
from django.db import connection

from fupin.core.money import wan_to_fen
from fupin.core.periods import Period
from fupin.quality.checks import SEVERITIES, findings_for_submission
from fupin.quality.models import ReviewItem
from fupin.quality.stored import groups_filled, stale_refresh
from fupin.reporting import exclusions
from fupin.reporting.models import Status
from fupin.reporting.services import LineInput, submission_create
from fupin.units.selectors import unit_find

JAN = Period.parse("2021-01")
Section = ReviewItem.Section
WHY = "凭证已核对"


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    stale_refresh()  # the seed's own marks, as its commit would have refreshed them

    def run():
        return django_capture_on_commit_callbacks(execute=True)
    return run


def messy_lines() -> list[LineInput]:
    """Thirty ordinary small lines (the unit's usual amounts), one far above them, a plain duplicate pair, a line
    whose channel the classifier can only suggest, and one to be excluded."""
    usual = [LineInput(amount_fen=10_000 + 37 * i, product=f"鸡蛋{i}", source_text="农户", channel_code="FARM",
                       method_text="线下", method="线下", explanation=WHY) for i in range(30)]
    return usual + [
        LineInput(amount_fen=wan_to_fen("3.5"), product="牛肉", source_text="农户", channel_code="FARM",
                  method_text="线下", method="线下", explanation=WHY),
        LineInput(amount_fen=wan_to_fen("0.2"), product="香菇", source_text="农户", channel_code="FARM",
                  method_text="线下", method="线下", explanation=WHY),
        LineInput(amount_fen=wan_to_fen("0.2"), product="香菇", source_text="农户", channel_code="FARM",
                  method_text="线下", method="线下", explanation=WHY),
        LineInput(amount_fen=wan_to_fen("0.3"), product="杂粮", source_text="合作社农户", method_text="线下",
                  method="线下", explanation=WHY),
        LineInput(amount_fen=wan_to_fen("0.4"), product="礼品卡", source_text="农户", channel_code="FARM",
                  method_text="线下", method="线下", explanation=WHY),
    ]


def raw_rows() -> list[tuple]:
    """The table as the database holds it (JSON as stored text on SQLite), in id order, without the ids."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(ReviewItem._meta.db_table)} ORDER BY id")
        names = [column[0] for column in cursor.description]
        skip = names.index("id")
        return [tuple(v for i, v in enumerate(row) if i != skip) for row in cursor.fetchall()]


def test_a_messy_reports_stored_rows_hold_what_the_checks_found(personas, committed):
    unit = unit_find("舞钢市")
    with committed():
        report = submission_create(unit=unit, period=JAN, lines=messy_lines(), by=personas.admin,
                                   status=Status.SUBMITTED)
    excluded = report.lines.get(position=35)
    with committed():
        exclusions.line_exclude(line=excluded, by=personas.admin, reason="核实后不属于消费")
    report.refresh_from_db()
    items = list(ReviewItem.objects.filter(submission=report).order_by("pk"))
    sections = {item.section for item in items}
    assert {Section.EXCLUDED, Section.WAITING, Section.DUPLICATES, Section.GROUP} <= sections, sections
    assert any(item.rule == "amount_outlier" for item in items)

    # every finding the checks compute is one stored row, field for field
    found = findings_for_submission(report)
    assert any(f.suggestions for f in found), "a finding with suggested channels"
    findings = groups_filled([item for item in items if item.section not in (Section.WAITING, Section.EXCLUDED)])
    assert any(f.line is None for f in found), "a finding on the whole report"
    assert sorted((f.rule, f.severity, SEVERITIES.index(f.severity), *((f.line.pk, f.line.position, f.line.amount_fen)
                   if f.line else (None, 0, 0)), f.message, f.suggestions, f.related) for f in found) == sorted(
        (i.rule, i.severity, i.severity_rank, i.line_id, i.position, i.amount_fen, i.message, i.suggestions,
         i.related) for i in findings)
    for item in items:  # the report's part, dates read back as dates
        assert (item.unit_id, item.unit_path, item.first_month, item.last_month, item.status) == (
            unit.pk, unit.path, date(2021, 1, 1), report.last_month, Status.SUBMITTED)
        assert isinstance(item.first_month, date) and isinstance(item.suggestions, list)

    group = [item for item in items if item.rule == "duplicate_channel"]
    pair = sorted(report.lines.filter(product="香菇").values_list("pk", flat=True))
    assert [item.related for item in group] == [pair, pair]  # given back whole by groups_filled above …
    assert [item.section for item in group] == [Section.DUPLICATES, Section.GROUP]
    # … but stored once: the group's other line names only the first, whose row keeps the list (n ids, not n²)
    assert list(ReviewItem.objects.filter(pk__in=[i.pk for i in group]).order_by("pk")
                .values_list("related", flat=True)) == [pair, pair[:1]]
    listed = {item.section: item for item in items if item.section in (Section.WAITING, Section.EXCLUDED)}
    assert (listed[Section.EXCLUDED].line_id, listed[Section.EXCLUDED].position) == (excluded.pk, 35)
    for item in listed.values():
        assert (item.rule, item.severity, item.severity_rank, item.message, item.suggestions, item.related) == (
            "", "", 9, "", [], [])

    # the database reads the stored JSON and dates as JSON and dates, not as text that merely looks alike
    assert ReviewItem.objects.filter(submission=report, related__0=pair[0]).count() == 2
    suggested = next(i for i in findings if i.suggestions)
    assert ReviewItem.objects.filter(pk=suggested.pk, suggestions__0=suggested.suggestions[0]).exists()
    assert ReviewItem.objects.filter(submission=report, first_month=date(2021, 1, 1)).count() == len(items)

    # byte for byte what the ORM's own bulk_create stores for the same items
    written = raw_rows()
    every = list(ReviewItem.objects.order_by("pk"))
    ReviewItem.objects.all().delete()
    for item in every:
        item.pk = None
    ReviewItem.objects.bulk_create(every)
    assert raw_rows() == written
