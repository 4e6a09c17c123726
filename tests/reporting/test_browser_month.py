"""Headless chromium: the reporter's month on a phone — fill in, the approver signs off, submit, the office returns
it with a reason, fix, sign off and resubmit, the office accepts."""

import os

import pytest
from django.contrib.auth import get_user_model

from tests.browser import ARTIFACTS, log_in

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "locale": "zh-CN"}




def logged_in(browser, url: str, username: str, password: str, **context):
    page = browser.new_context(**(context or {"locale": "zh-CN"})).new_page()
    log_in(page, url, username, password)
    page.wait_for_selector("[data-testid=status]")
    return page


def status(page) -> str:
    return page.inner_text("[data-testid=status]").strip()


def fits_the_screen(page) -> bool:
    """Nothing wider than the phone. (Not window.innerWidth: a mobile browser zooms out to show a page that is too
    wide, and innerWidth grows with it.)"""
    return page.evaluate("document.documentElement.scrollWidth <= screen.width + 1")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_reporters_month_on_a_phone(live_server, browser):
    from django.core.management import call_command

    from fupin.units.selectors import unit_find

    call_command("demo", verbosity=0, stdout=open(os.devnull, "w"))
    url = f"{live_server.url}/reporting/{unit_find('叶县').pk}/2020-11/"

    reporter = logged_in(browser, url, "yexian", "fupin-yexian", **PHONE)
    assert status(reporter) == "未填报" and fits_the_screen(reporter)
    reporter.click("text=开始填报")
    form = reporter.locator("[data-testid=line-form]")
    form.locator("input[name=product]").fill("香菇")
    form.locator("input[name=source_text]").fill("叶县扶贫产品展示中心")
    form.locator("select[name=method]").select_option("线下")
    form.locator("input[name=amount_wan]").fill("2.5")
    form.locator("button[type=submit]").click()
    reporter.wait_for_selector("text=已添加一条明细")
    reporter.fill("textarea[name=summary]", "组织职工到扶贫基地采购香菇，工会慰问品中扶贫产品占比超过20%。")
    reporter.click("text=保存")
    reporter.wait_for_selector("text=已保存工作信息")
    assert reporter.inner_text("[data-testid=total]") == "2.50" and fits_the_screen(reporter)
    reporter.click("[data-testid=submit-button]")
    reporter.wait_for_selector("text=须经审核人签字确认后才能上报")

    approver = logged_in(browser, url, "yexian-shenhe", "fupin-yexian-shenhe", **PHONE)
    approver.click("[data-testid=sign-off-button]")
    approver.wait_for_selector("text=已签字确认，可以上报")

    reporter.reload()
    reporter.click("[data-testid=submit-button]")
    reporter.wait_for_selector("text=已上报市总")
    assert status(reporter) == "已上报"

    office = logged_in(browser, url, "office", "fupin-office")
    office.fill("textarea[name=reason]", "香菇金额与发票不符，发票为2.3万元，请更正后重报")
    office.click("[data-testid=return-button]")
    office.wait_for_selector("text=已退回填报单位")

    reporter.reload()
    assert status(reporter) == "已退回"
    assert "发票为2.3万元" in reporter.inner_text("[data-testid=return-reason]")
    reporter.click("a[href*='/edit']:text-is(\"修改\")")
    reporter.fill("input[name=amount_wan]", "2.3")
    reporter.fill("input[name=reason]", "按发票更正")
    reporter.click("text=保存")
    reporter.wait_for_selector("text=已修改明细")
    assert reporter.inner_text("[data-testid=total]") == "2.30"

    approver.reload()
    approver.click("[data-testid=sign-off-button]")
    approver.wait_for_selector("text=已签字确认，可以上报")
    reporter.reload()
    reporter.click("[data-testid=submit-button]")
    reporter.wait_for_selector("text=已上报市总")
    assert reporter.locator("[data-testid=versions] tbody tr").count() == 2
    assert fits_the_screen(reporter)
    ARTIFACTS.mkdir(exist_ok=True)
    reporter.screenshot(path=str(ARTIFACTS / "reporter_month_phone.png"), full_page=True)

    office.reload()
    office.click("[data-testid=approve-button]")
    office.wait_for_selector("text=已审核通过，报表已锁定")
    assert status(office) == "已审核"


# On the page as the phone shows it: what sticks out sideways, what a thumb cannot hit.
PHONE_LAYOUT = """() => {
  const width = screen.width, problems = [];  // see fits_the_screen
  const name = el => el.outerHTML.slice(0, 90);
  for (const el of document.querySelectorAll("button, input, select, textarea, a.button")) {
    const r = el.getBoundingClientRect();
    if (el.type === "hidden" || (r.width === 0 && r.height === 0) || el.closest(".table-scroll")) continue;
    if (r.left < -1 || r.right > width + 1) problems.push(`sticks out ${Math.round(r.left)}..${Math.round(r.right)}: ${name(el)}`);
    if (el.matches("button, a.button, select") && r.height < 32) problems.push(`${Math.round(r.height)}px high: ${name(el)}`);
  }
  for (const box of document.querySelectorAll(".table-scroll")) {
    if (box.getBoundingClientRect().right > width + 1) problems.push(`table sticks out: ${name(box)}`);
    if (box.scrollWidth > box.clientWidth && getComputedStyle(box).overflowX === "visible")
      problems.push(`wide table does not scroll: ${name(box)}`);
  }
  return {overflow: document.documentElement.scrollWidth - width, problems};
}"""


def phone_problems(page) -> list[str]:
    layout = page.evaluate(PHONE_LAYOUT)
    problems = [f"page {layout['overflow']}px wider than the screen"] if layout["overflow"] > 1 else []
    problems += layout["problems"]
    for button in page.locator("main button:visible, main a.button:visible").all():
        try:
            button.click(trial=True, timeout=2000)  # visible, enabled, not covered: a tap would reach it
        except Exception as exc:  # noqa: BLE001 — report every unreachable button, not just the first
            problems.append(f"cannot tap {button.inner_text()!r}: {str(exc).splitlines()[0]}")
    return problems


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_reporter_page_fits_a_phone_screen(live_server, browser):
    """390×844 (a common phone): no page is wider than the screen, wide tables scroll inside their box, and every
    button can be tapped — the login page, the list, the month in each state, a line, a version, timeliness."""
    from django.core.management import call_command

    from fupin.core.periods import Period
    from fupin.reporting import services
    from fupin.units.selectors import unit_find
    from tests.reporting.test_workflow import line

    call_command("demo", verbosity=0, stdout=open(os.devnull, "w"))
    unit = unit_find("叶县")
    reporter = get_user_model().objects.get(username="yexian")
    sub = services.submission_start(unit=unit, period=Period.parse("2020-11"), by=reporter)
    added = services.line_add(submission=sub, data=line("2.5", source="叶县扶贫产品展示中心（马庄乡）"), by=reporter)
    base = f"{live_server.url}/reporting/"
    pages = {
        "未填报的月份": f"{base}{unit.pk}/2020-12/",
        "草稿": f"{base}{unit.pk}/2020-11/",
        "修改明细": f"{base}line/{added.pk}/edit/",
        "已审核的轮次": f"{base}{unit.pk}/2020-01:2020-10/",
        "版本": f"{base}{unit.pk}/2020-01:2020-10/versions/1/",
        "填报": base,
        "及时率": f"{base}timeliness/?period=2020-01:2020-10",
    }
    page = browser.new_context(**PHONE).new_page()
    page.goto(pages["草稿"])
    problems = [f"登录: {p}" for p in phone_problems(page)]
    page.fill("input[name=username]", "yexian")
    page.fill("input[name=password]", "fupin-yexian")
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=status]")
    for title, url in pages.items():
        page.goto(url)
        assert page.title() and "登录" not in page.title(), title
        problems += [f"{title}: {p}" for p in phone_problems(page)]
    assert not problems, "\n".join(problems)
