"""One validator for a purchase line (issue 14): the web form (Django's test client), `fupin import` and the
service give the same decision and the same message for the same line; the form keeps what was typed."""

import html
from datetime import date

import pytest
from django.urls import reverse

from fupin.core.periods import Period
from fupin.reporting import services, validation
from fupin.reporting.models import PurchaseLine
from fupin.reporting.services import LineInput
from tests.factories import PASSWORD
from tests.ingest.conftest import run_import
from tests.reporting.lines_bad import CASES, PERIOD, REFUSED, csv_file, form_data


def _service_decision(unit, by, case):
    """What the API will do: parse the typed text with the validator's parsers, then the service."""
    submission = services.submission_start(unit=unit, period=Period.parse(PERIOD), by=by)
    try:
        data = LineInput(amount_fen=validation.amount_from_text(case.amount), product=case.product,
                         source_text=case.source, method_text=case.method, method=case.method,
                         quantity_g=validation.grams_from_text(case.quantity),
                         purchase_date=_day(case.date), date_text=case.date)
        line = services.line_add(submission=submission, data=data, by=by)
    except validation.LineRefused as exc:
        return validation.ERROR, [c.message for c in exc.checks]
    return max((c.severity for c in line.checks), key=[validation.NOTE, validation.WARNING].index,
               default=""), [c.message for c in line.checks]


def _november_lines(unit):
    return PurchaseLine.objects.filter(submission__unit=unit, submission__first_month=date(2020, 11, 1))


def _day(text):
    return date.fromisoformat(text) if text else None


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_the_service_decides_each_line_as_the_validator_says(personas, case):
    severity, found = _service_decision(personas.unit, personas.reporter, case)
    assert severity == case.severity and case.message in found


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_fupin_import_gives_the_same_decision_and_message(personas, tmp_path, case):
    (report,), _ = run_import(csv_file(tmp_path, case), "--period", PERIOD, "--unit", "叶县")
    issues = report["errors"] if case.severity == validation.ERROR else report["warnings"]
    assert any(i["message"] == case.message and i["column"] == case.column and i["row"] == 2
               and i["severity"] == case.severity for i in issues), issues
    assert _november_lines(personas.unit).count() == (0 if case.severity == validation.ERROR else 1)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_the_web_form_gives_the_same_decision_beside_the_field_and_keeps_what_was_typed(personas, client, case):
    client.login(username=personas.reporter.username, password=PASSWORD)
    where = {"unit_id": personas.unit.pk, "period": PERIOD}
    client.post(reverse("reporting:start", kwargs=where))
    response = client.post(reverse("reporting:line_add", kwargs=where), form_data(case), follow=True)
    page = html.unescape(response.content.decode())
    lines = _november_lines(personas.unit)
    if case.severity == validation.ERROR:
        assert response.status_code == 422 and not lines.exists()
        assert f'data-testid="error-{case.form_field}">{case.message}<' in page
        for name, typed in form_data(case).items():
            if typed:
                assert f'name="{name}" value="{typed}"' in page or f">{typed}</" in page, name
    else:
        assert lines.count() == 1
        assert f"{case.severity}：{case.message}" in page


def test_every_refused_case_is_refused_on_every_path(personas):
    """The list itself: refusals and a kept-with-warning line, so that 'the same decision' is tested both ways."""
    assert len(REFUSED) >= 6 and any(c.severity == validation.WARNING for c in CASES)


def test_the_forms_browser_limits_come_from_the_validators_constants(personas, client):
    client.login(username=personas.reporter.username, password=PASSWORD)
    where = {"unit_id": personas.unit.pk, "period": PERIOD}
    client.post(reverse("reporting:start", kwargs=where))
    page = client.get(reverse("reporting:submission", kwargs=where)).content.decode()
    assert f'max="{validation.AMOUNT_MAX_WAN}"' in page and f'step="{validation.STEP}"' in page
    assert f'max="{validation.QUANTITY_MAX_TONS}"' in page
    assert 'min="2020-11-01"' in page and 'max="2020-11-30"' in page


def test_editing_a_line_applies_the_same_validator_beside_the_field_and_keeps_what_was_typed(personas, client):
    client.login(username=personas.reporter.username, password=PASSWORD)
    where = {"unit_id": personas.unit.pk, "period": PERIOD}
    client.post(reverse("reporting:start", kwargs=where))
    client.post(reverse("reporting:line_add", kwargs=where),
                {"product": "香菇", "source_text": "农户", "method": "线下", "amount_wan": "2.5"})
    line = _november_lines(personas.unit).get()
    edit = reverse("reporting:line_edit", args=[line.pk])
    page = client.get(edit).content.decode()
    assert 'name="amount_wan" value="2.5"' in page and 'max="2020-11-30"' in page
    data = {"product": "香菇", "source_text": "农户", "method": "线下", "amount_wan": "10000.5",
            "purchase_date": "2020-11-03"}
    response = client.post(edit, data)
    page = html.unescape(response.content.decode())
    assert validation.AMOUNT_OVER_CEILING in page and 'value="10000.5"' in page
    data["amount_wan"] = "2.3"
    assert client.post(edit, data).status_code == 302
    line.refresh_from_db()
    assert line.amount_fen == 2_300_000
