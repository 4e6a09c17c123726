"""Headless chromium: the office imports a roster, downloads the initial passwords (once); a new reporter logs in
with the handed-out password, is held at the password page until choosing their own, then fills in a line of their
unit's report for the current round."""

import io
import os

import openpyxl
import pytest
from django.utils import timezone

from tests.browser import ARTIFACTS, log_in
from tests.factories import roster_xlsx

NEW_PASSWORD = "Wang-Xiao-Hong-2027"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_office_imports_a_roster_and_a_new_reporter_fills_in_the_month(live_server, browser, browser_page,
                                                                          tmp_path):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from fupin.core.periods import Period
    from fupin.reporting.models import PurchaseLine
    from fupin.reporting.rounds import round_open
    from fupin.units.selectors import unit_find

    call_command("demo", verbosity=0, stdout=open(os.devnull, "w"))
    today = timezone.localdate()
    period = Period.month(today.year, today.month)
    round_open(period=period, by=get_user_model().objects.get(username="office"))
    yexian = unit_find("叶县")
    roster = roster_xlsx(tmp_path / "2027年联络员名单.xlsx", title="各单位消费帮扶联络员", rows=[
        ["叶县", "王小红", 13812345678, "wang@example.cn", "填报员"],
        ["舞钢市", "李四", "139-1234-5678", "", "单位审核人"],
    ])

    office = browser_page
    log_in(office, f"{live_server.url}/accounts/people/", "office", "fupin-office")
    office.click("[data-testid=roster-link]")
    office.set_input_files("[data-testid=roster-form] input[type=file]", str(roster))
    office.click("[data-testid=roster-form] button[type=submit]")
    office.wait_for_selector("[data-testid=roster-done]")
    assert "已建立 2 个账号" in office.inner_text("[data-testid=roster-done]")
    with office.expect_download() as info:
        office.click("[data-testid=passwords-download]")
    download = info.value
    assert download.suggested_filename.startswith("初始密码-") and download.suggested_filename.endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(open(download.path(), "rb").read())).active
    passwords = {row[4]: row[5] for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert set(passwords) == {"13812345678", "13912345678"}
    again = office.request.get(f"{live_server.url}{office.get_attribute('[data-testid=passwords-download]', 'href')}")
    assert again.status == 404, "the passwords come once"

    reporter = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 900})
    month = f"{live_server.url}/reporting/{yexian.pk}/{period}/"
    log_in(reporter, month, "13812345678", passwords["13812345678"])
    reporter.wait_for_selector("[data-testid=must-change]")
    reporter.goto(month)
    reporter.wait_for_selector("[data-testid=must-change]")  # every page leads back here
    reporter.fill("input[name=old_password]", passwords["13812345678"])
    reporter.fill("input[name=new_password1]", NEW_PASSWORD)
    reporter.fill("input[name=new_password2]", NEW_PASSWORD)
    reporter.click("[data-testid=password-change] button[type=submit]")
    reporter.wait_for_selector("[data-testid=password-changed]")

    reporter.click("nav a:text-is('填报')")
    reporter.click(f"a[href='/reporting/{yexian.pk}/{period}/']")
    reporter.wait_for_selector("[data-testid=status]")
    reporter.click("text=开始填报")
    form = reporter.locator("[data-testid=line-form]")
    form.locator("input[name=product]").fill("香菇")
    form.locator("input[name=source_text]").fill("叶县扶贫产品展示中心")
    form.locator("select[name=method]").select_option("线下")
    form.locator("input[name=amount_wan]").fill("1.8")
    form.locator("button[type=submit]").click()
    reporter.wait_for_selector("text=已添加一条明细")
    assert reporter.inner_text("[data-testid=total]") == "1.80"
    line = PurchaseLine.objects.get(submission__unit=yexian, product="香菇")
    assert line.submission.created_by.username == "13812345678"
    ARTIFACTS.mkdir(exist_ok=True)
    reporter.screenshot(path=str(ARTIFACTS / "roster-reporter-month.png"), full_page=True)

    office.goto(f"{live_server.url}/accounts/people/?q=王小红")
    office.click("[data-testid='manage-13812345678']")
    events = office.inner_text("[data-testid=person-events]")
    assert "新建账号" in events and "授予角色" in events and "本人修改密码" in events
    reporter.close()
