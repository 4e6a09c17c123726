"""The office's review queue: confirm, correct, merge, exclude; who may; and the audit trail it leaves."""

import pytest
from django.urls import reverse

from fupin.core.errors import UserError
from fupin.core.money import wan_display
from fupin.core.periods import Period
from fupin.insights.attachment import attachment_table
from fupin.quality.classify import Classifier
from fupin.quality.models import ChannelAlias
from fupin.reporting.exclusions import MERGE_ONE_SUBMISSION, line_exclude, line_include, lines_merge
from fupin.reporting.models import PurchaseLine
from fupin.units.selectors import unit_find
from tests.factories import PASSWORD
from tests.ingest.conftest import run_import

SEED = Period.parse("2020-01:2020-10")
QUEUE = "/quality/review/?period=2020-01:2020-10"


def seed_line(unit: str, source: str, position: int | None = None) -> PurchaseLine:
    lines = PurchaseLine.objects.filter(submission__unit=unit_find(unit), source_text=source)
    return lines.get(position=position) if position else lines.get()


def logged_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


# -- who may -------------------------------------------------------------------------------------------------------

def test_the_queue_lists_waiting_lines_with_suggestions_for_the_office(client, personas):
    page = logged_in(client, personas.admin).get(QUEUE)
    assert page.status_code == 200
    text = page.content.decode()
    assert "扶贫产品" in text and "合作社、带贫企业" in text and "合作社、扶贫企业" in text
    assert "驻村第一书记推荐" in text and "合并到第1行" in text


@pytest.mark.parametrize("who", ["reporter", "approver", "viewer", "outsider"])
def test_the_queue_is_forbidden_to_everyone_but_the_office(client, personas, who):
    assert logged_in(client, getattr(personas, who)).get(QUEUE).status_code == 403


def test_the_queue_sends_the_anonymous_to_log_in(client, seeded):
    response = client.get(QUEUE)
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("name", ["line_channel", "line_exclude", "line_include"])
def test_line_actions_hide_a_line_from_outsiders_and_forbid_the_read_only(client, personas, name):
    line = seed_line("叶县", "扶贫平台")
    url = reverse(f"quality:{name}", args=[line.pk])
    assert logged_in(client, personas.outsider).post(url, {"code": "ECOM", "reason": "x"}).status_code == 404
    assert logged_in(client, personas.viewer).post(url, {"code": "ECOM", "reason": "x"}).status_code == 403
    assert logged_in(client, personas.reporter).post(url, {"code": "ECOM", "reason": "x"}).status_code == 403


@pytest.mark.parametrize("url", [QUEUE, "/quality/channels/"])
def test_pages_refuse_a_post(client, personas, url):
    assert logged_in(client, personas.admin).post(url).status_code == 405


@pytest.mark.parametrize("name", ["line_channel", "line_exclude", "line_include", "line_explain"])
def test_line_actions_refuse_a_get(client, personas, name):
    url = reverse(f"quality:{name}", args=[seed_line("叶县", "扶贫平台").pk])
    assert logged_in(client, personas.admin).get(url).status_code == 405


# -- confirm and correct -------------------------------------------------------------------------------------------

def test_confirming_a_text_makes_its_next_import_need_no_review(client, personas, tmp_path):
    line = seed_line("宝丰", "扶贫产品")
    assert Classifier().classify("扶贫产品").needs_review
    response = logged_in(client, personas.admin).post(
        reverse("quality:line_channel", args=[line.pk]), {"code": "SHOP", "next": QUEUE}, follow=True)
    assert "今后同样写法不再询问" in response.content.decode()
    line.refresh_from_db()
    assert line.channel_code == "SHOP"
    assert ChannelAlias.objects.get(text="扶贫产品").origin == ChannelAlias.Origin.OFFICE
    answer = Classifier().classify("扶贫产品")
    assert (answer.code, answer.needs_review) == ("SHOP", False)

    # The next month 宝丰 sends the same words (with a stray space) in its file: no question asked.
    sheet = tmp_path / "宝丰县11月.csv"
    sheet.write_bytes("单位名称,产品名称,产品来源,采购方式,金额（万元）\r\n宝丰,香菇, 扶贫产品 ,线下,1.2\r\n"
                      .encode("gbk"))
    (report,), error = run_import(sheet, "--period", "2020-11")
    assert error is None and report["imported"] == 1
    assert not [w for w in report["warnings"] if w.get("column") == "产品来源"], report["warnings"]
    imported = PurchaseLine.objects.get(submission__unit=unit_find("宝丰"), submission__first_month__month=11)
    assert imported.channel_code == "SHOP"
    record = line.history.first()
    assert record.history_user == personas.admin and "市总确认渠道" in record.history_change_reason


def test_correcting_a_text_to_another_channel_relabels_its_alias(client, personas):
    line = seed_line("鲁山", "合作社、带贫企业")
    logged_in(client, personas.admin)
    client.post(reverse("quality:line_channel", args=[line.pk]), {"code": "COOP"})
    client.post(reverse("quality:line_channel", args=[line.pk]), {"code": "ENTR"})
    assert ChannelAlias.objects.get(text="合作社、带贫企业").channel.code == "ENTR"
    assert Classifier().code_for("合作社、带贫企业") == "ENTR"


def test_an_unknown_channel_code_is_refused_with_a_message(client, personas):
    line = seed_line("宝丰", "扶贫产品")
    response = logged_in(client, personas.admin).post(
        reverse("quality:line_channel", args=[line.pk]), {"code": "NOPE"}, follow=True)
    assert "没有代码为“NOPE”的在用标准渠道" in response.content.decode()
    line.refresh_from_db()
    assert line.channel_code == ""


# -- exclude and merge ---------------------------------------------------------------------------------------------

def test_an_excluded_line_stays_is_shown_and_is_not_counted(client, personas):
    line = seed_line("宝丰", "扶贫产品")
    before = attachment_table(period=SEED)
    response = logged_in(client, personas.admin).post(
        reverse("quality:line_exclude", args=[line.pk]), {"reason": "只写了产品，核实后不属于扶贫产品采购",
                                                          "next": QUEUE}, follow=True)
    assert "不计入合计" in response.content.decode()
    after = attachment_table(period=SEED)
    assert before.total_fen - after.total_fen == line.amount_fen == after.excluded_fen
    assert wan_display(after.total_fen) == "3192.13"
    line.refresh_from_db()
    assert line.excluded and PurchaseLine.objects.filter(pk=line.pk).exists()
    page = client.get(QUEUE).content.decode()
    assert "只写了产品，核实后不属于扶贫产品采购" in page and "149.44" in page


def test_exclusion_needs_a_reason(personas):
    with pytest.raises(UserError, match="请填写剔除原因"):
        line_exclude(line=seed_line("宝丰", "扶贫产品"), by=personas.admin, reason="  ")


def test_exclusion_and_inclusion_are_in_the_audit_trail(personas):
    line = seed_line("宝丰", "扶贫产品")
    line_exclude(line=line, by=personas.admin, reason="非消费")
    line_include(line=line, by=personas.admin, reason="核实属于消费")
    history = list(line.history.order_by("history_date", "history_id"))
    assert [(h.excluded, h.exclusion_reason) for h in history[-3:]] == [(False, ""), (True, "非消费"), (False, "")]
    assert [h.history_change_reason for h in history[-2:]] == ["剔除：非消费", "恢复计入：核实属于消费"]
    assert all(h.history_user == personas.admin for h in history[-2:])


def test_merging_duplicates_keeps_both_lines_and_the_total(client, personas):
    first, second = seed_line("工交工会", "驻村第一书记推荐", 1), seed_line("工交工会", "驻村第一书记推荐", 4)
    before = attachment_table(period=SEED).total_fen
    logged_in(client, personas.admin).post(reverse("quality:merge"),
                                           {"line": [first.pk, second.pk], "reason": "同一渠道"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.amount_display == "26.06" and not first.excluded
    assert second.excluded and second.exclusion_reason == "已合并到第1行" and second.amount_display == "20.46"
    assert attachment_table(period=SEED).total_fen == before
    assert first.history.first().history_change_reason == "同一渠道：并入第4行"
    assert first.history.first().history_user == personas.admin
    assert second.history.first().history_change_reason == "同一渠道：已合并到第1行"
    assert first.history.order_by("history_date", "history_id")[0].amount_fen == 5_600_000  # the before


def test_merging_lines_of_two_units_is_refused(personas):
    with pytest.raises(UserError, match=MERGE_ONE_SUBMISSION):
        lines_merge(lines=[seed_line("宝丰", "扶贫产品"), seed_line("叶县", "扶贫平台")], by=personas.admin)


# -- the unit's page of findings and its 上报说明 ---------------------------------------------------------------------

def test_a_unit_sees_its_reports_findings_and_others_do_not(client, personas):
    from fupin.reporting.models import Submission

    pinggao = Submission.objects.get(unit=unit_find("平高集团"))
    url = reverse("quality:submission", args=[pinggao.pk])
    assert logged_in(client, personas.admin).get(url).status_code == 200
    assert "属线上渠道" in client.get(url).content.decode()
    assert logged_in(client, personas.outsider).get(url).status_code == 404


def test_a_reporter_writes_an_explanation_that_stays_with_the_line(client, personas):
    from fupin.reporting.models import Status
    from fupin.reporting.services import LineInput, line_add, submission_create

    draft = submission_create(unit=personas.unit, period=Period.parse("2020-11"), by=personas.reporter,
                              status=Status.DRAFT, lines=[LineInput(amount_fen=1_000_000, source_text="832平台",
                                                                    method_text="线下", method="线下")])
    assert line_add  # the same services the forms use
    line = draft.lines.get()
    url = reverse("quality:line_explain", args=[line.pk])
    assert logged_in(client, personas.outsider).post(url, {"explanation": "x"}).status_code == 404
    assert logged_in(client, personas.viewer).post(url, {"explanation": "x"}).status_code == 403
    logged_in(client, personas.reporter).post(url, {"explanation": "平台订单由供货商送到单位，当面验收"})
    line.refresh_from_db()
    assert line.explanation == "平台订单由供货商送到单位，当面验收"
    assert line.history.first().history_change_reason == "填写上报说明"
