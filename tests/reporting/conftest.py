import os
from urllib.parse import urlsplit, urlunsplit

import pytest


@pytest.fixture
def database_env(tmp_path):
    """The environment for `fupin` processes sharing a fresh database: an SQLite file under tmp_path, or — when
    DATABASE_URL names PostgreSQL — a PostgreSQL database of their own, dropped afterwards."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "FUPIN_TEST_SQLITE")}
    env["FUPIN_HOME"] = str(tmp_path)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield env
        return
    import psycopg

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'fupin'}_processes"
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
    yield env
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
