"""Pages through Django's test client: log in, home, attachment page and downloads, admin."""

import pytest
from django.urls import reverse

from tests.factories import PASSWORD


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_anonymous_is_sent_to_login(seeded, client):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_login_page_is_in_chinese_and_logs_in_with_the_demo_account(seeded, client):
    assert "用户名" in client.get(reverse("login")).content.decode()
    response = client.post(reverse("login"), {"username": "office", "password": "fupin-office"})
    assert response.status_code == 302
    assert "3341.57" in client.get(reverse("home") + "?period=2020-01:2020-10").content.decode()


def test_home_shows_the_period_total_and_unit_totals(personas, client):
    login(client, personas.admin)
    html = client.get(reverse("home")).content.decode()
    assert "平顶山市工会系统1—10月消费扶贫统计" in html and "3341.57" in html and "469.34" in html


def test_a_reporter_sees_only_its_own_unit_on_home_and_attachment(personas, client):
    login(client, personas.reporter)
    for url in (reverse("home"), reverse("publishing:attachment")):
        html = client.get(url + "?period=2020-01:2020-10").content.decode()
        assert "171.08" in html and "叶县" in html
        assert "舞钢市" not in html and "3341.57" not in html


@pytest.mark.parametrize("fmt", ["xlsx", "docx", "json", "html"])
def test_downloads_are_limited_to_what_the_person_may_see(personas, client, fmt):
    login(client, personas.reporter)
    response = client.get(reverse("publishing:attachment_download", args=[fmt]) + "?period=2020-01:2020-10")
    assert response.status_code == 200
    if fmt in ("json", "html"):
        body = response.content.decode()
        assert "171.08" in body and "舞钢市" not in body


def test_malformed_period_on_a_page_is_explained_not_crashed(personas, client):
    login(client, personas.admin)
    response = client.get(reverse("publishing:attachment") + "?period=2020-13")
    assert response.status_code == 200 and "月份格式不正确" in response.content.decode()


def test_unknown_download_format_is_404(personas, client):
    login(client, personas.admin)
    assert client.get(reverse("publishing:attachment_download", args=["exe"])).status_code == 404


def test_download_refuses_post(personas, client):
    login(client, personas.admin)
    assert client.post(reverse("publishing:attachment_download", args=["json"])).status_code == 405


def test_admin_is_for_the_office_only(personas, client):
    personas.admin.is_staff = True
    personas.admin.save()
    login(client, personas.admin)
    assert client.get(reverse("admin:units_unit_changelist")).status_code == 200
    client.logout()
    login(client, personas.reporter)
    assert client.get(reverse("admin:units_unit_changelist")).status_code == 302


@pytest.mark.parametrize("who", ["admin", "reporter", "approver", "viewer", "outsider"])
def test_every_menu_link_opens_for_whoever_sees_it(personas, client, who):
    import re

    login(client, getattr(personas, who))
    html = client.get(reverse("home")).content.decode()
    menu = html[html.index("<nav>"):html.index("</nav>")]
    links = re.findall(r'href="([^"]+)"', menu)
    assert len(links) >= 5
    for link in links:
        assert client.get(link).status_code == 200, f"{who} is shown {link} in the menu but cannot open it"
