"""Quality stands between a unit and 已上报: lines entered on the form are classified as they are saved, and a
report with a 警告 goes up only once the unit has explained the line (上报说明)."""

from django.urls import reverse

from fupin.reporting.models import Status, Submission
from tests.factories import PASSWORD

NOV = "2020-11"


def page(unit, name="submission"):
    return reverse(f"reporting:{name}", kwargs={"unit_id": unit.pk, "period": NOV})


def add_line(client, unit, **values):
    form = {"product": "小米", "source_text": "扶贫832平台", "method": "线上", "amount_wan": "1.5",
            "purchase_date": "2020-11-12", **values}
    return client.post(page(unit, "line_add"), form, follow=True)


def test_a_form_line_gets_its_channel_and_a_duplicate_blocks_submission_until_explained(personas, client):
    p = personas
    assert client.login(username=p.outsider.username, password=PASSWORD)
    client.post(page(p.other_unit, "start"))
    add_line(client, p.other_unit)
    add_line(client, p.other_unit, amount_wan="0.8", purchase_date="2020-11-20")
    sub = Submission.objects.get(unit=p.other_unit, first_month__year=2020, first_month__month=11)
    first, second = sub.lines.order_by("position")
    assert first.channel_code == second.channel_code != ""
    history = first.history.order_by("history_date").last()
    assert history.history_change_reason == "系统按产品和来源补填"

    response = client.post(page(p.other_unit, "submit"), follow=True)
    text = response.content.decode()
    assert "暂不能上报" in text and "重复填报" in text
    findings = reverse("quality:submission", args=[sub.pk])
    assert findings in text, "the report's page leads the reporter to the findings and the 上报说明 form"
    sub.refresh_from_db()
    assert sub.status == Status.DRAFT

    for line in (first, second):
        client.post(reverse("quality:line_explain", args=[line.pk]),
                    {"explanation": "两次采购分别在月初和月底，凭证各一张"})
    response = client.post(page(p.other_unit, "submit"), follow=True)
    assert "已上报市总" in response.content.decode()
    sub.refresh_from_db()
    assert sub.status == Status.SUBMITTED
