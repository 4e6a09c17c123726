"""Non-consumption screening as the office's own list (issue 14): defaults from `fupin init`, edited on a page with
an audit trail, applied on every path as a 警告 that needs a decision, in the review queue and the circular's facts."""

import os

import pytest
from django.core.management import call_command
from django.urls import reverse

from fupin.core.periods import Period
from fupin.insights.circular_facts import circular_facts
from fupin.quality import validation as judged
from fupin.quality.checks import findings_for_submission
from fupin.quality.models import NonConsumptionWord
from fupin.quality.selectors import review_queue
from fupin.reporting.models import Status
from fupin.reporting.services import LineInput, submission_create
from fupin.units.selectors import unit_find
from tests.factories import PASSWORD
from tests.ingest.conftest import run_import

NOVEMBER = Period.parse("2020-11")


def _line(product: str, source: str = "农户", note: str = "") -> LineInput:
    return LineInput(amount_fen=1_500_000, product=product, source_text=source, channel_code="FARM",
                     method_text="线下", method="线下", note=note)


def _flagged(products, unit="叶县") -> list[str]:
    s = submission_create(unit=unit_find(unit), period=NOVEMBER, lines=[_line(p) for p in products], by=None,
                          status=Status.SUBMITTED, replace=True)
    return [f.line.product for f in findings_for_submission(s) if f.rule == "not_consumption"]


def test_fupin_init_loads_the_default_list_and_keeps_the_offices_changes(db):
    call_command("init", verbosity=0, stdout=open(os.devnull, "w"))
    words = set(NonConsumptionWord.objects.values_list("word", flat=True))
    assert {"招待", "会议", "办公用品", "差旅", "礼品卡", "加油卡", "购物卡", "捐款"} <= words
    NonConsumptionWord.objects.filter(word="会议").update(active=False)
    call_command("init", verbosity=0, stdout=open(os.devnull, "w"))
    assert not NonConsumptionWord.objects.get(word="会议").active  # a default never overrides the office


def test_hospitality_meetings_office_supplies_travel_and_cards_are_flagged_with_their_reason(seeded):
    products = ["接待用餐招待费", "会议费", "办公用品", "差旅补助", "超市购物卡", "加油卡充值", "扶贫礼品卡",
                "香菇", "产销对接会议现场采购", "招待費"]
    flagged = _flagged(products)
    assert flagged == ["接待用餐招待费", "会议费", "办公用品", "差旅补助", "超市购物卡", "加油卡充值", "扶贫礼品卡",
                       "招待費"]  # 香菇 is consumption; the 产销对接会议 exception; traditional characters too


def test_the_finding_is_a_warning_that_needs_a_decision_and_never_drops_the_line(seeded):
    s = submission_create(unit=unit_find("叶县"), period=NOVEMBER, lines=[_line("招待费")], by=None,
                          status=Status.SUBMITTED)
    (finding,) = [f for f in findings_for_submission(s) if f.rule == "not_consumption"]
    assert finding.severity == "警告" and finding.line.excluded is False
    assert finding.message == "第1行" + judged.NOT_CONSUMPTION.format(
        label="产品名称", value="招待费", word="招待", reason="公务招待是单位公务开支，不是消费帮扶")
    assert s.lines.count() == 1


def test_flagged_lines_appear_in_the_review_queue_and_the_circulars_facts(seeded):
    _flagged(["招待费", "香菇"])
    _flagged(["办公用品"], unit="舞钢市")
    queue = review_queue(period=NOVEMBER, user=None)
    assert sorted(f.line.product for f in queue.findings if f.rule == "not_consumption") == ["办公用品", "招待费"]
    facts = circular_facts(period=NOVEMBER)
    issue = facts.issues["not_consumption"]
    assert issue.count == 2 and issue.amount_fen == 2 * 1_500_000


def test_the_office_adds_and_deactivates_words_on_its_page_with_an_audit_trail(personas, client):
    client.login(username=personas.admin.username, password=PASSWORD)
    page = client.get(reverse("quality:screening")).content.decode()
    assert "招待" in page and "公务招待是单位公务开支" in page
    response = client.post(reverse("quality:screening"), {"word": "团建", "reason": "团建活动是单位福利开支",
                                                          "exceptions": "团建采购扶贫产品"})
    assert response.status_code == 302
    entry = NonConsumptionWord.objects.get(word="团建")
    assert entry.history.latest().history_user == personas.admin
    assert _flagged(["周末团建", "团建采购扶贫产品"]) == ["周末团建"]
    zhaodai = NonConsumptionWord.objects.get(word="招待")
    client.post(reverse("quality:screening_active", args=[zhaodai.pk]), {"active": "0"})
    zhaodai.refresh_from_db()
    assert not zhaodai.active and zhaodai.history.latest().history_change_reason == "市总停用非消费关键词"
    assert _flagged(["招待费"]) == []
    refused = client.post(reverse("quality:screening"), {"word": "(招待", "reason": "x", "is_pattern": "on"})
    assert "正则表达式“(招待”写错了" in refused.content.decode()


@pytest.mark.parametrize("who", ["reporter", "viewer"])
def test_only_the_office_keeps_the_list(personas, client, who):
    client.login(username=getattr(personas, who).username, password=PASSWORD)
    assert client.get(reverse("quality:screening")).status_code == 403
    word = NonConsumptionWord.objects.get(word="招待")
    assert client.post(reverse("quality:screening_active", args=[word.pk]), {"active": "0"}).status_code == 403
    assert NonConsumptionWord.objects.get(word="招待").active


def test_the_offices_new_word_is_applied_by_the_form_and_the_import(personas, client, tmp_path):
    from fupin.quality.services import non_consumption_word_add

    non_consumption_word_add(word="团建", reason="团建活动是单位福利开支", by=personas.admin)
    client.login(username=personas.reporter.username, password=PASSWORD)
    where = {"unit_id": personas.unit.pk, "period": "2020-11"}
    client.post(reverse("reporting:start", kwargs=where))
    page = client.post(reverse("reporting:line_add", kwargs=where),
                       {"product": "周末团建", "source_text": "农户", "method": "线下", "amount_wan": "1"},
                       follow=True).content.decode()
    assert "警告：产品名称“周末团建”含“团建”：团建活动是单位福利开支" in page
    path = tmp_path / "舞钢市.csv"
    path.write_text("产品名称,产品来源,采购方式,金额（万元）\n周末团建,农户,线下,1\n", encoding="utf-8")
    (report,), _ = run_import(path, "--period", "2020-11", "--unit", "舞钢市")
    assert [w["rule"] for w in report["warnings"] if w.get("rule") == "not_consumption"] == ["not_consumption"]


def test_a_line_naming_two_channels_becomes_a_review_item_that_says_so(personas, client, tmp_path):
    path = tmp_path / "叶县.csv"
    path.write_text("产品名称,产品来源,采购方式,金额（万元）\n香菇,合作社、扶贫车间,线下,1\n", encoding="utf-8")
    (report,), _ = run_import(path, "--period", "2020-11", "--unit", "叶县")
    several = judged.CHANNEL_SEVERAL.format(text="合作社、扶贫车间", names="“合作社”、“扶贫企业”")
    assert [(w["severity"], w["message"]) for w in report["warnings"] if w.get("rule") == "channel_unclear"] == [
        ("提示", several)]
    client.login(username=personas.admin.username, password=PASSWORD)
    page = client.get(reverse("quality:review"), {"period": "2020-11"}).content.decode()
    assert 'data-testid="several">同时写了合作社、扶贫企业几个渠道' in page
