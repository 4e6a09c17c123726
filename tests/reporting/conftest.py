import os
from urllib.parse import urlsplit

import pytest

from tests.site.servers import database_env as own_database


@pytest.fixture
def database_env(tmp_path):
    """The environment for `fupin` processes sharing a fresh database: an SQLite file under tmp_path, or — when
    DATABASE_URL names PostgreSQL — a PostgreSQL database of their own, dropped afterwards."""
    name = f"{urlsplit(os.environ.get('DATABASE_URL', '')).path.lstrip('/') or 'fupin'}_processes"
    with own_database(tmp_path, name) as env:
        yield env
