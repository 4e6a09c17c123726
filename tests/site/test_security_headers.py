"""Headers and cookies: a Content Security Policy on every page (and pages that need no inline script or style),
no caching of pages and files with figures, and HTTPS-only cookies, HSTS and the redirect when FUPIN_HTTPS is on."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.browser import csp_violations, log_in
from tests.factories import PASSWORD

PACKAGE = Path(__file__).resolve().parents[2] / "fupin"


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_pages_carry_a_content_security_policy_that_allows_no_inline_script(personas, client):
    for response in (client.get(reverse("login")), login(client, personas.viewer).get(reverse("publishing:attachment"))):
        assert response.status_code == 200
        csp = policy(response)
        assert csp["default-src"] == ["'self'"] and csp["script-src"] == ["'self'"]
        assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"]
        assert "'unsafe-inline'" not in csp.get("style-src", []) and "'unsafe-eval'" not in csp["script-src"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"


def test_a_page_with_a_style_block_gives_it_the_nonce_of_its_policy(personas, client):
    response = login(client, personas.admin).get(reverse("policy:compliance"), {"period": "2020-01:2020-10"})
    nonce = re.search(r'<style nonce="([^"]+)">', response.content.decode()).group(1)
    assert f"'nonce-{nonce}'" in policy(response)["style-src"]


def test_templates_hold_no_inline_script_event_handler_or_style_attribute():
    """Chromium refuses them under the policy: behaviour goes in static .js files, looks in .css files."""
    offenders = []
    for path in PACKAGE.rglob("templates/**/*.html"):
        text = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and 'type="application/json"' not in tag:
                offenders.append((path.name, tag))
        offenders += [(path.name, m) for m in re.findall(r'\s(on[a-z]+=|style=)"', text)]
        offenders += [(path.name, "javascript:") for _ in re.findall(r"javascript:", text)]
        offenders += [(path.name, tag) for tag in re.findall(r"<style>", text) if path.name != "attachment_print.html"]
    assert not offenders


def test_pages_and_downloads_are_not_stored_but_static_files_are_cached(personas, client):
    login(client, personas.reporter)
    page = client.get(reverse("reporting:submission", kwargs={"unit_id": personas.unit.pk, "period": "2020-11"}))
    template = client.get(reverse("ingest:template"), {"unit": personas.unit.pk, "period": "2020-11"})
    attachment = client.get(reverse("publishing:attachment_download", args=["json"]), {"period": "2020-11"})
    for response in (page, template, attachment):
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    static = client.get("/static/fupin/site.css")
    assert static.status_code == 200 and "no-store" not in static.get("Cache-Control", "")


def test_the_printable_attachment_html_may_use_its_own_inline_style_and_still_no_inline_script(personas, client):
    response = login(client, personas.viewer).get(reverse("publishing:attachment_download", args=["html"]),
                                                  {"period": "2020-01:2020-10"})
    csp = policy(response)
    assert "'unsafe-inline'" in csp["style-src"] and csp["script-src"] == ["'self'"]


SECURITY_SETTINGS = ["SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
                     "SECURE_PROXY_SSL_HEADER", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
                     "CSRF_COOKIE_SAMESITE"]


def settings_with(**env) -> dict:
    """The security settings as a fresh process reads them from its environment."""
    code = ("import json, django; from django.conf import settings; django.setup(); "
            f"print(json.dumps({{k: getattr(settings, k) for k in {SECURITY_SETTINGS!r}}}))")
    clean = {k: v for k, v in os.environ.items() if k != "FUPIN_HTTPS"}
    done = subprocess.run([sys.executable, "-c", code], env={**clean, "DJANGO_SETTINGS_MODULE": "fupin.settings",
                                                              **env},
                          capture_output=True, text=True, check=True, timeout=60)
    return json.loads(done.stdout)


def test_fupin_https_turns_on_secure_cookies_hsts_the_redirect_and_the_proxy_header():
    plain = settings_with()
    assert plain["SESSION_COOKIE_SECURE"] is plain["CSRF_COOKIE_SECURE"] is plain["SECURE_SSL_REDIRECT"] is False
    assert plain["SECURE_HSTS_SECONDS"] == 0 and plain["SECURE_PROXY_SSL_HEADER"] is None
    https = settings_with(FUPIN_HTTPS="true")
    assert https["SESSION_COOKIE_SECURE"] is https["CSRF_COOKIE_SECURE"] is https["SECURE_SSL_REDIRECT"] is True
    assert https["SECURE_HSTS_SECONDS"] >= 180 * 24 * 3600
    assert https["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    for found in (plain, https):
        assert found["SESSION_COOKIE_HTTPONLY"] is True
        assert found["SESSION_COOKIE_SAMESITE"] == found["CSRF_COOKIE_SAMESITE"] == "Lax"


def test_behind_https_plain_http_is_redirected_and_cookies_are_secure(personas, client):
    https = settings_with(FUPIN_HTTPS="true")
    https["SECURE_PROXY_SSL_HEADER"] = tuple(https["SECURE_PROXY_SSL_HEADER"])
    with override_settings(**https):
        plain = client.get(reverse("login"))
        assert plain.status_code == 301 and plain["Location"].startswith("https://")
        page = client.get(reverse("login"), headers={"X-Forwarded-Proto": "https"})
        assert page.status_code == 200 and page["Strict-Transport-Security"].startswith("max-age=")
        assert client.cookies["csrftoken"]["secure"] is True
        response = client.post(reverse("login"), {"username": personas.viewer.username, "password": PASSWORD},
                               headers={"X-Forwarded-Proto": "https"})
        assert response.status_code == 302
        session = client.cookies["sessionid"]
        assert session["secure"] is True and session["httponly"] is True and session["samesite"] == "Lax"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_chromium_reports_no_violation_on_the_office_pages_and_does_report_an_injected_style(live_server, browser):
    from django.core.management import call_command

    from fupin.units.selectors import unit_find

    call_command("demo", verbosity=0, stdout=open(os.devnull, "w"))
    page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 900})
    violations = csp_violations(page)
    log_in(page, f"{live_server.url}/insights/?period=2020-01:2020-10", "office", "fupin-office")
    page.wait_for_selector("body[data-charts-drawn]")
    page.hover("[data-chart=trend]")  # the chart's tooltip
    assert page.evaluate("document.body.dataset.chartsDrawn") != "0"
    for path in (f"/reporting/{unit_find('叶县').pk}/2020-01:2020-10/", "/quality/review/?period=2020-01:2020-10",
                 "/policy/compliance/?period=2020-01:2020-10", "/publishing/attachment/?period=2020-01:2020-10",
                 "/insights/pivot/?period=2020-01:2020-10", "/import/", "/admin/units/unit/1/change/"):
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
    assert violations == []
    # The policy is enforced, and the check above would see a breach: an inline style attribute is refused.
    with page.expect_console_message(lambda message: "Content Security Policy" in message.text):
        page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p id=injected style=\"color: red\">x</p>')")
    assert page.evaluate("getComputedStyle(document.getElementById('injected')).color") != "rgb(255, 0, 0)"
    assert violations
    page.close()
