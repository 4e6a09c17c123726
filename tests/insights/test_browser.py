"""Headless chromium: the dashboard draws its charts, and the pivot page builds a table from the office's choice."""

import os

import pytest

from tests.browser import ARTIFACTS, log_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_dashboard_draws_every_chart_from_the_vendored_echarts(live_server, browser_page):
    from django.core.management import call_command

    call_command("demo", verbosity=0, stdout=open(os.devnull, "w"))
    page = browser_page
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: errors.append(r.url))
    log_in(page, f"{live_server.url}/insights/?period=2020-01:2020-10", "office", "fupin-office")
    page.wait_for_selector("body[data-charts-drawn='5']")
    assert page.inner_text("[data-testid=total]") == "3341.57"
    assert page.locator("[data-chart] canvas").count() == 5
    assert page.evaluate("typeof echarts") == "object" and not errors
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_office_builds_a_pivot_and_finds_the_total(live_server, browser_page):
    from django.core.management import call_command

    call_command("demo", verbosity=0, stdout=open(os.devnull, "w"))
    page = browser_page
    log_in(page, f"{live_server.url}/insights/pivot/?period=2020-01:2020-10", "office", "fupin-office")
    page.select_option("select[name=rows]", "channel")
    page.select_option("select[name=cols]", "method")
    page.click("button:has-text('生成')")
    page.wait_for_selector("[data-testid=pivot-table]")
    assert page.inner_text("[data-testid=pivot-total]") == "3341.57"
    assert page.locator("[data-testid=pivot-table] thead th").all_inner_texts()[:3] == ["渠道", "线下", "线上"]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "pivot.png"), full_page=True)
