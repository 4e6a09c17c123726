"""Headless chromium: the office works through the review queue of the seed's round."""

import os

import pytest

from tests.browser import ARTIFACTS, log_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_office_confirms_a_channel_merges_duplicates_and_excludes_a_line(live_server, browser_page):
    from django.core.management import call_command

    from fupin.quality.classify import Classifier
    from fupin.reporting.models import PurchaseLine

    call_command("demo", verbosity=0, stdout=open(os.devnull, "w"))
    page = browser_page
    log_in(page, f"{live_server.url}/quality/review/?period=2020-01:2020-10", "office", "fupin-office")
    waiting = page.locator("[data-testid=waiting]")
    waiting.wait_for()
    assert waiting.locator("tbody tr").count() == 2

    row = waiting.locator("tr[data-source='扶贫产品']")
    row.locator("select[name=code]").select_option("SHOP")
    row.locator("[data-action=confirm]").click()
    page.wait_for_selector("text=今后同样写法不再询问")
    assert page.locator("[data-testid=waiting] tbody tr").count() == 1
    assert Classifier().code_for("扶贫产品") == "SHOP"

    group = page.locator("[data-testid=duplicates] form", has_text="工交工会")
    group.locator("input[name=reason]").fill("同一渠道两行")
    group.locator("[data-action=merge]").click()
    page.wait_for_selector("text=其余行保留并标为已剔除")

    row = page.locator("[data-testid=waiting] tr[data-source='合作社、带贫企业']")
    row.locator("input[name=reason]").fill("两个渠道写在一行，退回单位拆分")
    row.locator("[data-action=exclude]").click()
    page.wait_for_selector("text=不计入合计")
    excluded = page.locator("[data-testid=excluded]")
    assert excluded.locator("tbody tr").count() == 2
    assert "已合并到第1行" in excluded.inner_text() and "退回单位拆分" in excluded.inner_text()
    assert page.inner_text("[data-testid=excluded-total]") == "46.88"
    assert PurchaseLine.objects.filter(excluded=True).count() == 2
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "review-queue.png"), full_page=True)
