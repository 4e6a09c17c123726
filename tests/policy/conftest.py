import os

import pytest


@pytest.fixture
def registry(db):
    """Units, channels and the default policy rules (fupin init), without the seed's ledger."""
    from django.core.management import call_command

    call_command("init", verbosity=0, stdout=open(os.devnull, "w"))
