"""The screening rules, on the seed and on messy lines written for each rule; `fupin check`."""

import io
import json

import pytest
from django.core.management import call_command
from django.test import override_settings

from fupin.core.errors import UserError
from fupin.core.money import wan_to_fen
from fupin.core.periods import Period
from fupin.quality.checks import findings_for_period, findings_for_submission, submission_blocking_findings
from fupin.quality.services import stated_total_record, submission_defaults_fill
from fupin.reporting.models import ConsumptionType, Status
from fupin.reporting.services import LineInput, submission_create
from fupin.reporting.signals import submission_saved, submission_submitting
from fupin.units.selectors import unit_find

SEED = Period.parse("2020-01:2020-10")


def line(amount, source="农户", method="线下", product="小米", **kw):
    from fupin.quality.classify import Classifier
    from fupin.reporting.methods import method_normalize

    return LineInput(amount_fen=wan_to_fen(amount), source_text=source, method_text=method,
                     method=method_normalize(method), product=product,
                     channel_code=Classifier().code_for(source), **kw)


def report(unit_name, period, lines, status=Status.SUBMITTED):
    return submission_create(unit=unit_find(unit_name), period=Period.parse(period), lines=lines, by=None,
                             status=status)


def rules_of(findings, rule):
    return [f for f in findings if f.rule == rule]


@pytest.fixture
def seed_findings(seeded):
    return findings_for_period(period=SEED)


def test_seed_names_gongjiao_unions_two_secretary_lines_as_one_duplicate(seed_findings):
    dup = [f for f in rules_of(seed_findings, "duplicate_channel") if f.unit.display_name == "工交工会"]
    assert [(f.severity, f.line.position, f.line.source_text) for f in dup] == [
        ("警告", 1, "驻村第一书记推荐"), ("警告", 4, "驻村第一书记推荐")]
    assert dup[0].related == dup[1].related == [dup[0].line.pk, dup[1].line.pk]


def test_seed_sends_baofengs_odd_method_and_goods_and_lushans_two_channels_to_review(seed_findings):
    assert [(f.unit.display_name, f.line.method_text) for f in rules_of(seed_findings, "method_normalised")] == [
        ("宝丰县", "线上线上")]
    unclear = {(f.unit.display_name, f.line.source_text) for f in rules_of(seed_findings, "channel_unclear")}
    assert unclear == {("宝丰县", "扶贫产品"), ("鲁山县", "合作社、带贫企业")}


def test_seed_flags_pinggao_buying_on_the_aiirudian_platform_offline(seed_findings):
    found = [f for f in rules_of(seed_findings, "method_mismatch") if f.severity == "警告"]
    assert [(f.unit.display_name, f.line.source_text, f.line.method) for f in found] == [
        ("平高集团", "国家电网“爱如电”平台", "线下")]
    assert "属线上渠道" in found[0].message


def test_seed_has_no_errors_and_no_amount_alarms(seed_findings):
    assert not [f for f in seed_findings if f.severity == "错误"]
    assert not rules_of(seed_findings, "amount_outlier") and not rules_of(seed_findings, "amount_yuan_as_wan")


def test_fupin_check_json_has_the_issues_shape(seeded):
    out = io.StringIO()
    call_command("check", "--period", "2020-01:2020-10", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert list(data) == ["findings"]
    first = data["findings"][0]
    assert {"severity", "rule", "unit", "line", "message"} <= set(first)
    assert first["severity"] == "警告" and first["unit"] == "工交工会"
    assert first["line"]["amount"] == "5.6" and first["line"]["source_text"] == "驻村第一书记推荐"
    kinds = [f for f in data["findings"] if f["rule"] == "missing_kind"]
    assert kinds and all(f["line"] is None and f["severity"] == "提示" for f in kinds)


def test_fupin_check_text_output_counts_by_severity(seeded):
    out = io.StringIO()
    call_command("check", "--period", "2020-01:2020-10", stdout=out)
    assert out.getvalue().splitlines()[-1].startswith("共 ")


def test_fupin_check_refuses_a_bad_period_in_chinese(seeded):
    with pytest.raises(UserError, match="格式不正确"):
        call_command("check", "--period", "2020/10")


@pytest.mark.parametrize("product,source", [
    ("困难职工慰问金", "农户"), ("扶贫捐款", "合作社"), ("", "帮扶资金"), ("会费", "扶贫企业"), ("差旅费", "农户"),
    ("职工培训费", "扶贫基地")])
def test_money_that_is_not_consumption_is_a_warning_that_needs_a_decision(seeded, product, source):
    """Issue 14: a finding the office decides (exclude with a reason) or the unit keeps with a 上报说明."""
    s = report("叶县", "2020-11", [line("1.2", source=source, product=product)])
    found = rules_of(findings_for_submission(s), "not_consumption")
    assert [f.severity for f in found] == ["警告"]
    assert "不属于消费扶贫" in found[0].message and "上报说明" in found[0].message


def test_an_amount_far_above_the_units_own_history_is_a_warning(seeded):
    months = [("2020-11", ["1.2", "0.8", "2.5", "1.1"]), ("2020-12", ["0.9", "1.6", "2.1", "1.4"])]
    for period, amounts in months:
        report("卫东区", period, [line(a, product=f"品{i}") for i, a in enumerate(amounts)])
    s = report("卫东区", "2021-01", [line("1.3", product="挂面"), line("260", product="大米")])
    found = rules_of(findings_for_submission(s), "amount_outlier")
    assert [(f.line.product, f.severity) for f in found] == [("大米", "警告")]
    assert "远高于本单位以往明细" in found[0].message


def test_the_outlier_threshold_is_configurable(seeded):
    for period, amounts in [("2020-11", ["1.2", "0.8", "2.5", "1.1"]), ("2020-12", ["0.9", "1.6", "2.1", "1.4"])]:
        report("卫东区", period, [line(a, product=f"品{i}") for i, a in enumerate(amounts)])
    s = report("卫东区", "2021-01", [line("9", product="大米")])
    assert not rules_of(findings_for_submission(s), "amount_outlier")
    with override_settings(FUPIN_OUTLIER_Z="1.5"):
        assert rules_of(findings_for_submission(s), "amount_outlier")


def test_yuan_typed_into_the_wan_column_is_suspected(seeded):
    s = report("叶县", "2020-11", [line("3500", product="小米")])  # 3500万元: under the 1亿元 ceiling
    found = rules_of(findings_for_submission(s), "amount_yuan_as_wan")
    assert found[0].severity == "警告" and "应为0.35万元" in found[0].message


def test_a_method_neither_online_nor_offline_is_a_warning(seeded):
    s = report("叶县", "2020-11", [line("1", method="邮寄"), line("1", method="", source="合作社")])
    messages = [f.message for f in rules_of(findings_for_submission(s), "method_unclear")]
    assert messages == ["第1行采购方式“邮寄”看不出是线上还是线下，请改为“线上”或“线下”",
                        "第2行未填写采购方式，请改为“线上”或“线下”"]


def test_an_offline_channel_bought_online_is_a_note(seeded):
    s = report("叶县", "2020-11", [line("1", source="扶贫超市", method="线上")])
    assert [f.severity for f in rules_of(findings_for_submission(s), "method_mismatch")] == ["提示"]


def test_one_channel_written_two_ways_may_be_merged_as_a_note(seeded):
    s = report("叶县", "2020-11", [line("1", source="832平台", method="线上", product=""),
                                   line("2", source="扶贫832平台", method="线上", product="")])
    found = rules_of(findings_for_submission(s), "duplicate_channel")
    assert [f.severity for f in found] == ["提示", "提示"] and "可合并" in found[0].message


def test_a_big_duplicate_group_names_ten_rows_and_counts_the_rest(seeded):
    # A city pushing its lines can send hundreds of the same channel and product: the sentence stays short.
    s = report("叶县", "2020-11", [line("0.01") for _ in range(30)])
    found = rules_of(findings_for_submission(s), "duplicate_channel")
    assert len(found) == 30 and all(len(f.related) == 30 for f in found)
    assert "第10行等30行重复填报" in found[0].message and "第11行" not in found[0].message


def test_the_same_channel_for_different_products_is_not_a_duplicate(seeded):
    s = report("叶县", "2020-11", [line("1", product="小米"), line("2", product="红薯")])
    assert not rules_of(findings_for_submission(s), "duplicate_channel")


def test_missing_kinds_of_consumption_are_named_and_inferred_kinds_count(seeded):
    s = report("叶县", "2020-11", [line("1", product="小米"), line("2", source="乡村游", product="民宿")])
    found = rules_of(findings_for_submission(s), "missing_kind")
    assert [f.message for f in found] == ["未报职工疗休养、劳模助力：通报要求将其纳入统计，如确实没有可不填"]


def test_a_stated_subtotal_differing_from_the_lines_is_noted(seeded):
    s = report("叶县", "2020-11", [line("1.5"), line("2.25")])
    stated_total_record(submission=s, amount_fen=wan_to_fen("3.75"), by=None)
    assert not rules_of(findings_for_submission(s), "subtotal_mismatch")
    stated_total_record(submission=s, amount_fen=wan_to_fen("4.75"), by=None, source="叶县.xlsx 第9行")
    found = rules_of(findings_for_submission(s), "subtotal_mismatch")
    assert found[0].message == "填报的合计4.75万元与明细之和3.75万元不符，以明细为准"


def test_blocking_findings_are_errors_and_warnings_without_an_explanation(seeded):
    from fupin.reporting.services import line_update

    s = report("叶县", "2020-11", [line("1", product="慰问金"), line("1", method="邮寄", source="合作社")],
               status=Status.DRAFT)
    errors, unexplained = submission_blocking_findings(s)
    assert errors == []
    assert sorted(f.rule for f in unexplained) == ["method_unclear", "not_consumption"]
    for finding in unexplained:
        line_update(line=finding.line, by=None, explanation="合作社送货上门，当面付款")
    assert submission_blocking_findings(s)[1] == []


def test_the_submitting_signal_refuses_a_report_with_unexplained_warnings(seeded):
    s = report("叶县", "2020-11", [line("1", product="扶贫捐款")], status=Status.DRAFT)
    with pytest.raises(UserError, match="0个错误、1个警告未写上报说明，暂不能上报"):
        submission_submitting.send(sender=type(s), submission=s, by=None)
    clean = report("舞钢市", "2020-11", [line("1", product="小米")], status=Status.DRAFT)
    submission_submitting.send(sender=type(clean), submission=clean, by=None)  # nothing to refuse


def test_the_saved_signal_fills_consumption_types_and_sure_channels(seeded):
    s = report("叶县", "2020-11", [
        LineInput(amount_fen=100, source_text="视频号直播", method="线上", product="小米"),
        LineInput(amount_fen=100, source_text="农户", method="线下", product="职工疗休养"),
        LineInput(amount_fen=100, source_text="扶贫产品", method="线下", consumption_type="食堂采购")],
        status=Status.DRAFT)
    submission_saved.send(sender=type(s), submission=s, by=None)
    got = list(s.lines.order_by("position").values_list("channel_code", "consumption_type"))
    assert got == [("LIVE", ConsumptionType.UNIT_PURCHASE), ("FARM", ConsumptionType.SANATORIUM),
                   ("", ConsumptionType.CANTEEN)]
    assert s.lines.get(position=1).history.first().history_change_reason == "系统按产品和来源补填"


def test_filling_defaults_leaves_an_accepted_report_alone(seeded):
    s = report("叶县", "2020-11", [LineInput(amount_fen=100, source_text="农户", method="线下")],
               status=Status.APPROVED)
    assert submission_defaults_fill(submission=s, by=None) == 0


def test_findings_for_a_period_only_cover_units_the_person_may_see(personas):
    found = findings_for_period(period=SEED, user=personas.reporter)
    assert found and {f.unit.display_name for f in found} == {"叶县"}


def test_excluded_lines_are_not_screened(seeded):
    from fupin.reporting.exclusions import line_exclude

    s = report("叶县", "2020-11", [line("1", product="扶贫捐款")])
    line_exclude(line=s.lines.get(), by=None, reason="捐款不属于消费")
    assert not rules_of(findings_for_submission(s), "not_consumption")
