"""One ceiling a line on every path (issue 11 item 4): 10000万元 (1亿元) and 100000吨; sums of many lines near
the ceiling stay exact on SQLite and PostgreSQL, in the database's SUM and on the dashboard."""

from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse

from fupin.core.money import wan_to_fen
from fupin.core.periods import Period
from fupin.reporting import services, validation
from fupin.reporting.models import PurchaseLine, Status
from fupin.reporting.services import LineInput, submission_create
from fupin.units.selectors import root_unit, unit_find
from tests.factories import PASSWORD
from tests.ingest.conftest import run_import

NOVEMBER = Period.parse("2020-11")


def _line(amount_fen: int, **extra) -> LineInput:
    return LineInput(amount_fen=amount_fen, product="大米", source_text="农户", channel_code="FARM",
                     method_text="线下", method="线下", **extra)


def test_the_ceiling_is_ten_thousand_wan_a_line():
    assert validation.AMOUNT_MAX_FEN == wan_to_fen("10000") == 100_000_000 * 100  # 1亿元 in 分
    assert validation.QUANTITY_MAX_G == 100_000 * 1_000_000


def test_the_service_takes_a_line_at_the_ceiling_and_refuses_one_fen_more(personas):
    submission = services.submission_start(unit=personas.unit, period=NOVEMBER, by=personas.reporter)
    line = services.line_add(submission=submission, data=_line(validation.AMOUNT_MAX_FEN), by=personas.reporter)
    assert line.amount_fen == validation.AMOUNT_MAX_FEN
    with pytest.raises(validation.LineRefused) as refused:
        services.line_add(submission=submission, data=_line(validation.AMOUNT_MAX_FEN + 1), by=personas.reporter)
    assert [c.message for c in refused.value.checks] == [validation.AMOUNT_OVER_CEILING]
    with pytest.raises(validation.LineRefused) as refused:
        services.line_update(line=line, by=personas.reporter, amount_fen=validation.AMOUNT_MAX_FEN + 1)
    assert [c.message for c in refused.value.checks] == [validation.AMOUNT_OVER_CEILING]
    with pytest.raises(validation.LineRefused):
        services.line_add(submission=submission, data=_line(100, quantity_g=validation.QUANTITY_MAX_G + 1),
                          by=personas.reporter)


def test_bulk_stores_obey_the_ceiling_too(seeded):
    """The import and the seed store through submission_create: the ledger refuses there as well."""
    with pytest.raises(validation.LineRefused):
        submission_create(unit=unit_find("叶县"), period=NOVEMBER, lines=[_line(validation.AMOUNT_MAX_FEN + 1)],
                          by=None)
    assert not PurchaseLine.objects.filter(submission__first_month=NOVEMBER.first).exists()


def test_the_web_form_refuses_over_the_ceiling_beside_the_amount(personas, client):
    client.login(username=personas.reporter.username, password=PASSWORD)
    where = {"unit_id": personas.unit.pk, "period": "2020-11"}
    client.post(reverse("reporting:start", kwargs=where))
    data = {"source_text": "农户", "method": "线下", "amount_wan": "9999999999.999999"}  # issue 11's figure
    response = client.post(reverse("reporting:line_add", kwargs=where), data)
    assert response.status_code == 422
    assert f'data-testid="error-amount_wan">{validation.AMOUNT_OVER_CEILING}<' in response.content.decode()
    data["amount_wan"] = "10000"
    assert client.post(reverse("reporting:line_add", kwargs=where), data).status_code == 302


def test_fupin_import_refuses_over_the_ceiling_and_takes_the_ceiling(seeded, tmp_path):
    path = tmp_path / "叶县.csv"
    path.write_text("产品名称,产品来源,采购方式,金额（万元）\n大米,农户,线下,10000\n挂面,农户,线下,10000.01\n",
                    encoding="utf-8")
    (report,), _ = run_import(path, "--period", "2020-11", "--unit", "叶县")
    assert [(e["row"], e["message"]) for e in report["errors"]] == [(3, validation.AMOUNT_OVER_CEILING)]
    path.write_text("产品名称,产品来源,采购方式,金额（元）\n大米,农户,线下,100000000\n", encoding="utf-8")
    (report,), _ = run_import(path, "--period", "2020-11", "--unit", "叶县")
    assert report["errors"] == [] and report["stored"] is True  # 1亿元 written in 元 is the ceiling itself


def test_many_lines_near_the_ceiling_sum_exactly_in_the_database_and_on_the_dashboard(personas, client):
    """5000 lines of 9999.99万元: 49,999,950万元 = 4.999995×10^13 分, exact on SQLite (whose SUM raises past
    int64) and PostgreSQL, and shown to the fen on the dashboard."""
    near = wan_to_fen("9999.99")
    count = 5000
    for unit_name in ("叶县", "舞钢市"):
        submission_create(unit=unit_find(unit_name), period=NOVEMBER, lines=[_line(near)] * count, by=None,
                          status=Status.SUBMITTED)
    lines = PurchaseLine.objects.filter(submission__first_month=NOVEMBER.first)
    total = lines.aggregate(total=Sum("amount_fen"))["total"]
    assert total == 2 * count * near == 99_999_900_000_000
    assert isinstance(total, int)
    client.login(username=personas.admin.username, password=PASSWORD)
    client.get(reverse("insights:dashboard"), {"period": "2020-11"})
    page = client.get(reverse("insights:dashboard"), {"period": "2020-11", "unit": root_unit().pk}).content.decode()
    assert f'data-testid="total">{Decimal(total) / 1_000_000:.2f}<' in page  # 99999900.00
