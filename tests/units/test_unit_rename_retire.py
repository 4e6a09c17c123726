"""Renaming (old names still import), moving (the subtree and its figures follow) and retiring a unit (kept
for history, out of new rounds)."""

import io
import json

import pytest
import xlsxwriter
from django.core.management import call_command

from fupin.core.errors import UserError
from fupin.core.periods import Period
from fupin.insights.aggregates import aggregate, ranking
from fupin.reporting.models import Status, Submission
from fupin.reporting.rounds import round_open
from fupin.units.models import Unit, UnitAlias
from fupin.units.selectors import root_unit, unit_find
from fupin.units.services import (
    MOVE_INTO_ITSELF,
    NAME_TAKEN,
    RETIRE_HAS_CHILDREN,
    unit_add,
    unit_move,
    unit_reactivate,
    unit_rename,
    unit_retire,
)
from tests.factories import submission_make
from tests.ingest.conftest import run_import

SEED = "2020-01:2020-10"


def report(kind: str, *args) -> dict:
    """`fupin report attachment … --format json` or `fupin report timeliness … --json`, parsed."""
    out = io.StringIO()
    as_json = ["--format", "json"] if kind == "attachment" else ["--json"]
    call_command("report", kind, *args, *as_json, stdout=out)
    return json.loads(out.getvalue())


def figures(unit, period) -> tuple:
    f = aggregate(root=unit, period=period).total
    return f.amount_fen, f.lines, f.excluded_fen, f.excluded_lines


def office_file(path, rows):
    """A unit's sheet as offices send it: a title, a blank row, headers with line breaks, names written anyhow."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("11月")
    sheet.write(0, 0, "平顶山市工会系统11月消费扶贫统计")
    sheet.write_row(2, 0, ["单位名称", "产品名称", "产品来源\n（采购渠道）", "采购方式", "采购时间",
                           "数量\n(单位：吨)", "金额\n（单位：万元）"])
    for r, row in enumerate(rows, start=3):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    book.close()
    return path


def test_renamed_unit_still_imports_under_its_old_names(personas, tmp_path):
    gaoxin = unit_find("高新区")
    unit_rename(unit=gaoxin, short_name="高新技术开发区", name="高新技术产业开发区工会联合会", by=personas.admin,
                reason="区划更名")
    gaoxin.refresh_from_db()
    assert (gaoxin.short_name, gaoxin.name) == ("高新技术开发区", "高新技术产业开发区工会联合会")
    assert set(UnitAlias.objects.filter(unit=gaoxin).values_list("text", flat=True)) >= {"高新区",
                                                                                          "高新区工会联合会"}
    record = gaoxin.history.latest()
    assert record.history_user == personas.admin and record.history_change_reason == \
        "更名：高新区 → 高新技术开发区：区划更名"
    path = office_file(tmp_path / "11月报表.xlsx", [
        ["高新区", "小米", "贫困户", "线下", "2020.11.5", 0.5, 1.2],
        [None, "香油", "扶贫832平台", "线上", "11月9日", None, " 0.8 "],
        ["高新区工会联合会", "面粉", "扶贫基地", "线下", "2020-11-20", None, "0.5万元"],
        ["高 新 区", "鸡蛋", "贫困户", "线下", None, None, 0.25],
    ])
    (result,), error = run_import(path, "--period", "2020-11")
    assert error is None, result
    assert result["errors"] == [] and result["imported"] == 4
    november = Submission.objects.get(first_month="2020-11-01", last_month="2020-11-01")
    assert november.unit == gaoxin and november.lines.count() == 4
    assert sum(november.lines.values_list("amount_fen", flat=True)) == 2_750_000  # 2.75万元
    # The seed's table of 1—10月 names the unit by its new name now, with the same figures.
    table = report("attachment", "--period", SEED)
    assert "高新技术开发区" in {u["unit"] for u in table["units"]} and table["total"] == "3341.57"


def test_rename_to_a_name_another_unit_answers_to_is_refused(personas):
    with pytest.raises(UserError) as taken:
        unit_rename(unit=unit_find("叶县"), short_name="宝丰", by=personas.admin)  # 宝丰县's alias
    assert taken.value.message == NAME_TAKEN.format(name="宝丰", unit="宝丰县")
    assert Unit.objects.filter(short_name="叶县").exists()


def test_moved_unit_takes_its_subtree_and_its_figures_along(personas):
    jianghe, wugang, root = unit_find("江河机械"), unit_find("舞钢市"), root_unit()
    plant = unit_add(parent=jianghe, short_name="江河一分厂", name="江河机械一分厂工会", by=personas.admin)
    submission_make(plant, "2020-11", amounts=("1.25",), status=Status.SUBMITTED)
    seed, nov = Period.parse(SEED), Period.parse("2020-11")
    before = {p: {u.pk: figures(u, p) for u in (jianghe, wugang, root)} for p in (seed, nov)}

    unit_move(unit=jianghe, parent=wugang, by=personas.admin, reason="划归舞钢市管理")

    jianghe.refresh_from_db()
    plant.refresh_from_db()
    assert jianghe.path == f"{wugang.path}{jianghe.pk}/" and jianghe.depth == 2
    assert plant.path == f"{jianghe.path}{plant.pk}/" and plant.depth == 3
    assert "移动：平顶山市总工会 → 舞钢市：划归舞钢市管理" == jianghe.history.latest().history_change_reason
    for p in (seed, nov):
        was = before[p]
        assert figures(wugang, p) == tuple(a + b for a, b in zip(was[wugang.pk], was[jianghe.pk], strict=True))
        assert figures(root, p) == was[root.pk] and figures(jianghe, p) == was[jianghe.pk]
        for unit in (wugang, root, jianghe):
            assert figures(unit, p) == tuple(getattr(aggregate(root=unit, period=p, source="lines").total, k)
                                             for k in ("amount_fen", "lines", "excluded_fen", "excluded_lines"))
    assert figures(wugang, nov)[0] == 1_250_000
    assert "江河机械" not in {r.label for r in ranking(root=root, period=seed)}


def test_a_unit_cannot_move_below_itself(personas):
    jianghe = unit_find("江河机械")
    plant = unit_add(parent=jianghe, short_name="江河一分厂", by=personas.admin)
    with pytest.raises(UserError) as refused:
        unit_move(unit=jianghe, parent=plant, by=personas.admin)
    assert refused.value.message == MOVE_INTO_ITSELF.format(unit="江河机械", parent="江河一分厂")


def test_retired_unit_leaves_new_rounds_but_stays_in_its_past_tables(personas):
    jianghe = unit_find("江河机械")
    before = report("attachment", "--period", SEED)
    round_open(period=Period.parse("2020-12"), by=personas.admin)
    assert "江河机械" in {e["unit"] for e in report("timeliness", "--period", "2020-12")["missing"]}

    unit_retire(unit=jianghe, by=personas.admin, reason="企业改制，不再单独统计")

    december = report("timeliness", "--period", "2020-12")
    listed = {e["unit"] for key in ("on_time", "late", "missing") for e in december[key]}
    assert "江河机械" not in listed and "叶县" in listed
    after = report("attachment", "--period", SEED)
    assert after == before  # still in its past table, same lines and total
    assert "江河机械" in {u["unit"] for u in after["units"]}
    assert "江河机械" not in {u["unit"] for u in report("attachment", "--period", "2020-12")["units"]}
    record = Unit.objects.get(pk=jianghe.pk).history.latest()
    assert record.history_change_reason == "停用：企业改制，不再单独统计" and record.history_user == personas.admin
    assert Submission.objects.filter(unit=jianghe).count() == 1  # its report stays

    unit_reactivate(unit=jianghe, by=personas.admin, reason="恢复单独统计")
    assert "江河机械" in {e["unit"] for e in report("timeliness", "--period", "2020-12")["missing"]}


def test_a_unit_with_active_subordinates_cannot_be_retired(personas):
    jianghe = unit_find("江河机械")
    unit_add(parent=jianghe, short_name="江河一分厂", by=personas.admin)
    with pytest.raises(UserError) as refused:
        unit_retire(unit=jianghe, by=personas.admin, reason="改制")
    assert refused.value.message == RETIRE_HAS_CHILDREN.format(unit="江河机械", names="江河一分厂")
