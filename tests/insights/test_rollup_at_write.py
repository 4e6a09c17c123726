"""The rollup changes in the writer's transaction: after every kind of write it equals a full recompute from the
lines, and a page read right after a write writes nothing."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fupin.core.money import wan_to_fen
from fupin.core.periods import Period
from fupin.insights import aggregates as ag
from fupin.insights.models import Rollup, SubmissionSum
from fupin.insights.rollup import rollup_check, rollup_rebuild
from fupin.reporting import exclusions, services
from fupin.reporting.models import PurchaseLine, Status
from fupin.reporting.services import LineInput
from fupin.units import services as unit_services
from fupin.units.models import Unit, UnitKind
from fupin.units.people import system_user
from fupin.units.selectors import root_unit, unit_find
from tests.factories import submission_make

NOV = Period.parse("2020-11")
SEED = Period.parse("2020-01:2020-10")


def _exact():
    """The stored rows equal a fresh sum of the lines, at every rolled-up level and for every submission."""
    found, told = rollup_check()
    assert found == 0, told


def _total(unit=None, period=NOV) -> int:
    return ag.summary(root=unit or root_unit(), period=period).total.amount_fen


def _line(amount="2", **extra) -> LineInput:
    return LineInput(amount_fen=wan_to_fen(amount), source_text="832平台", method="线上", method_text="线上",
                     channel_code="P832", product="香菇", **extra)


@pytest.fixture
def tree(seeded):
    """叶县 → 城关镇 → 中心小学: a unit below the rolled-up levels, as a province has."""
    yexian = unit_find("叶县")
    town = Unit.objects.create(parent=yexian, name="叶县城关镇总工会", short_name="城关镇", kind=UnitKind.OTHER)
    school = Unit.objects.create(parent=town, name="城关镇中心小学工会", short_name="中心小学",
                                 kind=UnitKind.GRASSROOTS)
    return yexian, town, school


def test_line_add_update_remove_each_keep_the_rollup_exact(tree):
    by = system_user()
    _, town, school = tree
    s = submission_make(school, "2020-11", amounts=("1.25", "0.5"))
    _exact()
    assert _total() == wan_to_fen("1.75")
    line = services.line_add(submission=s, data=_line("2"), by=by)
    _exact()
    assert _total() == wan_to_fen("3.75")
    services.line_update(line=line, by=by, reason="更正金额", amount_fen=wan_to_fen("2.4"), channel_code="FARM")
    _exact()
    assert _total(town) == wan_to_fen("4.15")
    assert ag.by_dimension(root=root_unit(), period=NOV, dimension="channel")[0].key in {"FARM"}
    services.line_remove(line=line, by=by, reason="重复录入")
    _exact()
    assert _total() == wan_to_fen("1.75")
    # Nothing left over: no empty rows a rebuild would not have.
    assert not Rollup.objects.filter(line_count=0, excluded_lines=0).exists()
    assert not SubmissionSum.objects.filter(line_count=0, excluded_lines=0).exists()


def test_exclusion_inclusion_and_merge_move_money_between_counted_and_excluded(seeded):
    by = system_user()
    full = _total(period=SEED)
    line = PurchaseLine.objects.filter(submission__unit__short_name="叶县").order_by("pk").first()
    exclusions.line_exclude(line=line, by=by, reason="不属于消费：慰问金")
    _exact()
    s = ag.summary(root=root_unit(), period=SEED)
    assert s.total.amount_fen == full - line.amount_fen and s.total.excluded_lines == 1
    exclusions.line_include(line=line, by=by, reason="核实属于消费")
    _exact()
    assert _total(period=SEED) == full
    a, b = PurchaseLine.objects.filter(submission__unit__short_name="叶县").order_by("pk")[1:3]
    exclusions.lines_merge(lines=[a, b], by=by, reason="同一笔采购")
    _exact()
    assert _total(period=SEED) == full  # merged: the money moved into the kept line


def test_submit_approve_return_and_unlock_count_a_report_only_while_it_counts(tree):
    by = system_user()
    _, _, school = tree
    s = services.submission_create(unit=school, period=NOV, by=by, status=Status.DRAFT,
                                   lines=[_line("3", explanation="全年集中采购"), _line("1", explanation="同上")])
    _exact()
    assert _total() == 0  # a draft counts nowhere
    services.submission_submit(submission=s, by=by)
    _exact()
    assert _total() == wan_to_fen("4")
    services.submission_approve(submission=s, by=by)
    _exact()
    assert _total() == wan_to_fen("4")
    services.submission_unlock(submission=s, by=by, reason="需更正")
    _exact()
    s.refresh_from_db()
    if s.status in (Status.SUBMITTED, Status.APPROVED):
        services.submission_return(submission=s, by=by, reason="请补充采购时间")
    _exact()
    assert _total() == 0


def test_a_moved_unit_takes_its_figures_to_its_new_ancestors(tree):
    by = system_user()
    yexian, town, school = tree
    wugang = unit_find("舞钢市")
    submission_make(school, "2020-11", amounts=("5",))
    submission_make(town, "2020-11", amounts=("1",))
    before_root = _total()
    unit_services.unit_move(unit=town, parent=wugang, by=by, reason="区划调整")
    _exact()
    assert _total(unit_find("舞钢市")) == wan_to_fen("6")
    assert _total(Unit.objects.get(pk=yexian.pk)) == 0
    assert _total() == before_root
    # The town is now at the rolled-up depth's edge either way; move a rolled-up county below another one.
    unit_services.unit_move(unit=Unit.objects.get(pk=yexian.pk), parent=Unit.objects.get(pk=wugang.pk), by=by,
                            reason="区划调整")
    _exact()


def test_a_merged_units_reports_follow_it_with_their_figures(tree):
    by = system_user()
    yexian, town, school = tree
    other = Unit.objects.create(parent=unit_find("舞钢市"), name="舞钢市某某工会", short_name="某某",
                                kind=UnitKind.GRASSROOTS)
    submission_make(other, "2020-11", amounts=("7",))
    unit_services.unit_merge(source=other, target=school, by=by, reason="机构合并")
    _exact()
    assert _total(Unit.objects.get(pk=yexian.pk)) == wan_to_fen("7")


def test_a_bulk_import_and_a_replaced_report_are_counted_once(seeded):
    yexian = unit_find("叶县")
    submission_make(yexian, "2020-11", amounts=("1", "2"))
    _exact()
    services.submission_create(unit=yexian, period=NOV, by=system_user(), replace=True, status=Status.SUBMITTED,
                               lines=[_line("4.5"), _line("0.25", consumption_type="")])
    _exact()
    assert _total() == wan_to_fen("4.75")


def test_the_import_command_keeps_the_rollup_exact(seeded, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["单位名称", "采购产品", "产品来源", "采购方式", "采购时间", "采购金额（万元）"])
    for i in range(30):
        sheet.append(["叶县" if i % 2 else "舞钢市", f"小米{i}", "832平台", "线上", "2020年11月", f"{i % 5}.{i}"])
    path = tmp_path / "十一月汇总.xlsx"
    book.save(path)
    before = _total()
    call_command("import", str(path), "--period", "2020-11", stdout=io.StringIO(), stderr=io.StringIO())
    _exact()
    assert _total() > before


def test_rebuild_after_damage_and_check_finds_the_damage(seeded):
    Rollup.objects.filter(ancestor=root_unit()).update(amount_fen=1)
    found, told = rollup_check()
    assert found and "汇总为" in told[0]
    out = io.StringIO()
    rollup_rebuild()
    _exact()
    call_command("rollup", "--check", stdout=out, verbosity=0)
    assert "汇总与明细重算一致" in out.getvalue()


def test_the_check_command_refuses_with_a_chinese_message_when_rows_differ(seeded):
    from fupin.core.errors import UserError

    SubmissionSum.objects.filter(pk=SubmissionSum.objects.order_by("pk").first().pk).delete()
    with pytest.raises(UserError) as err:
        call_command("rollup", "--check", verbosity=0)
    assert "处不一致" in err.value.message and "--rebuild" in err.value.message


def _writes(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
            and "django_session" not in q["sql"]]


def test_no_read_writes_even_right_after_a_write(client, personas):
    by = system_user()
    client.force_login(personas.admin)
    client.get(reverse("home"))  # the login's own session writes happen here, not in the reads below
    s = submission_make(unit_find("叶县"), "2020-11", amounts=("1.5",))
    services.line_add(submission=s, data=_line("2"), by=by)
    pages = [reverse("home") + "?period=2020-11", reverse("insights:dashboard") + "?period=2020-11",
             reverse("insights:pivot") + "?period=2020-11&rows=unit&cols=channel",
             reverse("reporting:timeliness") + "?period=2020-11"]
    for url in pages:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, url
        assert _writes(ctx.captured_queries) == [], url
    assert "3.50" in client.get(reverse("home") + "?period=2020-11").content.decode()
