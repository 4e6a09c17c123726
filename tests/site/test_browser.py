"""Headless chromium: the office logs in and finds the seed's total on the attachment page."""

import os

import pytest

from tests.browser import ARTIFACTS, log_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_office_logs_in_and_finds_the_seed_total(live_server, browser_page):
    from django.core.management import call_command

    call_command("demo", verbosity=0, stdout=open(os.devnull, "w"))
    page = browser_page
    log_in(page, f"{live_server.url}/publishing/attachment/?period=2020-01:2020-10", "office", "fupin-office")
    page.wait_for_selector("[data-testid=attachment-total]")
    assert page.inner_text("[data-testid=attachment-total]") == "3341.57"
    assert page.locator("table.attachment tbody tr").count() == 110
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "attachment.png"), full_page=True)
