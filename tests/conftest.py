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
