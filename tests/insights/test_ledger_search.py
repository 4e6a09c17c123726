"""The ledger search page through Django's test client: each filter, who sees which lines, paging, query counts."""

import re

import pytest
from django.urls import reverse

from fupin.core.money import wan_to_fen
from fupin.reporting.models import PurchaseLine
from fupin.reporting.services import LineInput, lines_bulk_add
from tests.factories import PASSWORD
from tests.insights.ledger_data import FORMULA, NOVEMBER, ledger_make

URL = "/insights/ledger/"


@pytest.fixture
def ledger(personas):
    return ledger_make(personas)


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def search(client, **params) -> str:
    response = client.get(reverse("insights:ledger"), params)
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


def found(page: str) -> int:
    return int(re.search(r'data-testid="ledger-count">共(\d+)条<', page).group(1))


def products(page: str) -> list[str]:
    rows = re.findall(r'<tr data-testid="ledger-line">(.*?)</tr>', page, re.S)
    return [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[3].strip() for row in rows]


def test_the_search_page_is_in_the_menu_and_in_chinese(ledger, personas, client):
    login(client, personas.viewer)
    home = client.get("/").content.decode()
    assert f'href="{URL}">查询台账<' in home
    page = search(client)
    assert "<h1>查询台账</h1>" in page and 'method="get"' in page and "金额不少于（万元）" in page


def test_product_filter_finds_a_word_inside_the_name_in_every_unit_the_office_sees(ledger, personas, client):
    login(client, personas.admin)
    page = search(client, period=NOVEMBER, product="小米")
    assert sorted(products(page)) == ["小米", "小米", "小米（五常）"]


def test_a_reporter_sees_only_their_own_unit_and_gets_404_for_another(ledger, personas, client):
    login(client, personas.reporter)
    page = search(client, product="小米")
    assert products(page) == ["小米（五常）"] and "舞钢市" not in page.split("<main>")[1]
    response = client.get(reverse("insights:ledger"), {"unit": personas.other_unit.pk})
    assert response.status_code == 404
    assert client.get(reverse("insights:ledger_export", args=["csv"]),
                      {"unit": personas.other_unit.pk}).status_code == 404


def test_source_text_channel_and_unclassified_filters(ledger, personas, client):
    login(client, personas.admin)
    assert products(search(client, period=NOVEMBER, source="832")) == ["小米（五常）"]
    assert products(search(client, period=NOVEMBER, channel="COOP")) == ["香菇"]
    assert products(search(client, period=NOVEMBER, channel="-")) == ["招待用烟酒"]
    page = search(client, period=NOVEMBER, channel="COOP")
    table = page.split('data-testid="ledger-table"')[1]
    assert "<td>合作社</td>" in table and "COOP" not in table  # the channel by its name, not its code
    assert found(search(client, period=NOVEMBER, channel="FARM")) == 3


def test_unit_filter_takes_the_unit_and_nothing_else(ledger, personas, client):
    login(client, personas.admin)
    page = search(client, period=NOVEMBER, unit=personas.other_unit.pk)
    assert sorted(products(page)) == ["小米", "小米"] and found(page) == 2


def test_explanation_text_finds_notes_explanations_and_the_reports_summary(ledger, personas, client):
    login(client, personas.admin)
    assert sorted(products(search(client, period=NOVEMBER, text="节日慰问"))) == ["小米", "小米（五常）"]
    assert products(search(client, period=NOVEMBER, text="合并采购")) == ["香菇"]
    assert sorted(products(search(client, period=NOVEMBER, text="采摘"))) == ["小米", "小米"]  # 工作信息


def test_amount_range_is_in_wan_and_inclusive(ledger, personas, client):
    login(client, personas.admin)
    page = search(client, period=NOVEMBER, amount_min="0.5", amount_max="1.5")
    assert sorted(products(page)) == ["小米", "小米（五常）", "招待用烟酒"]
    assert products(search(client, period=NOVEMBER, amount_min="12.3456")) == [FORMULA.replace('"', "&quot;")]


@pytest.mark.parametrize(("params", "message"), [
    ({"amount_min": "一万"}, "金额不少于（万元）：“一万”不是金额，应为万元数"),
    ({"amount_max": "0.0000001"}, "金额精度超过1分"),
    ({"amount_min": "5", "amount_max": "1"}, "金额下限5万元大于上限1万元"),
    ({"period": "2020-13"}, "统计期间：月份格式不正确"),
])
def test_bad_filters_are_explained_in_chinese(ledger, personas, client, params, message):
    login(client, personas.admin)
    page = search(client, **params)
    assert message in page and 'data-testid="ledger-table"' not in page
    response = client.get(reverse("insights:ledger_export", args=["csv"]), params)
    assert response.status_code == 400 and message in response.content.decode()


def test_status_and_exclusion_filters(ledger, personas, client):
    login(client, personas.admin)
    assert products(search(client, status="draft")) == ["红薯粉条"]
    assert sorted(products(search(client, period=NOVEMBER, status="approved"))) == ["小米", "小米"]
    page = search(client, period=NOVEMBER, excluded="yes")
    assert products(page) == ["招待用烟酒"] and "已剔除：招待费，不属于消费帮扶" in page
    assert found(search(client, period=NOVEMBER, excluded="no")) == 5


def test_a_leader_never_sees_a_draft_and_its_reporter_does(ledger, personas, client):
    login(client, personas.viewer)
    assert found(search(client, product="红薯粉条")) == 0
    assert found(search(client, status="draft")) == 0
    client.logout()
    login(client, personas.reporter)
    assert products(search(client, product="红薯粉条")) == ["红薯粉条"]


def test_each_line_links_to_its_report(ledger, personas, client):
    login(client, personas.admin)
    page = search(client, period=NOVEMBER, product="香菇")
    link = reverse("reporting:submission", kwargs={"unit_id": personas.unit.pk, "period": NOVEMBER})
    assert f'href="{link}" data-testid="ledger-report-link"' in page
    assert client.get(link).status_code == 200


def test_a_formula_looking_product_is_shown_as_text(ledger, personas, client):
    login(client, personas.admin)
    page = search(client, period=NOVEMBER, source="农户", unit=personas.unit.pk)
    assert "=HYPERLINK(&quot;http://evil.example&quot;,&quot;点我&quot;)" in page and "<a href=\"http://evil" not in page


def _grow(submission, n: int) -> None:
    start = submission.lines.count() + 1
    lines_bulk_add(submission=submission, by=None, start=start, lines=[
        LineInput(amount_fen=wan_to_fen("0.1") + i, product=f"土鸡蛋{start + i}", source_text="农户", channel_code="FARM",
                  method_text="线下", method="线下") for i in range(n)])


def test_a_page_costs_the_same_queries_whatever_the_ledgers_size(ledger, personas, client,
                                                                 django_assert_num_queries):
    login(client, personas.reporter)
    _grow(ledger["yexian"], 60)
    params = {"product": "土鸡蛋", "page": "2"}
    with django_assert_num_queries(11):
        small = search(client, **params)
    assert found(small) == 60 and len(products(small)) == 10 and "第2/2页，每页50条" in small
    _grow(ledger["yexian"], 1500)
    with django_assert_num_queries(11):
        large = search(client, **params)
    assert found(large) == 1560 and len(products(large)) == 50 and "第2/32页" in large
    assert PurchaseLine.objects.count() > 1600
    first = products(search(client, product="土鸡蛋"))
    assert not set(first) & set(products(large)), "page 2 holds other lines than page 1"
    assert "page=3" in large and "page=1" in large
