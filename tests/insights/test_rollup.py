"""The rollup stays equal to summing the ledger directly, through every kind of change and at every level."""

import pytest
from django.db import transaction
from django.test import override_settings

from fupin.core.money import wan_display, wan_to_fen
from fupin.core.periods import Period
from fupin.insights import aggregates as ag
from fupin.insights.models import Rollup, RollupDirty
from fupin.insights.rollup import rollup_flush, rollup_rebuild
from fupin.reporting import services
from fupin.reporting.models import Status
from fupin.reporting.services import LineInput
from fupin.units.models import Unit, UnitKind
from fupin.units.people import system_user
from fupin.units.selectors import root_unit, unit_find
from tests.factories import submission_make

SEED = Period.parse("2020-01:2020-10")
NOV_DEC = Period.parse("2020-11:2020-12")
DIMENSION_SETS = [(), ("unit",), ("channel", "method"), ("kind", "type"), ("unit", "channel", "month")]


def _town_tree():
    """叶县 → 城关镇 → two grassroots unions: a deeper tree than the city's, as a province has."""
    yexian = unit_find("叶县")
    town = Unit.objects.create(parent=yexian, name="叶县城关镇总工会", short_name="城关镇", kind=UnitKind.OTHER)
    a = Unit.objects.create(parent=town, name="城关镇中心小学工会", short_name="中心小学", kind=UnitKind.GRASSROOTS)
    b = Unit.objects.create(parent=town, name="城关镇卫生院工会", short_name="卫生院", kind=UnitKind.GRASSROOTS)
    return yexian, town, a, b


def _same_both_ways(root, period):
    for by in DIMENSION_SETS:
        via_rollup = ag.aggregate(root=root, period=period, by=by, source="auto").cells
        via_lines = ag.aggregate(root=root, period=period, by=by, source="lines").cells
        assert via_rollup == via_lines, by


def test_the_seed_total_comes_from_the_rollup_and_matches_the_lines(seeded):
    root = root_unit()
    assert wan_display(ag.summary(root=root, period=SEED).total.amount_fen) == "3341.57"
    assert Rollup.objects.filter(ancestor=root).exists() and not RollupDirty.objects.exists()
    _same_both_ways(root, SEED)


def test_every_change_to_lines_and_status_reaches_every_level(seeded):
    by = system_user()
    yexian, town, school, clinic = _town_tree()
    s1 = submission_make(school, "2020-11", amounts=("1.25", "0.5"))
    s2 = submission_make(clinic, "2020-12", amounts=("3",), status=Status.DRAFT)
    submission_make(yexian, "2020-11", amounts=("2",))
    root = root_unit()
    for unit in (root, yexian, town, school):
        _same_both_ways(unit, NOV_DEC)
    assert ag.summary(root=town, period=NOV_DEC).total.amount_fen == wan_to_fen("1.75")  # the draft does not count

    services.submission_submit(submission=s2, by=by)  # draft → 已上报
    line = s1.lines.order_by("position").first()
    services.line_update(line=line, by=by, reason="更正金额", amount_fen=wan_to_fen("1.3"), channel_code="P832")
    services.line_add(submission=s2, data=LineInput(amount_fen=wan_to_fen("0.7"), source_text="832平台", method="线上"),
                      by=by)  # a line needs its source on every path (issue 14's one validator)
    services.submission_return(submission=s1, by=by, reason="请补充采购时间")  # no longer counted
    assert ag.summary(root=town, period=NOV_DEC).total.amount_fen == wan_to_fen("3.7")
    assert ag.summary(root=root, period=NOV_DEC).total.amount_fen == wan_to_fen("5.7")
    for unit in (root, yexian, town):
        _same_both_ways(unit, NOV_DEC)


def test_a_replaced_report_with_bulk_inserted_lines_is_counted_once(seeded):
    """bulk_create_with_history sends no post_save: the Submission save in the same transaction marks the span."""
    yexian = unit_find("叶县")
    submission_make(yexian, "2020-11", amounts=("1", "2"))
    assert ag.summary(root=root_unit(), period=NOV_DEC).total.amount_fen == wan_to_fen("3")
    services.submission_create(unit=yexian, period=Period.parse("2020-11"), by=system_user(), replace=True,
                               status=Status.SUBMITTED,
                               lines=[LineInput(amount_fen=wan_to_fen("4.5"), source_text="农户")])
    assert ag.summary(root=root_unit(), period=NOV_DEC).total.amount_fen == wan_to_fen("4.5")
    _same_both_ways(root_unit(), NOV_DEC)


def test_a_rolled_back_change_leaves_no_mark_and_no_figure(seeded):
    rollup_flush()
    with pytest.raises(RuntimeError), transaction.atomic():
        submission_make(unit_find("叶县"), "2020-11", amounts=("9",))
        raise RuntimeError("导入中断")
    assert not RollupDirty.objects.exists()
    assert ag.summary(root=root_unit(), period=NOV_DEC).total.amount_fen == 0


def test_an_excluded_line_moves_from_the_total_to_the_excluded_figures(seeded):
    from fupin.reporting.models import PurchaseLine

    full = ag.summary(root=root_unit(), period=SEED)
    line = PurchaseLine.objects.filter(submission__unit__short_name="叶县").order_by("pk").first()
    # Through save(), as an exclusion service does.
    line.excluded, line.exclusion_reason = True, "不属于消费：慰问金"
    line.save()
    s = ag.summary(root=root_unit(), period=SEED)
    assert s.total.amount_fen == full.total.amount_fen - line.amount_fen
    assert (s.total.excluded_fen, s.total.excluded_lines) == (line.amount_fen, 1)
    _same_both_ways(root_unit(), SEED)


def test_rebuild_is_idempotent_and_repairs_rows_changed_behind_its_back(seeded):
    root = root_unit()
    before = ag.aggregate(root=root, period=SEED, by=("unit", "channel")).cells
    Rollup.objects.filter(ancestor=root).update(amount_fen=1)  # damage
    assert rollup_rebuild(period=SEED) == Unit.objects.filter(depth__lt=3).count()
    rows = Rollup.objects.count()
    rollup_rebuild(period=SEED)
    assert Rollup.objects.count() == rows
    assert ag.aggregate(root=root, period=SEED, by=("unit", "channel")).cells == before


@override_settings(FUPIN_ROLLUP_DEPTH=2)
def test_a_shallower_rollup_gives_the_same_figures(seeded):
    yexian, town, school, _ = _town_tree()
    submission_make(school, "2020-11", amounts=("1.25",))
    rollup_rebuild()
    for unit in (root_unit(), yexian, town):
        _same_both_ways(unit, NOV_DEC)


def test_the_rollup_command_rebuilds_and_says_so(seeded):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("rollup", "--rebuild", "--period", "2020-01:2020-10", stdout=out, verbosity=0)
    assert "已重算 30 个单位（2020-01:2020-10）的汇总" in out.getvalue()
    out = io.StringIO()
    call_command("rollup", stdout=out)
    assert "已补算 0 份" in out.getvalue()
