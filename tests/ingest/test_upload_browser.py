"""Headless chromium: 叶县's reporter uploads a filled template, sees the errors beside their rows, fixes the file,
uploads again, and confirms."""

import os
from pathlib import Path

import pytest

from fupin.core.periods import Period
from fupin.ingest.template_xlsx import template_xlsx
from fupin.units.selectors import unit_find
from tests.browser import ARTIFACTS, log_in
from tests.ingest.upload_files import fill_template

GOOD = [["小米", "驻村第一书记推荐", "线下", "2020-11-05", "500公斤", 1.25],
        ["香菇", "832平台", "线上", "11月8日", "", "0.75万元"]]
BAD = [GOOD[0], ["香油", "农户", "线下", "", "", "abc"]]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_reporter_previews_errors_then_confirms_a_corrected_file(live_server, browser_page, tmp_path):
    from django.core.management import call_command

    from fupin.reporting.models import Status, Submission

    call_command("demo", verbosity=0, stdout=open(os.devnull, "w"))
    template = template_xlsx(unit=unit_find("叶县"), period=Period.parse("2020-11"))
    bad, good = tmp_path / "叶县11月_有错.xlsx", tmp_path / "叶县11月.xlsx"
    bad.write_bytes(fill_template(template, BAD))
    good.write_bytes(fill_template(template, GOOD))
    page = browser_page
    log_in(page, f"{live_server.url}/import/", "yexian", "fupin-yexian")

    def send(path: Path) -> None:
        page.wait_for_selector("[data-testid=upload]")
        page.fill("form[enctype] input[name=period]", "2020-11")
        page.set_input_files("input[name=file]", str(path))
        page.click("[data-testid=upload]")
        page.wait_for_selector("[data-testid=job-status]")

    send(bad)
    row = page.locator("tr[data-row='5']")
    assert "has-error" in row.get_attribute("class")
    assert "金额：金额不是数字" in row.inner_text()
    assert page.locator("[data-testid=confirm]").count() == 0
    assert "整个文件不会导入" in page.inner_text("[data-testid=refused]")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "import_preview_errors.png"), full_page=True)

    page.goto(f"{live_server.url}/import/")
    send(good)
    assert page.inner_text("[data-testid=job-status]") == "待确认"
    page.click("[data-testid=confirm]")
    page.wait_for_selector("[data-testid=imported]")
    assert "已导入 2 行明细" in page.inner_text("[data-testid=imported]")
    assert page.locator("[data-testid=submission-link]").count() == 1
    page.screenshot(path=str(ARTIFACTS / "import_confirmed.png"), full_page=True)
    submission = Submission.objects.get(unit__short_name="叶县", first_month="2020-11-01")
    assert submission.status == Status.DRAFT and submission.lines.count() == 2
