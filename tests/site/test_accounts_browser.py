"""Headless chromium: a reporter guesses wrong until locked out, the office unlocks the account from its page, and
the reporter logs in and changes the password through the menu, then logs in with the new one."""

import os

import pytest

from tests.browser import ARTIFACTS, log_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_locked_out_reporter_is_unlocked_by_the_office_and_changes_the_password(live_server, browser, browser_page):
    from django.core.management import call_command

    call_command("demo", verbosity=0, stdout=open(os.devnull, "w"))
    # The office is at its desk before anyone guesses (the guesses lock this address too).
    office = browser.new_page(locale="zh-CN")
    log_in(office, f"{live_server.url}/accounts/lockouts/", "office", "fupin-office")
    office.wait_for_selector("text=当前没有被锁定的账号")

    page = browser_page
    for _ in range(5):
        log_in(page, f"{live_server.url}/login/", "yexian", "wrong-guess")
        page.wait_for_selector("p.error")
    assert "账号已锁定至" in page.inner_text("[data-testid=lockout]")
    log_in(page, f"{live_server.url}/login/", "yexian", "fupin-yexian")
    page.wait_for_selector("[data-testid=lockout]")
    assert "请稍后再试或联系市总管理员解锁" in page.inner_text("[data-testid=lockout]")

    office.reload()
    office.click("[data-testid=locked-accounts] tr:has-text('yexian') button:has-text('解锁')")
    office.wait_for_selector("text=已解锁账号 yexian")
    assert "解除登录锁定" in office.inner_text("[data-testid=account-events]")

    log_in(page, f"{live_server.url}/", "yexian", "fupin-yexian")
    page.click("[data-testid=menu-password]")
    page.fill("input[name=old_password]", "fupin-yexian")
    page.fill("input[name=new_password1]", "12345678")
    page.fill("input[name=new_password2]", "12345678")
    page.click("[data-testid=password-change] button[type=submit]")
    page.wait_for_selector("text=这个密码太常见了")
    page.fill("input[name=old_password]", "fupin-yexian")
    page.fill("input[name=new_password1]", "Ye-Xian-Xiao-Mi-2026")
    page.fill("input[name=new_password2]", "Ye-Xian-Xiao-Mi-2026")
    page.click("[data-testid=password-change] button[type=submit]")
    page.wait_for_selector("[data-testid=password-changed]")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "password-changed.png"), full_page=True)

    page.click("button:has-text('退出')")
    page.wait_for_selector("input[name=username]")
    log_in(page, f"{live_server.url}/", "yexian", "fupin-yexian")
    page.wait_for_selector("text=用户名或密码不正确")
    log_in(page, f"{live_server.url}/", "yexian", "Ye-Xian-Xiao-Mi-2026")
    page.wait_for_selector("[data-testid=menu-password]")
    assert page.url.rstrip("/") == live_server.url
    office.close()
