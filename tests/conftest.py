import os

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls beside it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def seeded(db):
    """The seed circular's ledger: 29 units, taxonomy, 28 cumulative submissions, demo logins."""
    from django.core.management import call_command

    call_command("demo", verbosity=0, stdout=open(os.devnull, "w"))


@pytest.fixture
def personas(seeded):
    from tests.factories import personas as make

    return make()


def pytest_configure(config):
    from django.conf import settings

    # Hashing passwords the production way costs ~0.3 s a user; tests make dozens.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    _test_client_logs_in_with_a_request()


def _test_client_logs_in_with_a_request():
    """django-axes counts logins by address, so it refuses an authenticate() without a request; Django's test
    client passes none. Give it one from the address the client's own requests come from."""
    from django.http import HttpRequest
    from django.test import Client

    login = Client.login

    def login_with_request(self, **credentials):
        request = HttpRequest()
        request.META["REMOTE_ADDR"] = "127.0.0.1"
        return login(self, request=request, **credentials)

    Client.login = login_with_request


@pytest.fixture(scope="session")
def live_server(django_db_setup, django_db_blocker, live_server):
    """pytest-django's server. Its request threads can leave a connection behind, and PostgreSQL will not drop a
    database someone is connected to: end those sessions before the test database goes."""
    yield live_server
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                               "WHERE datname = current_database() AND pid <> pg_backend_pid()")


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(browser):
    """A desktop page in Chinese: the office works at a desk. A test fails if the page broke the Content
    Security Policy (chromium says so on the console): a screen must work under the policy it is served with."""
    from tests.browser import csp_violations

    page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 900})
    violations = csp_violations(page)
    yield page
    assert not violations, f"Content Security Policy violations: {violations}"
