"""Headless chromium, the office's month end to end (issue 15): a roster imported in bulk; a new reporter logs in
with the handed-out password, must change it, fills the month on the month form; the office finds the line by
search, exports the ledger, reads 同比 on the dashboard and, after the reporter corrects the line, its history."""

import csv
import io
import os

import openpyxl
import pytest
from django.utils import timezone

from tests.browser import log_in
from tests.factories import roster_xlsx, submission_make

NEW_PASSWORD = "Zhao-Min-Ye-2027"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_offices_month_from_roster_to_line_history(live_server, browser, browser_page, tmp_path):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from fupin.core.periods import Period
    from fupin.reporting.models import PurchaseLine
    from fupin.reporting.rounds import round_open
    from fupin.units.selectors import unit_find

    call_command("demo", verbosity=0, stdout=open(os.devnull, "w"))
    office_user = get_user_model().objects.get(username="office")
    today = timezone.localdate()
    period = Period.month(today.year, today.month)
    round_open(period=period, by=office_user)
    yexian = unit_find("叶县")
    submission_make(yexian, "2019-01:2019-10", amounts=("2000",), status="approved")  # last year, for 同比
    roster = roster_xlsx(tmp_path / "联络员名单.xlsx", rows=[["叶县", "赵敏", "13700001111", "", "填报员"]])

    office = browser_page
    log_in(office, f"{live_server.url}/accounts/roster/", "office", "fupin-office")
    office.set_input_files("[data-testid=roster-form] input[type=file]", str(roster))
    office.click("[data-testid=roster-form] button[type=submit]")
    office.wait_for_selector("[data-testid=roster-done]")
    with office.expect_download() as info:
        office.click("[data-testid=passwords-download]")
    sheet = openpyxl.load_workbook(io.BytesIO(open(info.value.path(), "rb").read())).active
    password = {row[4]: row[5] for row in sheet.iter_rows(min_row=3, values_only=True)}["13700001111"]

    reporter = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 900})
    month = f"{live_server.url}/reporting/{yexian.pk}/{period}/month/"
    log_in(reporter, month, "13700001111", password)
    reporter.wait_for_selector("[data-testid=must-change]")
    reporter.fill("input[name=old_password]", password)
    reporter.fill("input[name=new_password1]", NEW_PASSWORD)
    reporter.fill("input[name=new_password2]", NEW_PASSWORD)
    reporter.click("[data-testid=password-change] button[type=submit]")
    reporter.wait_for_selector("[data-testid=password-changed]")

    reporter.goto(month)
    rows = reporter.locator("[data-testid=month-rows] tbody tr")
    for number, (product, source, method, amount) in enumerate(
            [("黄金梨", "叶县扶贫产品展示中心", "线下", "1.8"), ("香菇酱", "扶贫832平台", "线上", "0.65")]):
        row = rows.nth(number)
        row.locator("input[name$=-product]").fill(product)
        row.locator("input[name$=-source_text]").fill(source)
        row.locator("select[name$=-method]").select_option(method)
        row.locator("input[name$=-amount_wan]").fill(amount)
    reporter.click("[data-testid=month-save]")
    reporter.wait_for_selector("text=已保存2条明细")
    assert reporter.inner_text("[data-testid=total]") == "2.45"

    office.goto(f"{live_server.url}/insights/ledger/?product=黄金梨")
    office.wait_for_selector("[data-testid=ledger-line]")
    assert office.locator("[data-testid=ledger-line]").count() == 1
    assert "叶县" in office.inner_text("[data-testid=ledger-line]")
    with office.expect_download() as info:
        office.click("[data-testid=ledger-export-gbk]")
    exported = open(info.value.path(), "rb").read().decode("gbk")
    assert any("黄金梨" in row for row in csv.reader(io.StringIO(exported)))
    office.click("[data-testid=ledger-report-link]")
    office.wait_for_selector("[data-testid=status]")
    assert f"/reporting/{yexian.pk}/{period}/" in office.url

    office.goto(f"{live_server.url}/insights/?period=2020-01:2020-10")
    assert office.inner_text("[data-testid=yoy]") == "+67.1%"  # 3341.57 against last year's 2000.00
    assert "2,000.00" in office.inner_text("[data-testid=yoy-note]") or "2000.00" in office.inner_text(
        "[data-testid=yoy-note]")

    line = PurchaseLine.objects.get(submission__unit=yexian, product="黄金梨")
    reporter.goto(f"{live_server.url}/reporting/line/{line.pk}/edit/")
    reporter.fill("input[name=amount_wan]", "2")
    reporter.fill("input[name=reason]", "发票金额为2万元")
    reporter.click("button:text-is('保存')")
    reporter.wait_for_selector("[data-testid=status]")

    office.goto(f"{live_server.url}/reporting/line/{line.pk}/")
    history = office.inner_text("[data-testid=line-history]")
    assert "1.80 → 2.00" in history and "发票金额为2万元" in history and "赵敏" in history
    reporter.close()
