"""The province's pages and their JSON twins, through units.access: the office sees every city and drills into
each; a city's account sees its own city only (another city's drill-down is 404, as the API's is); the menu
offers the pages to the office once this instance has received a push."""

import pytest
from django.core.management import call_command

from tests.factories import PASSWORD
from tests.province.pushes import pds_payload, province_make, push_at, zz_payload


@pytest.fixture
def province(db):
    return province_make()


@pytest.fixture
def pushed(province):
    push_at("2020-12-03 10:00", zz_payload(), province.zz)
    push_at("2020-12-08 09:00", pds_payload(), province.pds)
    return province


def logged_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def token_for(user) -> str:
    import io

    out = io.StringIO()
    call_command("token", "create", "--user", user.username, stdout=out, stderr=io.StringIO())
    return out.getvalue().strip().splitlines()[-1]


def api(client, path, token):
    return client.get(path, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_the_menu_offers_the_province_pages_to_the_office_only_once_pushes_arrived(client, province):
    office = logged_in(client, province.office)
    assert "各市推送" not in office.get("/").content.decode()
    push_at("2020-12-03 10:00", zz_payload(), province.zz)
    assert 'data-testid="menu-province"' in office.get("/").content.decode()
    client.logout()
    assert "各市推送" not in logged_in(client, province.pds).get("/").content.decode()


def test_the_office_sees_every_city_ranked_and_drills_into_one(client, pushed):
    office = logged_in(client, pushed.office)
    page = office.get("/province/?period=2020-11").content.decode()
    assert page.index('data-city="郑州市"') < page.index('data-city="平顶山市"') < page.index('data-city="洛阳市"')
    assert "500.00" in page and "183.46" in page and "未推送" in page and "683.46" in page
    city = office.get(f"/province/{pushed.pingdingshan.pk}/2020-11/").content.decode()
    assert 'data-unit="市直机关" data-subtree-fen="99"' in city and 'data-testid="city-total">183.46<' in city
    assert "第1版" in city and "pingdingshan_push" in city


def test_a_citys_account_sees_its_own_city_only(client, pushed):
    mine = logged_in(client, pushed.pds)
    page = mine.get("/province/?period=2020-11").content.decode()
    assert 'data-city="平顶山市"' in page and "郑州市" not in page and "500.00" not in page
    assert mine.get(f"/province/{pushed.zhengzhou.pk}/2020-11/").status_code == 404
    assert mine.get(f"/province/{pushed.pingdingshan.pk}/2020-11/").status_code == 200


def test_the_json_twins_answer_as_the_pages_do(client, pushed):
    office, own = token_for(pushed.office), token_for(pushed.pds)
    data = api(client, "/api/v1/federation/cities?period=2020-11", office).json()
    assert [(c["city"], c["rank"], c["total_fen"], c["status"], c["days_late"]) for c in data["cities"]] == [
        # no round opened: due on the month's last working day, Monday 30 November
        ("郑州市", 1, 500000000, "late", 3), ("平顶山市", 2, 183456889, "late", 6),
        ("洛阳市", None, 0, "missing", 0)]
    assert (data["count"], data["page"], data["pages"]) == (3, 1, 1)
    paged = api(client, "/api/v1/federation/cities?period=2020-11&page=2&page_size=2", office).json()
    assert [c["city"] for c in paged["cities"]] == ["洛阳市"] and paged["pages"] == 2
    detail = api(client, f"/api/v1/federation/cities/{pushed.pingdingshan.pk}/2020-11", office).json()
    assert detail["total_fen"] == 183456889 and [u["short_name"] for u in detail["units"]] == [
        "叶县", "舞钢市", "产业工会"]
    assert detail["units"][2]["children"][0]["short_name"] == "市直机关" and len(detail["history"]) == 1
    mine = api(client, "/api/v1/federation/cities?period=2020-11", own).json()
    assert [c["city"] for c in mine["cities"]] == ["平顶山市"]
    refused = api(client, f"/api/v1/federation/cities/{pushed.zhengzhou.pk}/2020-11", own)
    assert refused.status_code == 404 and refused.json()["code"] == "not_found"
    assert api(client, "/api/v1/federation/cities?period=2020-11", "fpn_wrong").status_code == 401
