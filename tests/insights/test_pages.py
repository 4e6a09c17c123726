"""The dashboard and the pivot page through Django's test client: figures, who may see what, query counts."""

import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from tests.factories import PASSWORD

SEED = "2020-01:2020-10"


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_the_dashboard_shows_the_seed_figures_beside_each_chart(personas, client, django_assert_max_num_queries):
    login(client, personas.admin)
    client.get(reverse("insights:dashboard"), {"period": SEED})  # the first read sums the demo's fresh reports
    with django_assert_max_num_queries(45):
        page = client.get(reverse("insights:dashboard"), {"period": SEED}).content.decode()
    assert 'data-testid="total">3341.57<' in page
    for chart in ("trend", "channels", "ranking", "methods", "timeliness"):
        assert f'data-chart="{chart}"' in page
    assert "echarts.min.js" in page and 'id="dashboard-data"' in page
    assert 'data-testid="on-time-count">10<' in page and "舞阳铁矿" in page


def test_a_reporter_sees_only_their_own_unit_on_the_dashboard(personas, client):
    login(client, personas.reporter)
    page = client.get(reverse("insights:dashboard"), {"period": SEED}).content.decode()
    assert 'data-testid="total">171.08<' in page and "鲁山县" not in page


def test_an_outsider_asking_for_another_unit_gets_404(personas, client):
    login(client, personas.outsider)
    response = client.get(reverse("insights:dashboard"), {"period": SEED, "unit": personas.unit.pk})
    assert response.status_code == 404
    assert client.get(reverse("insights:pivot"), {"unit": personas.unit.pk}).status_code == 404


def test_a_malformed_period_is_explained_in_chinese(personas, client):
    login(client, personas.viewer)
    page = client.get(reverse("insights:dashboard"), {"period": "2020-13"}).content.decode()
    assert "月份格式不正确" in page


def test_the_dashboard_refuses_post(personas, client):
    login(client, personas.viewer)
    assert client.post(reverse("insights:dashboard")).status_code == 405


def test_anonymous_visitors_are_sent_to_login(seeded, client):
    response = client.get(reverse("insights:dashboard"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_pivot_crosses_kind_and_method_with_totals(personas, client, django_assert_max_num_queries):
    login(client, personas.viewer)
    client.get(reverse("insights:pivot"), {"period": SEED})
    with django_assert_max_num_queries(20):
        page = client.get(reverse("insights:pivot"), {"period": SEED, "rows": "kind", "cols": "method"})
    page = page.content.decode()
    assert "县（市、区）总工会" in page and "线上" in page
    assert 'data-testid="pivot-total">3341.57<' in page


def test_the_pivot_filters_by_channel(personas, client):
    login(client, personas.viewer)
    page = client.get(reverse("insights:pivot"), {"period": SEED, "rows": "unit", "cols": "", "channel": "P832"})
    assert 'data-testid="pivot-total">569.95<' in page.content.decode()


def test_an_unknown_pivot_dimension_is_a_form_error(personas, client):
    login(client, personas.viewer)
    page = client.get(reverse("insights:pivot"), {"rows": "province"}).content.decode()
    assert "行：" in page and "province" in page


def test_the_pivot_exports_to_xlsx_with_the_same_total(personas, client):
    login(client, personas.viewer)
    response = client.get(reverse("publishing:pivot_export"), {"period": SEED, "rows": "unit", "cols": "method"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_name("透视").to_python()
    assert rows[1][0] == "单位" and rows[1][-1] == "合计"
    total_row = next(r for r in rows if r[0] == "合计")
    assert f"{total_row[-1]:.2f}" == "3341.57"
    assert any(r[0] == "鲁山县" and f"{r[-1]:.2f}" == "469.34" for r in rows)


@pytest.mark.parametrize("name", ["channels", "ranking", "methods", "trend"])
def test_each_chart_comes_as_a_png_for_print(personas, client, name):
    login(client, personas.viewer)
    response = client.get(reverse("publishing:chart", args=[name]), {"period": SEED})
    assert response.status_code == 200 and response.content[:8] == b"\x89PNG\r\n\x1a\n"
