"""Headless chromium: the dashboard draws its charts, and the pivot page builds a table from the office's choice."""

import os
from pathlib import Path

import pytest

ARTIFACTS = Path(os.environ.get("FUPIN_ARTIFACTS", "test-artifacts"))


@pytest.fixture
def browser_page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"])
        page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 900})
        yield page
        browser.close()


def _login(page, url):
    page.goto(url)
    page.fill("input[name=username]", "office")
    page.fill("input[name=password]", "fupin-office")
    page.click("button[type=submit]")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_dashboard_draws_every_chart_from_the_vendored_echarts(live_server, browser_page):
    from django.core.management import call_command

    call_command("demo", verbosity=0, stdout=open(os.devnull, "w"))
    page = browser_page
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: errors.append(r.url))
    _login(page, f"{live_server.url}/insights/?period=2020-01:2020-10")
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
    _login(page, f"{live_server.url}/insights/pivot/?period=2020-01:2020-10")
    page.select_option("select[name=rows]", "channel")
    page.select_option("select[name=cols]", "method")
    page.click("button:has-text('生成')")
    page.wait_for_selector("[data-testid=pivot-table]")
    assert page.inner_text("[data-testid=pivot-total]") == "3341.57"
    assert page.locator("[data-testid=pivot-table] thead th").all_inner_texts()[:3] == ["渠道", "线下", "线上"]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "pivot.png"), full_page=True)
