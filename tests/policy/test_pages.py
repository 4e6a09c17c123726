"""The policy pages through the test client: who may see and enter what, and what each page says."""

import pytest
from django.urls import reverse

from fupin.policy.models import Rule, WelfareSpending
from fupin.reporting.models import Purpose
from tests.factories import PASSWORD
from tests.policy.builders import purchases, spending

YEAR = "?period=2020-01:2020-12"


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def spending_post(unit, period="2020-01:2020-12", **over):
    data = {"unit": unit.pk, "period": period, "sisong": "12000.50", "holiday": "180000", "hardship": "6000",
            "other": "0", "member_count": "90", "note": ""}
    return data | over


@pytest.fixture
def people(registry):
    from tests.factories import personas

    return personas()


def test_anonymous_is_sent_to_login(registry, client):
    for name in ("policy:compliance", "policy:rules", "policy:spending"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_compliance_page_labels_units_of_figures_and_shows_statuses(people, client):
    spending("叶县", "2020-01:2020-12", sisong="10000", holiday="230000", members=100)
    purchases("叶县", "2020-01:2020-12", (Purpose.SISONG, "0.2"), (Purpose.HOLIDAY, "3"))
    login(client, people.admin)
    html = client.get(reverse("policy:compliance") + YEAR).content.decode()
    assert "支出（元）" in html and "比例（%）" in html and "人均（元）" in html and "会员人数（人）" in html
    assert "2,300.00" in html and "使用额外额度" in html and "20.00" in html  # 元 grouped by thousands
    assert "豫工发电〔2020〕17号" in html and html.count('data-testid="compliance-unit"') == 29


def test_a_reporter_sees_only_its_own_unit_on_the_compliance_page_and_download(people, client):
    spending("舞钢市", "2020-01:2020-12", holiday="1", members=1)
    login(client, people.reporter)
    html = client.get(reverse("policy:compliance") + YEAR).content.decode()
    assert html.count('data-testid="compliance-unit"') == 1 and "叶县" in html and "舞钢市" not in html
    data = client.get(reverse("policy:compliance_download") + YEAR).json()
    assert [u["unit"] for u in data["units"]] == ["叶县"]


def test_a_period_across_new_year_is_explained_on_the_page(people, client):
    login(client, people.admin)
    response = client.get(reverse("policy:compliance") + "?period=2020-11:2021-02")
    assert response.status_code == 200 and "跨年，请分年查询" in response.content.decode()
    assert client.get(reverse("policy:compliance_download") + "?period=2020-11:2021-02").status_code == 400


def test_a_malformed_period_is_explained_not_crashed(people, client):
    login(client, people.admin)
    response = client.get(reverse("policy:compliance") + "?period=2020-13")
    assert response.status_code == 200 and "月份格式不正确" in response.content.decode()


def test_compliance_page_refuses_post(people, client):
    login(client, people.admin)
    assert client.post(reverse("policy:compliance")).status_code == 405


def test_rules_page_lists_documents_and_dates_and_links_the_office_to_admin(people, client):
    login(client, people.viewer)
    html = client.get(reverse("policy:rules")).content.decode()
    assert "平工办〔2020〕33号" in html and "2020年10月27日" in html and "日期待核" in html
    assert "每人 500.00 元" in html and "2020年12月31日" in html and "不低于 20.00%" in html
    assert "系统管理中维护规则" not in html
    client.logout()
    login(client, people.admin)
    assert "系统管理中维护规则" in client.get(reverse("policy:rules")).content.decode()


def test_a_reporter_enters_its_units_spending_in_yuan_exactly(people, client):
    login(client, people.reporter)
    response = client.post(reverse("policy:spending"), spending_post(people.unit))
    assert response.status_code == 302
    record = WelfareSpending.objects.get(unit=people.unit)
    assert (record.sisong_fen, record.holiday_fen, record.entered_by) == (1_200_050, 18_000_000, people.reporter)
    assert record.history.first().history_user == people.reporter
    assert people.unit.member_counts.get(year=2020).count == 90
    html = client.get(reverse("policy:spending")).content.decode()
    assert "12,000.50" in html and "已保存" in html


def test_entering_the_same_period_again_corrects_it_and_keeps_the_old_figures(people, client):
    login(client, people.reporter)
    client.post(reverse("policy:spending"), spending_post(people.unit))
    client.post(reverse("policy:spending"), spending_post(people.unit, holiday="170000"))
    record = WelfareSpending.objects.get(unit=people.unit)
    assert record.holiday_fen == 17_000_000
    assert [h.holiday_fen for h in record.history.order_by("history_date")] == [18_000_000, 17_000_000]


@pytest.mark.parametrize(("over", "message"), [
    ({"period": "2020-11:2021-02"}, "起止月份须在同一年内"),
    ({"holiday": "-5"}, "金额不能为负数"),
    ({"holiday": "12.345"}, "金额最多两位小数"),
    ({"holiday": "一万"}, "请填写数字金额（元）"),
    ({"period": "2020-6"}, ""),
])
def test_bad_spending_input_is_refused_with_a_chinese_message(people, client, over, message):
    login(client, people.reporter)
    response = client.post(reverse("policy:spending"), spending_post(people.unit, **over))
    if message:
        assert response.status_code == 200 and message in response.content.decode()
        assert not WelfareSpending.objects.exists()
    else:  # 2020-6 is a valid way to write June
        assert response.status_code == 302


def test_overlapping_spending_periods_are_refused(people, client):
    login(client, people.reporter)
    client.post(reverse("policy:spending"), spending_post(people.unit, period="2020-01:2020-06"))
    response = client.post(reverse("policy:spending"), spending_post(people.unit, period="2020-06:2020-12"))
    assert "与已填报的2020-01:2020-06福利支出重叠" in response.content.decode()
    assert WelfareSpending.objects.count() == 1


def test_an_outsider_cannot_enter_another_units_spending(people, client):
    login(client, people.outsider)
    response = client.post(reverse("policy:spending"), spending_post(people.unit))
    assert response.status_code == 404 and not WelfareSpending.objects.exists()


def test_read_only_people_cannot_enter_spending(people, client):
    login(client, people.viewer)
    assert "填报福利支出</h1>" not in client.get(reverse("policy:spending")).content.decode()
    assert client.post(reverse("policy:spending"), spending_post(people.unit)).status_code == 403
    client.logout()
    login(client, people.approver)
    assert client.post(reverse("policy:spending"), spending_post(people.unit)).status_code == 403
    assert not WelfareSpending.objects.exists()


def test_the_spending_list_shows_only_visible_units(people, client):
    spending("舞钢市", "2020-01:2020-12", holiday="777777", members=1)
    login(client, people.reporter)
    assert "777777.00" not in client.get(reverse("policy:spending")).content.decode()


def test_the_office_adds_a_rule_version_in_admin_in_percent_and_yuan(people, client):
    people.admin.is_staff = True
    people.admin.save()
    login(client, people.admin)
    share = Rule.objects.get(code="pds-2020-welfare-share")
    response = client.post(reverse("admin:policy_rule_add"), {
        "kind": "share_min", "name": "福利支出采购扶贫产品比例（2021年起）", "document": share.document_id,
        "jurisdiction": "平顶山市工会系统", "code": "", "purpose_choices": ["四送", "节日慰问"],
        "min_share_percent": "30", "amount_yuan": "", "exclude_channels": "",
        "effective_from": "2021-01-01", "effective_until": "", "active": "on", "note": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    rule = Rule.objects.get(name="福利支出采购扶贫产品比例（2021年起）")
    assert (rule.min_share_bp, rule.purposes, rule.amount_fen) == (3000, "四送,节日慰问", None)
    page = client.get(reverse("admin:policy_rule_change", args=[rule.pk])).content.decode()
    assert 'value="30.00"' in page


def test_admin_refuses_a_share_rule_without_a_percent(people, client):
    people.admin.is_staff = True
    people.admin.save()
    login(client, people.admin)
    share = Rule.objects.get(code="pds-2020-welfare-share")
    response = client.post(reverse("admin:policy_rule_add"), {
        "kind": "share_min", "name": "缺比例", "document": share.document_id, "jurisdiction": "河南省",
        "purpose_choices": ["四送"], "min_share_percent": "", "effective_from": "2021-01-01"})
    assert response.status_code == 200 and "比例规则须填写最低比例" in response.content.decode()
    assert client.get(reverse("admin:policy_rule_delete", args=[share.pk])).status_code == 403


def test_the_compliance_page_costs_a_fixed_number_of_queries(people, client, django_assert_max_num_queries):
    for name in ("叶县", "舞钢市", "郏县"):
        spending(name, "2020-01:2020-12", holiday="1000", members=10)
        purchases(name, "2020-01:2020-12", (Purpose.HOLIDAY, "0.02"), ("", "1"))
    login(client, people.admin)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("policy:compliance") + YEAR).status_code == 200
