"""The lines partitioned by year (PostgreSQL): a year's lines land in their partition, `fupin partitions --ensure`
moves a year out of DEFAULT, the figures and queries are unchanged, a period filter prunes partitions, and later
schema changes still apply. The partition key itself (period_year) is checked on every database."""

import io

import pytest
from django.core.management import call_command
from django.db import connection, models
from django.utils import timezone

from fupin.core.money import wan_display
from fupin.core.periods import Period
from fupin.insights.attachment import attachment_table
from fupin.insights.ledger import LedgerFilters, ledger_lines, ledger_search
from fupin.insights.pivot import pivot
from fupin.reporting.models import PurchaseLine
from fupin.reporting.services import LineInput, line_add
from fupin.units.selectors import root_unit, unit_find
from tests.factories import submission_make

SEED = Period.parse("2020-01:2020-10")
THIS_YEAR = timezone.localdate().year
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="按年分区只在 PostgreSQL 上建立（SQLite 的明细表不分区）；用 DATABASE_URL=postgres://… 运行")


def _partition_of(line_ids) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT tableoid::regclass::text FROM reporting_purchaseline WHERE id = ANY(%s)",
                       [list(line_ids)])
        return {row[0] for row in cursor.fetchall()}


def _figures() -> dict:
    found = ledger_search(user=None, filters=LedgerFilters(period=SEED))
    lines = ledger_lines(user=None, filters=LedgerFilters(period=SEED))
    return {"attachment": wan_display(attachment_table(period=SEED).total_fen),
            "pivot": wan_display(pivot(root=root_unit(), period=SEED, rows="kind", cols="method").total.amount_fen),
            "found": found.page.paginator.count,
            "first_page": [(line.pk, line.amount_fen) for line in found.page.object_list],
            "ledger": list(lines.values_list("pk", "amount_fen"))}


def _command(*args) -> str:
    out = io.StringIO()
    call_command("partitions", *args, stdout=out)
    return out.getvalue()


# ---- on every database: the key is filled by each writer --------------------------------------------------------

def test_every_writer_fills_the_year_of_the_reports_first_month(seeded, personas):
    assert set(PurchaseLine.objects.values_list("period_year", flat=True)) == {2020}  # the bulk store (demo)
    yexian = unit_find("叶县")
    spanning = submission_make(yexian, "2021-11:2022-02", amounts=("1", "2"), status="draft")  # its first month
    assert set(spanning.lines.values_list("period_year", flat=True)) == {2021}
    one = line_add(submission=spanning, data=LineInput(amount_fen=100, source_text="农户", method_text="线下",
                                                            method="线下", product="小米"), by=personas.admin)
    assert PurchaseLine.objects.get(pk=one.pk).period_year == 2021  # save()
    elsewhere = submission_make(yexian, "2023-03")
    moved = PurchaseLine.objects.get(pk=one.pk)
    moved.submission = elsewhere
    moved.save()
    assert PurchaseLine.objects.get(pk=one.pk).period_year == 2023  # a line moved follows its report
    bulk = PurchaseLine.objects.bulk_create([PurchaseLine(submission=elsewhere, position=9, amount_fen=5)])
    assert PurchaseLine.objects.get(pk=bulk[0].pk).period_year == 2023
    assert PurchaseLine.history.filter(id=one.pk).latest("history_date").period_year == 2023  # the audit row too


def test_the_command_says_partitions_are_for_postgresql_only(db):
    if connection.vendor == "postgresql":
        pytest.skip("SQLite 上的提示；本库是 PostgreSQL")
    from fupin.core.errors import UserError

    with pytest.raises(UserError, match="仅用于 PostgreSQL"):
        _command("--list")


# ---- PostgreSQL: the partitions ------------------------------------------------------------------------------------

@postgresql_only
def test_a_years_lines_land_in_their_partition(seeded):
    submission = submission_make(unit_find("叶县"), f"{THIS_YEAR}-01", amounts=("1", "2"))
    ids = submission.lines.values_list("pk", flat=True)
    assert _partition_of(ids) == {f"reporting_purchaseline_y{THIS_YEAR}"}  # made by the migration, years ahead
    assert _partition_of(PurchaseLine.objects.values_list("pk", flat=True).filter(period_year=2020)) == {
        "reporting_purchaseline_default"}  # the test database was empty when migrated: 2020 has no partition yet
    assert PurchaseLine.objects.get(pk=ids[0]).amount_fen == 10000 * 100  # `id` is still Django's key


@postgresql_only
def test_ensure_moves_a_year_out_of_default_and_the_figures_do_not_change(seeded):
    before = _figures()
    assert before["attachment"] == before["pivot"] == "3341.57" and before["found"] == 109
    listed = _command("--list")
    assert "reporting_purchaseline_default\t默认（其他年份）\t109" in listed
    out = _command("--ensure", "2019:2020")
    assert "已建立 2020 年分区，从默认分区移入明细 109 行。" in out and "已建立 2019 年分区，从默认分区移入明细 0 行。" in out
    ids = PurchaseLine.objects.values_list("pk", flat=True)
    assert _partition_of(ids) == {"reporting_purchaseline_y2020"}
    assert _figures() == before
    assert "reporting_purchaseline_default\t默认（其他年份）\t0" in _command()
    assert "均已有分区，无需新建" in _command("--ensure", "2020")
    history = PurchaseLine.history.filter(id__in=list(ids)).count()
    assert history == 109  # moving between partitions writes no audit row: the lines did not change


@postgresql_only
def test_a_period_filter_reads_only_that_years_partition(seeded):
    _command("--ensure", "2020")
    plan = ledger_lines(user=None, filters=LedgerFilters(period=SEED)).explain()
    assert "reporting_purchaseline_y2020" in plan
    assert "reporting_purchaseline_default" not in plan and f"reporting_purchaseline_y{THIS_YEAR}" not in plan
    everything = ledger_lines(user=None, filters=LedgerFilters()).explain()  # no period: every partition
    assert "reporting_purchaseline_default" in everything and f"reporting_purchaseline_y{THIS_YEAR}" in everything


@postgresql_only
def test_ids_keep_counting_and_a_line_moved_to_another_year_changes_partition(seeded):
    highest = max(PurchaseLine.objects.values_list("pk", flat=True))
    later = submission_make(unit_find("叶县"), f"{THIS_YEAR + 1}-02")
    line = later.lines.get()
    assert line.pk > highest
    line.submission = submission_make(unit_find("叶县"), f"{THIS_YEAR}-05")
    line.save()
    assert _partition_of([line.pk]) == {f"reporting_purchaseline_y{THIS_YEAR}"}


@postgresql_only
def test_later_schema_changes_still_apply_to_the_partitioned_table(db):
    extra = models.CharField("试验", max_length=10, default="", blank=True)
    extra.set_attributes_from_name("trial_column")
    index = models.Index(fields=["purpose"], name="line_purpose_trial_idx")
    with connection.schema_editor() as editor:
        editor.add_field(PurchaseLine, extra)
        editor.add_index(PurchaseLine, index)
        editor.alter_field(PurchaseLine, PurchaseLine._meta.get_field("note"),
                           _renamed_copy(PurchaseLine._meta.get_field("note"), max_length=800))
        editor.remove_index(PurchaseLine, index)
        editor.remove_field(PurchaseLine, extra)
    with connection.cursor() as cursor:
        cursor.execute("SELECT character_maximum_length FROM information_schema.columns "
                       "WHERE table_name = 'reporting_purchaseline_y%s' AND column_name = 'note'", [THIS_YEAR])
        assert cursor.fetchone()[0] == 800  # the partitions follow the parent


def _renamed_copy(field, **changes):
    name, path, args, kwargs = field.deconstruct()
    copy = type(field)(*args, **{**kwargs, **changes})
    copy.set_attributes_from_name(name)
    copy.model = field.model
    return copy
