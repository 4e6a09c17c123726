"""Headless chromium: the same bad lines as `fupin import` and the service (tests/reporting/lines_bad.py) typed
into the web form. The browser refuses each one itself (its limits come from the validator's constants); with the
browser's check switched off, the server refuses it with the validator's message beside the field, and every value
typed is still there."""

import os

import pytest

from fupin.reporting import validation
from tests.browser import log_in
from tests.reporting.lines_bad import CASES, PERIOD, form_data

# A number box cannot even hold "一万": the browser empties it, so that case is the import's and the API's alone.
TYPED_IN_A_BROWSER = [c for c in CASES if c.name != "not_a_number"]


def _fill(form, case) -> None:
    data = form_data(case)
    for name in ("product", "source_text", "purchase_date", "quantity_tons", "amount_wan", "note"):
        form.locator(f"[name={name}]").fill(data[name])
    form.locator("select[name=method]").select_option(data["method"])


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_form_refuses_as_the_import_does_and_keeps_what_was_typed(live_server, browser):
    from django.core.management import call_command

    from fupin.reporting.models import PurchaseLine
    from fupin.units.selectors import unit_find

    call_command("demo", verbosity=0, stdout=open(os.devnull, "w"))
    unit = unit_find("叶县")
    url = f"{live_server.url}/reporting/{unit.pk}/{PERIOD}/"
    page = browser.new_context(locale="zh-CN").new_page()
    log_in(page, url, "yexian", "fupin-yexian")
    page.click("text=开始填报")
    for case in TYPED_IN_A_BROWSER:
        page.goto(url)
        form = page.locator("[data-testid=line-form]")
        _fill(form, case)
        browser_says_valid = form.evaluate("f => f.checkValidity()")
        if case.severity != validation.ERROR:
            assert browser_says_valid, case.name
            form.locator("button[type=submit]").click()
            page.wait_for_selector(".messages")
            assert f"{case.severity}：{case.message}" in page.inner_text(".messages"), case.name
            continue
        assert not browser_says_valid, case.name  # the browser and the server agree
        form.evaluate("f => { f.noValidate = true; }")
        form.locator("button[type=submit]").click()
        page.wait_for_selector(f"[data-testid=error-{case.form_field}]")
        assert page.inner_text(f"[data-testid=error-{case.form_field}]").strip() == case.message, case.name
        assert "明细未保存" in page.inner_text("[data-testid=line-form-error]")
        kept = page.locator("[data-testid=line-form]")
        for name, typed in form_data(case).items():
            assert kept.locator(f"[name={name}]").input_value() == typed, (case.name, name)
    assert PurchaseLine.objects.filter(submission__unit=unit, submission__first_month__month=11).count() == 1
