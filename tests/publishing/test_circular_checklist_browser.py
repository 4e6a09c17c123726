"""Headless chromium: the office drafts the circular and checks each figure on the 核对单 beside it."""

import os

import pytest

from tests.browser import ARTIFACTS, log_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_checklist_beside_the_draft_lists_each_figure_and_links_to_its_lines(live_server, browser_page):
    from django.core.management import call_command

    call_command("demo", verbosity=0, stdout=open(os.devnull, "w"))
    page = browser_page
    log_in(page, f"{live_server.url}/publishing/circulars/", "office", "fupin-office")
    page.fill("input[name=period]", "2020-01:2020-10")
    page.fill("input[name=number]", "平工办〔2020〕33号")
    page.fill("input[name=date]", "2020-10-27")
    page.click("button:has-text('起草通报')")
    checklist = page.locator("[data-testid=checklist]")
    checklist.wait_for()
    total = checklist.locator("tr[data-key=total]")
    assert total.locator("td").first.inner_text() == "3341.57万元"
    assert "计入成交额的明细金额合计" in total.inner_text()
    duplicates = checklist.locator("tr[data-key='duplicate_channel.count']")
    assert duplicates.locator("td").first.inner_text() == "10组"
    # Beside the draft, not below it.
    form, box = page.locator("[data-testid=edit-form]").bounding_box(), checklist.bounding_box()
    assert box["x"] > form["x"] + form["width"] / 2 and abs(box["y"] - form["y"]) < 50
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "circular-checklist.png"), full_page=False)
    duplicates.locator("a").click()
    page.wait_for_url("**/quality/review/?period=2020-01:2020-10")
    assert page.locator("[data-testid=duplicates] h2").inner_text() == "可合并的重复明细（10组）"
