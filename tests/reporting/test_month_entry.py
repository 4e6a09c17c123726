"""The month form: a reporter sends the whole month's lines (and the submission) in one request; a refused row
refuses the month and nothing is stored; blank rows are skipped; outsiders get 404."""

import pytest
from django.urls import reverse

from fupin.reporting.models import PurchaseLine, Status, Submission
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
PERIOD = "2020-11"


def rows(*lines: dict, blank: int = 2) -> dict:
    """The POST a browser sends for these rows and `blank` empty ones after them."""
    data = {"row-TOTAL_FORMS": str(len(lines) + blank), "row-INITIAL_FORMS": "0", "row-MIN_NUM_FORMS": "0",
            "row-MAX_NUM_FORMS": "200"}
    for number, line in enumerate(lines):
        for name, value in line.items():
            data[f"row-{number}-{name}"] = value
    for number in range(len(lines), len(lines) + blank):
        data[f"row-{number}-method"] = ""
    return data


MONTH = (
    {"product": "香菇", "source_text": "叶县扶贫产品展示中心", "method": "线下", "amount_wan": "2.5",
     "purchase_date": "2020-11-03"},
    {"product": "小米 ", "source_text": "扶贫832平台", "method": "线上", "amount_wan": "0.35", "quantity_tons": "0.7"},
    {"product": "土鸡蛋", "source_text": "贫困户王某", "method": "线下", "amount_wan": "1.05", "note": "慰问困难职工"},
)


def url(unit) -> str:
    return reverse("reporting:month", kwargs={"unit_id": unit.pk, "period": PERIOD})


def test_the_whole_month_and_its_submission_are_one_request(client, personas):
    """舞钢市 has no 审核人: nothing stands between the month and its submission."""
    unit = personas.other_unit
    client.force_login(personas.outsider)
    response = client.post(url(unit), rows(*MONTH) | {"submit": "on", "summary": "组织职工采购扶贫产品"})
    assert response.status_code == 302
    sub = Submission.objects.get(unit=unit, first_month="2020-11-01")
    assert sub.status == Status.SUBMITTED and sub.summary == "组织职工采购扶贫产品"
    lines = list(sub.lines.order_by("position").values_list("position", "product", "amount_fen", "quantity_g"))
    assert lines == [(1, "香菇", 2500000, None), (2, "小米", 350000, 700000), (3, "土鸡蛋", 1050000, None)]
    history = PurchaseLine.history.filter(submission_id=sub.pk, history_type="+")
    assert history.count() == 3 and set(history.values_list("history_user_id", flat=True)) == {personas.outsider.pk}
    page = client.get(reverse("reporting:submission", kwargs={"unit_id": unit.pk, "period": PERIOD}))
    assert "已保存3条明细，并已上报市总" in page.content.decode()


def test_a_refused_row_refuses_the_month_and_names_the_row(client, personas):
    client.force_login(personas.reporter)
    bad = ({**MONTH[0]}, {**MONTH[1], "amount_wan": "-3"}, {**MONTH[2], "source_text": ""})
    response = client.post(url(personas.unit), rows(*bad))
    assert response.status_code == 422
    text = response.content.decode()
    assert 'data-testid="row-2-error-amount_wan"' in text and 'data-testid="row-3-error-source_text"' in text
    assert not PurchaseLine.objects.filter(submission__unit=personas.unit, submission__first_month="2020-11-01").exists()


def test_adding_to_a_month_continues_its_numbering(client, personas):
    client.force_login(personas.reporter)
    assert client.post(url(personas.unit), rows(MONTH[0])).status_code == 302
    assert client.post(url(personas.unit), rows(MONTH[1], MONTH[2], blank=5)).status_code == 302
    sub = Submission.objects.get(unit=personas.unit, first_month="2020-11-01")
    assert list(sub.lines.order_by("position").values_list("position", flat=True)) == [1, 2, 3]
    assert sub.status == Status.DRAFT


def test_a_refused_submission_keeps_the_lines_and_says_why(client, personas):
    """叶县 has an approver: the month is saved, the submission waits for the signature."""
    client.force_login(personas.reporter)
    response = client.post(url(personas.unit), rows(*MONTH) | {"submit": "on"}, follow=True)
    text = response.content.decode()
    assert "已保存3条明细" in text and "未能上报" in text and "签字确认" in text
    sub = Submission.objects.get(unit=personas.unit, first_month="2020-11-01")
    assert sub.status == Status.DRAFT and sub.lines.count() == 3


def test_an_empty_month_is_refused_unless_it_is_a_zero_report(client, personas):
    client.force_login(personas.reporter)
    response = client.post(url(personas.unit), rows(blank=3))
    assert response.status_code == 422 and "没有填写任何明细" in response.content.decode()
    assert client.post(url(personas.unit), rows(blank=3) | {"is_zero_report": "on"}).status_code == 302
    assert Submission.objects.get(unit=personas.unit, first_month="2020-11-01").is_zero_report


def test_the_form_offers_ten_rows_and_more_on_request(client, personas):
    client.force_login(personas.reporter)
    text = client.get(url(personas.unit)).content.decode()
    assert 'data-testid="row-10"' in text and 'data-testid="row-11"' not in text
    assert 'data-testid="row-30"' in client.get(url(personas.unit) + "?rows=30").content.decode()


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_units_reporter_gets_404(client, personas, method):
    client.force_login(personas.outsider)
    response = getattr(client, method)(url(personas.unit), rows(*MONTH) if method == "post" else None)
    assert response.status_code == 404
    assert not Submission.objects.filter(unit=personas.unit, first_month="2020-11-01").exists()


def test_the_viewer_may_not_fill_a_month(client, personas):
    assert client.login(username=personas.viewer.username, password=PASSWORD)
    assert client.post(url(personas.unit), rows(*MONTH)).status_code in (403, 404)
    assert client.put(url(personas.unit)).status_code in (403, 404, 405)


def test_a_new_month_going_up_at_once_is_one_audited_insert_with_its_version(client, personas):
    """Created 已上报 with its lines, not a draft saved and then submitted: one audit row says both."""
    unit = personas.other_unit
    client.force_login(personas.outsider)
    assert client.post(url(unit), rows(*MONTH) | {"submit": "on"}).status_code == 302
    sub = Submission.objects.get(unit=unit, first_month="2020-11-01")
    history = list(sub.history.values_list("history_type", "status", "history_user_id", "history_change_reason"))
    assert history == [("+", Status.SUBMITTED, personas.outsider.pk, "整月填报：新增3条明细，上报")]
    assert sub.submitted_by == personas.outsider and sub.first_submitted_at == sub.submitted_at
    version = sub.versions.get()
    assert (version.number, version.total_fen, version.line_count) == (1, 3900000, 3)


def test_a_month_the_checks_refuse_is_kept_as_a_draft_and_nothing_of_the_attempt_stays(client, personas):
    """舞钢市 has no 审核人, so the month is first tried as a report going up; a 警告 without 上报说明 (an online
    channel bought 线下) refuses it, and the month is stored as a draft instead, saying why."""
    unit = personas.other_unit
    client.force_login(personas.outsider)
    month = (MONTH[0], {**MONTH[1], "method": "线下"})
    text = client.post(url(unit), rows(*month) | {"submit": "on"}, follow=True).content.decode()
    assert "已保存2条明细" in text and "未能上报" in text and "线上渠道" in text
    sub = Submission.objects.get(unit=unit, first_month="2020-11-01")
    assert sub.status == Status.DRAFT and sub.lines.count() == 2 and not sub.versions.exists()
    assert list(sub.history.values_list("history_type", "status")) == [("+", Status.DRAFT)]
    assert PurchaseLine.history.filter(submission_id=sub.pk).count() == 2


def test_a_month_going_up_at_once_is_judged_against_the_units_history_without_its_own_lines(client, personas):
    """As a draft submitted later would be: twelve lines of about 50万元 against nine of the unit's earlier lines of
    about 0.5万元 are each far above what is usual. (Counted among the unit's amounts, the month's own lines would
    outnumber its history and pass each other as usual.)"""
    from fupin.core.periods import Period
    from fupin.reporting.services import LineInput, submission_create

    unit = personas.other_unit
    history = [LineInput(amount_fen=500000 + 10000 * i, product=f"品{i}", source_text="扶贫832平台", method="线上",
                         channel_code="P832") for i in range(9)]
    submission_create(unit=unit, period=Period.parse("2020-10"), lines=history, by=None, status=Status.SUBMITTED)
    client.force_login(personas.outsider)
    month = [{"product": f"大米{i}", "source_text": "扶贫832平台", "method": "线上", "amount_wan": f"{50 + i}"}
             for i in range(12)]
    text = client.post(url(unit), rows(*month) | {"submit": "on"}, follow=True).content.decode()
    assert "未能上报" in text and "远高于本单位以往明细" in text
    assert Submission.objects.get(unit=unit, first_month="2020-11-01").status == Status.DRAFT
