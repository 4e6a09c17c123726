"""`fupin report compliance --period … --json` and the circular's section, through their public faces."""

import io
import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command

from fupin.core.errors import UserError
from fupin.core.periods import Period
from fupin.policy.summary import compliance_summary
from fupin.reporting.models import Purpose
from tests.factories import personas as make_personas
from tests.policy.builders import purchases, spending


def report_json(*args) -> dict:
    out = io.StringIO()
    call_command("report", "compliance", *args, stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def ledger(registry):
    spending("叶县", "2020-01:2020-12", sisong="100000", holiday="2600000", hardship="50000", other="7000",
             members=1000)
    purchases("叶县", "2020-01:2020-12", (Purpose.SISONG, "2.5"), (Purpose.HOLIDAY, "60", "FARM", date(2020, 9, 1)),
              (Purpose.HARDSHIP, "0.8"), ("", "12.34"))
    spending("舞钢市", "2020-01:2020-12", holiday="2100000", members=1000)
    purchases("舞钢市", "2020-01:2020-12", (Purpose.HOLIDAY, "5", "PAIR", date(2020, 9, 1)))


def test_json_labels_every_figure_with_its_unit(ledger):
    data = report_json("--period", "2020-01:2020-12", "--json")
    assert data["report"] == "compliance" and data["period"] == {"from": "2020-01", "to": "2020-12"}
    assert data["as_of"] == "2020-12-31" and data["summary"]["unit_count"] == 29
    yexian = next(u for u in data["units"] if u["unit"] == "叶县")
    assert yexian["spending_yuan"] == {"四送": "100000.00", "节日慰问": "2600000.00", "困难职工慰问": "50000.00",
                                       "其他": "7000.00"}
    sisong, holiday, hardship = yexian["shares"]
    assert sisong == {"purpose": "四送", "rule_id": sisong["rule_id"], "spending_yuan": "100000.00",
                      "poverty_yuan": "25000.00", "poverty_wan": "2.50", "share_percent": "25.00",
                      "min_share_percent": "20.00", "status": "met", "status_label": "达标"}
    assert holiday["share_percent"] == "23.07" and hardship["status"] == "below"
    assert yexian["holiday"]["per_member_yuan"] == "2600.00"
    assert yexian["holiday"]["status"] == "over_extra" and yexian["holiday"]["extra_window"] == {
        "from": "2020-01-01", "until": "2020-12-31"}
    assert yexian["unassigned_line_count"] == 1 and yexian["unassigned_wan"] == "12.34"
    assert yexian["status"] == "breach" and "困难职工慰问比例未达标" in yexian["breaches"]
    kinds = [r["kind"] for r in data["rules"]]
    assert kinds == ["share_min", "holiday_cap", "extra_allowance"]
    assert data["rules"][2]["document"]["number"] == "豫工发电〔2020〕17号"


def test_text_output_is_the_circulars_paragraphs(ledger):
    out = io.StringIO()
    call_command("report", "compliance", "--period", "2020-01:2020-12", stdout=out)
    text = out.getvalue()
    assert text.startswith("政策规则落实情况") and "叶县人均2600.00元（超过上限及额外额度）" in text


def test_a_period_across_new_year_is_refused_in_chinese(registry):
    with pytest.raises(UserError, match="跨年，请分年查询，例如 2020-11:2020-12"):
        report_json("--period", "2020-11:2021-02", "--json")


def test_the_command_exits_1_with_a_chinese_error_for_a_period_across_new_year(tmp_path):
    fupin = shutil.which("fupin") or str(Path(sys.executable).with_name("fupin"))
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"FUPIN_HOME": str(tmp_path)}
    subprocess.run([fupin, "init"], env=env, check=True, capture_output=True, timeout=120)
    result = subprocess.run([fupin, "report", "compliance", "--period", "2020-11:2021-02", "--json"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and result.stderr.startswith("错误：合规检查按自然年计算")
    assert "Traceback" not in result.stderr


def test_the_circular_section_gives_paragraphs_and_figures(ledger):
    summary = compliance_summary(period=Period.parse("2020-01:2020-12"))
    assert summary.heading == "政策规则落实情况"
    first, second, *rest = summary.paragraphs
    assert "不低于20%" in first and "不超过2000元" in first and "每人不超过500元" in first
    assert "29个单位中有2个填报了福利支出" in second and "28个单位未报送政策规则所需的数据" in second
    assert second.startswith("2020年1—12月，")
    assert any("舞钢市人均2100.00元（超过上限的部分未用于本省贫困地区农副产品）" in p for p in rest)
    assert summary.figures["breach_count"] == 2 and summary.figures["unassigned_wan"] == "12.34"


def test_the_circular_section_for_a_reporter_covers_its_own_unit_only(ledger):
    people = make_personas()
    summary = compliance_summary(period=Period.parse("2020-01:2020-12"), user=people.reporter)
    assert summary.figures["unit_count"] == 1 and "舞钢市" not in "".join(summary.paragraphs)


def test_the_circular_section_explains_a_period_across_new_year_instead_of_failing(registry):
    summary = compliance_summary(period=Period.parse("2020-11:2021-02"))
    assert summary.paragraphs and "跨年" in summary.paragraphs[0] and summary.figures == {}


def test_the_circular_draft_carries_the_policy_section_after_the_problems(ledger):
    from fupin.publishing.circular_render import draft_text

    text = draft_text(period=Period.parse("2020-01:2020-12"), number="平工办〔2021〕1号", on=date(2021, 1, 10))
    kinds_texts = [(p["kind"], p["text"]) for p in text.paragraphs]
    headings = [t for k, t in kinds_texts if k == "heading1"]
    assert headings[2:4] == ["三、审核发现的问题", "四、政策规则落实情况"]
    start = kinds_texts.index(("heading1", "四、政策规则落实情况"))
    body = [t for _, t in kinds_texts[start + 1:start + 4]]
    assert body == compliance_summary(period=Period.parse("2020-01:2020-12")).paragraphs[:3]
    assert "不低于20%" in body[0] and "舞钢市人均2100.00元" in "".join(t for _, t in kinds_texts)


def test_the_circular_says_an_allowance_window_has_closed(registry):
    spending("叶县", "2021-01:2021-12", holiday="1000", members=10)
    first = compliance_summary(period=Period.parse("2021-01:2021-12")).paragraphs[0]
    assert "每人不超过500元" in first and "已于2020年12月31日截止" in first
    first = compliance_summary(period=Period.parse("2020-01:2020-12")).paragraphs[0]
    assert "截至2020年12月31日" in first and "截止" not in first
