"""The office's unit pages: who may come (the office only; 403 for a unit's own people, 404 for outsiders, 405
for the wrong method), what each form does, and that the tree page costs the same however many units."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fupin.units.models import Unit, UnitAlias
from fupin.units.selectors import root_unit, unit_find
from fupin.units.services import NAME_TAKEN, REASON_REQUIRED, unit_add


def login(client, user):
    client.force_login(user)
    return client


def test_tree_page_lists_every_unit_with_its_aliases_in_a_bounded_number_of_queries(client, personas):
    login(client, personas.admin)
    with CaptureQueriesContext(connection) as few:
        response = client.get("/units/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "单位管理" in text and "郏县" in text and "郟县" in text and "城乡一体化示范区" in text
    for n in range(12):
        unit_add(parent=unit_find("叶县"), short_name=f"叶县第{n}工会", by=personas.admin)
    with CaptureQueriesContext(connection) as many:
        assert "叶县第11工会" in client.get("/units/").content.decode()
    assert len(many) == len(few)


def test_menu_offers_unit_management_to_the_office_only(client, personas):
    assert 'href="/units/"' in login(client, personas.admin).get("/reporting/").content.decode()
    assert 'href="/units/"' not in login(client, personas.reporter).get("/reporting/").content.decode()


@pytest.mark.parametrize("who", ["reporter", "approver", "viewer"])
def test_people_who_are_not_the_office_are_refused(client, personas, who):
    login(client, getattr(personas, who))
    yexian = personas.unit
    assert client.get("/units/").status_code == 403
    assert client.get(f"/units/{yexian.pk}/").status_code == 403
    response = client.post(f"/units/{yexian.pk}/rename/", {"short_name": "叶县新", "reason": "试"})
    assert response.status_code == 403
    assert client.post("/units/add/", {"parent": root_unit().pk, "short_name": "新单位"}).status_code == 403
    assert Unit.objects.get(pk=yexian.pk).short_name == "叶县"
    assert not Unit.objects.filter(short_name="新单位").exists()


def test_an_outsider_does_not_learn_that_a_unit_exists(client, personas):
    login(client, personas.outsider)  # a reporter of 舞钢市
    assert client.get(f"/units/{personas.unit.pk}/").status_code == 404
    assert client.post(f"/units/{personas.unit.pk}/retire/", {"reason": "x"}).status_code == 404
    assert client.get("/units/999999/").status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, seeded):
    response = client.get("/units/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.parametrize("path", ["add/", "{id}/rename/", "{id}/move/", "{id}/merge/", "{id}/retire/",
                                  "{id}/reactivate/", "{id}/aliases/"])
def test_changes_take_a_post_only(client, personas, path):
    login(client, personas.admin)
    assert client.get("/units/" + path.format(id=personas.unit.pk)).status_code == 405


def test_wrong_method_on_the_pages_that_only_show(client, personas):
    login(client, personas.admin)
    assert client.post("/units/").status_code == 405
    assert client.post(f"/units/{personas.unit.pk}/").status_code == 405


def test_office_adds_a_unit_and_the_audit_trail_names_them(client, personas):
    login(client, personas.admin)
    response = client.post("/units/add/", {"parent": unit_find("鲁山县").pk, "short_name": " 鲁山县教育工会 ",
                                           "name": "", "kind": "grassroots", "reason": "新成立"})
    unit = Unit.objects.get(short_name="鲁山县教育工会")
    assert response.status_code == 302 and response["Location"] == f"/units/{unit.pk}/"
    assert unit.parent == unit_find("鲁山县") and unit.name == "鲁山县教育工会" and unit.depth == 2
    record = unit.history.get()
    assert record.history_user == personas.admin and record.history_change_reason == "新增单位（上级：鲁山县）：新成立"
    assert "已新增单位“鲁山县教育工会”" in client.get(response["Location"]).content.decode()


def test_a_name_another_unit_answers_to_is_refused_on_the_page(client, personas):
    login(client, personas.admin)
    response = client.post("/units/add/", {"parent": root_unit().pk, "short_name": "郟县", "kind": "other"})
    assert response.status_code == 400
    assert NAME_TAKEN.format(name="郟县", unit="郏县") in response.content.decode()
    assert not Unit.objects.filter(short_name="郟县").exists()


def test_office_renames_on_the_page_and_the_old_name_is_kept_as_an_alias(client, personas):
    login(client, personas.admin)
    yexian = personas.unit
    response = client.post(f"/units/{yexian.pk}/rename/", {"short_name": "叶县", "name": "叶县总工会委员会",
                                                         "reason": "按批复更正全称"}, follow=True)
    text = response.content.decode()
    assert "原名称已作为别名保留" in text and "叶县总工会" in text
    assert UnitAlias.objects.get(text="叶县总工会").unit == yexian


def test_aliases_are_added_and_removed_with_a_trail(client, personas):
    login(client, personas.admin)
    baofeng = unit_find("宝丰县")
    response = client.post(f"/units/{baofeng.pk}/aliases/", {"text": "宝丰县工会", "reason": "文件常这样写"})
    assert response.status_code == 302
    alias = UnitAlias.objects.get(text="宝丰县工会")
    assert alias.unit == baofeng and alias.history.get().history_user == personas.admin
    taken = client.post(f"/units/{baofeng.pk}/aliases/", {"text": "郟县"})
    assert taken.status_code == 400 and NAME_TAKEN.format(name="郟县", unit="郏县") in taken.content.decode()

    response = client.post(f"/units/{baofeng.pk}/aliases/{alias.pk}/remove/", {"reason": "写错了"})
    assert response.status_code == 302 and not UnitAlias.objects.filter(text="宝丰县工会").exists()
    gone = UnitAlias.history.filter(text="宝丰县工会", history_type="-").get()
    assert gone.history_user == personas.admin and gone.history_change_reason == "市总删除别名：写错了"
    page = client.get(f"/units/{baofeng.pk}/").content.decode()
    assert "别名“宝丰县工会”：市总删除别名：写错了" in page
    # Another unit's alias cannot be removed through this unit's page.
    jiaxian_alias = UnitAlias.objects.get(text="郟县")
    assert client.post(f"/units/{baofeng.pk}/aliases/{jiaxian_alias.pk}/remove/").status_code == 404
    assert UnitAlias.objects.filter(pk=jiaxian_alias.pk).exists()


def test_retiring_on_the_page_needs_a_reason(client, personas):
    login(client, personas.admin)
    jianghe = unit_find("江河机械")
    response = client.post(f"/units/{jianghe.pk}/retire/", {"reason": ""})
    assert response.status_code == 400 and REASON_REQUIRED in response.content.decode()
    assert Unit.objects.get(pk=jianghe.pk).active
    response = client.post(f"/units/{jianghe.pk}/retire/", {"reason": "改制"}, follow=True)
    assert "已停用“江河机械”" in response.content.decode() and not Unit.objects.get(pk=jianghe.pk).active
    assert "恢复在用" in response.content.decode()


def test_moving_on_the_page_offers_no_place_inside_the_unit_itself(client, personas):
    login(client, personas.admin)
    jianghe = unit_find("江河机械")
    plant = unit_add(parent=jianghe, short_name="江河一分厂", by=personas.admin)
    page = client.get(f"/units/{jianghe.pk}/").content.decode()
    move_form = page.split('data-testid="move"')[1].split("</form>")[0]
    assert "江河一分厂" not in move_form and "舞钢市" in move_form
    response = client.post(f"/units/{jianghe.pk}/move/", {"parent": plant.pk})
    assert response.status_code == 400 and "请选择列表中的单位" in response.content.decode()
    response = client.post(f"/units/{jianghe.pk}/move/", {"parent": unit_find("舞钢市").pk}, follow=True)
    assert "已将“江河机械”移到“舞钢市”之下" in response.content.decode()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_office_renames_and_merges_units_in_the_browser(live_server, browser_page):
    """Headless chromium, under the site's Content Security Policy: menu → unit → rename → merge."""
    import os

    from django.core.management import call_command

    from tests.browser import log_in
    from tests.factories import PASSWORD, personas

    call_command("demo", verbosity=0, stdout=open(os.devnull, "w"))
    office = personas().admin
    page = browser_page
    log_in(page, f"{live_server.url}/reporting/", office.username, PASSWORD)
    page.click("nav >> text=单位管理")
    page.click("[data-testid=units] tr:has-text('高新区工会联合会') >> text=管理")
    page.fill("[data-testid=rename] input[name=short_name]", "高新技术开发区")
    page.fill("[data-testid=rename] input[name=name]", "高新技术产业开发区工会联合会")
    page.click("[data-testid=rename] button[type=submit]")
    assert "已将“高新区”更名为“高新技术开发区”" in page.inner_text(".messages")
    assert "高新区" in page.inner_text("[data-testid=aliases]")

    page.goto(f"{live_server.url}/units/{unit_find('江河机械').pk}/")
    page.select_option("[data-testid=merge] select[name=target]", label="　热电公司")
    page.fill("[data-testid=merge] input[name=reason]", "企业重组")
    page.click("[data-testid=merge] button[type=submit]")
    assert "已将“江河机械”并入“热电公司”" in page.inner_text(".messages")
    assert page.inner_text("[data-testid=unit-name]") == "热电公司"
    assert "江河机械并入本单位" in page.inner_text("[data-testid=unit-history]")
