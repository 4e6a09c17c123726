"""The monthly workflow: 草稿 → (单位审核人签字) → 已上报 → 已退回 with a reason / 已审核 (locked) → 解锁 with a reason.
The rules hold inside the services, whichever face calls them."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from fupin.core.errors import UserError
from fupin.core.money import wan_to_fen
from fupin.core.periods import Period
from fupin.reporting import services
from fupin.reporting.models import PurchaseLine, Status, Submission
from fupin.reporting.selectors import submission_detail, version_lines
from fupin.reporting.services import LineInput
from tests.factories import submission_make

SH = ZoneInfo("Asia/Shanghai")
NOV = Period.parse("2020-11")


def at(text: str):
    return time_machine.travel(datetime.fromisoformat(text).replace(tzinfo=SH), tick=False)


def line(amount: str, source: str = "扶贫832平台", product: str = "小米") -> LineInput:
    return LineInput(amount_fen=wan_to_fen(amount), source_text=source, product=product, method="线上",
                     method_text="线上")


PRODUCTS = ("小米", "香菇", "蜂蜜", "红薯粉条")


def draft(p, *amounts) -> Submission:
    """Distinct products: two lines of one product from one channel must be merged before submission."""
    sub = services.submission_start(unit=p.unit, period=NOV, by=p.reporter)
    for amount, product in zip(amounts, PRODUCTS, strict=False):
        services.line_add(submission=sub, data=line(amount, product=product), by=p.reporter)
    return sub


def test_a_unit_with_an_approver_cannot_submit_before_its_sign_off(personas):
    p = personas
    sub = draft(p, "1.5")
    with pytest.raises(UserError, match="须经审核人签字确认后才能上报"):
        services.submission_submit(submission=sub, by=p.reporter)
    services.submission_sign_off(submission=sub, by=p.approver)
    sub = services.submission_submit(submission=sub, by=p.reporter)
    assert sub.status == Status.SUBMITTED and sub.signed_off_by == p.approver


def test_a_unit_without_an_approver_submits_directly(personas):
    p = personas
    sub = services.submission_start(unit=p.other_unit, period=NOV, by=p.outsider)
    services.line_add(submission=sub, data=line("2"), by=p.outsider)
    assert services.submission_submit(submission=sub, by=p.outsider).status == Status.SUBMITTED


def test_changing_a_signed_report_needs_a_new_signature(personas):
    p = personas
    sub = draft(p, "1.5")
    services.submission_sign_off(submission=sub, by=p.approver)
    services.line_add(submission=sub, data=line("0.5"), by=p.reporter)
    with pytest.raises(UserError, match=services.SIGN_OFF_REQUIRED.format(unit="叶县")):
        services.submission_submit(submission=sub, by=p.reporter)


def test_returned_report_carries_its_reason_and_is_fixed_and_resubmitted_as_a_new_version(personas):
    p = personas
    sub = draft(p, "1.5", "2")
    services.submission_sign_off(submission=sub, by=p.approver)
    services.submission_submit(submission=sub, by=p.reporter)
    with pytest.raises(UserError, match=services.RETURN_REASON_REQUIRED):
        services.submission_return(submission=sub, by=p.admin, reason="  ")
    sub = services.submission_return(submission=sub, by=p.admin, reason="第2条金额与凭证不符，应为1.2万元")
    assert sub.status == Status.RETURNED and sub.return_reason.startswith("第2条")
    second = sub.lines.order_by("position")[1]
    services.line_update(line=second, by=p.reporter, reason="按凭证更正", amount_fen=wan_to_fen("1.2"))
    services.submission_sign_off(submission=sub, by=p.approver)
    sub = services.submission_submit(submission=sub, by=p.reporter)
    first_version, second_version = sub.versions.order_by("number")
    assert (first_version.total_fen, second_version.total_fen) == (wan_to_fen("3.5"), wan_to_fen("2.7"))
    assert [x.amount_fen for x in version_lines(first_version)] == [wan_to_fen("1.5"), wan_to_fen("2")]
    assert [x.amount_fen for x in version_lines(second_version)] == [wan_to_fen("1.5"), wan_to_fen("1.2")]
    assert sub.return_reason == ""


def test_an_approved_report_is_locked_and_unlocking_needs_a_reason_that_is_audited(personas):
    p = personas
    sub = draft(p, "1.5")
    services.submission_sign_off(submission=sub, by=p.approver)
    services.submission_submit(submission=sub, by=p.reporter)
    sub = services.submission_approve(submission=sub, by=p.admin)
    the_line = sub.lines.get()
    locked = services.SUBMISSION_LOCKED.format(unit="叶县", period="2020年11月")
    with pytest.raises(UserError, match=locked):
        services.line_update(line=the_line, by=p.admin, amount_fen=1)
    with pytest.raises(UserError, match=locked):
        services.line_add(submission=sub, data=line("1"), by=p.admin)
    with pytest.raises(UserError, match=locked):
        submission_make(p.unit, "2020-11", amounts=("9",), by=p.reporter, replace=True)
    with pytest.raises(UserError, match=locked):
        services.submission_update(submission=sub, by=p.reporter, summary="改")
    with pytest.raises(UserError, match=services.UNLOCK_REASON_REQUIRED):
        services.submission_unlock(submission=sub, by=p.admin, reason="")
    sub = services.submission_unlock(submission=sub, by=p.admin, reason="叶县来函更正金额")
    assert sub.status == Status.SUBMITTED
    record = sub.history.first()
    assert record.history_change_reason == "解锁：叶县来函更正金额" and record.history_user == p.admin
    services.line_update(line=the_line, by=p.admin, reason="叶县来函", amount_fen=wan_to_fen("1.4"))


def test_the_office_may_still_classify_a_locked_line(seeded):
    the_line = PurchaseLine.objects.filter(submission__status=Status.APPROVED).first()
    services.line_update(line=the_line, by=None, reason="归入扶贫832平台", channel_code="P832")


def test_a_unit_cannot_change_a_report_waiting_for_the_office(personas):
    p = personas
    sub = draft(p, "1.5")
    services.submission_sign_off(submission=sub, by=p.approver)
    services.submission_submit(submission=sub, by=p.reporter)
    with pytest.raises(UserError, match="正等待市总审核"):
        services.line_add(submission=sub, data=line("1"), by=p.reporter)
    with pytest.raises(UserError, match="无需重复上报"):
        services.submission_submit(submission=sub, by=p.reporter)
    # The office corrects during review (audited).
    services.line_update(line=sub.lines.get(), by=p.admin, reason="核对", amount_fen=wan_to_fen("1.6"))


def test_a_zero_report_is_an_explicit_submission_distinct_from_none(personas):
    p = personas
    sub = services.submission_start(unit=p.unit, period=NOV, by=p.reporter)
    services.submission_sign_off(submission=sub, by=p.approver)
    with pytest.raises(UserError, match="请勾选“零报告"):
        services.submission_submit(submission=sub, by=p.reporter)
    services.submission_update(submission=sub, by=p.reporter, is_zero_report=True, summary="本月无采购")
    services.submission_sign_off(submission=sub, by=p.approver)
    sub = services.submission_submit(submission=sub, by=p.reporter)
    assert sub.is_zero_report and sub.versions.get().is_zero_report
    services.submission_return(submission=sub, by=p.admin, reason="请核实")
    services.line_add(submission=sub, data=line("1"), by=p.reporter)
    services.submission_sign_off(submission=sub, by=p.approver)
    with pytest.raises(UserError, match="勾选了零报告，却有1条明细"):
        services.submission_submit(submission=sub, by=p.reporter)


def test_a_late_report_is_accepted_and_marked_with_working_days_late(personas):
    p = personas
    sub = draft(p, "1")
    services.submission_sign_off(submission=sub, by=p.approver)
    # November 2020 was due on Monday 30 November; Thursday 3 December is 3 working days late.
    with at("2020-12-03 09:00"):
        sub = services.submission_submit(submission=sub, by=p.reporter)
    assert sub.status == Status.SUBMITTED and sub.versions.get().days_late == 3
    assert submission_detail(unit=p.unit, period=NOV).days_late == 3


def test_replacing_a_returned_report_by_import_is_a_new_version(personas):
    p = personas
    submission_make(p.unit, "2020-11", amounts=("1",), by=p.reporter)
    sub = Submission.objects.get(unit=p.unit, first_month=NOV.first)
    services.submission_return(submission=sub, by=p.admin, reason="缺少凭证")
    sub = submission_make(p.unit, "2020-11", amounts=("2",), by=p.reporter, replace=True)
    assert sub.status == Status.SUBMITTED and sub.versions.count() == 2


def test_a_unit_may_answer_the_offices_question_on_a_report_waiting_for_review(personas):
    p = personas
    sub = draft(p, "1.5")
    services.submission_sign_off(submission=sub, by=p.approver)
    services.submission_submit(submission=sub, by=p.reporter)
    updated = services.line_update(line=sub.lines.get(), by=p.reporter, explanation="发票见附件，系扶贫基地直供")
    assert updated.explanation.startswith("发票见附件")


def test_the_work_summary_goes_up_with_each_version(personas):
    p = personas
    sub = draft(p, "1")
    services.submission_update(submission=sub, by=p.reporter, summary="组织职工到扶贫基地采购小米。")
    services.submission_sign_off(submission=sub, by=p.approver)
    sub = services.submission_submit(submission=sub, by=p.reporter)
    sub = services.submission_return(submission=sub, by=p.admin, reason="工作信息请写明带动脱贫户数")
    services.submission_update(submission=sub, by=p.reporter, summary="组织职工到扶贫基地采购小米，带动脱贫户12户。")
    services.submission_sign_off(submission=sub, by=p.approver)
    sub = services.submission_submit(submission=sub, by=p.reporter)
    assert list(sub.versions.order_by("number").values_list("summary", flat=True)) == [
        "组织职工到扶贫基地采购小米。", "组织职工到扶贫基地采购小米，带动脱贫户12户。"]
