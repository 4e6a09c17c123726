"""`fupin serve` in a process of its own, for tests that need the production server in front of them."""

import contextlib
import json
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

from tests.reporting.processes import FUPIN, free_port

# A key of the tests' own: the server refuses the public development key outside DEBUG.
TEST_SECRET_KEY = "fupin-tests-only-5a1e0d9c3b7f4e2a8c6d1f0b9e7a3c5d2f4b6a8c0e1d3f5a7"


def healthz(base: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(base + "/healthz", timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


@contextlib.contextmanager
def served(env: dict, log_path, *extra: str):
    """Yields the base URL once /healthz answers (any status: the caller decides what it expects)."""
    env = env | {"SECRET_KEY": env.get("SECRET_KEY") or TEST_SECRET_KEY}
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with open(log_path, "w") as log:
        server = subprocess.Popen([FUPIN, "serve", "--bind", f"127.0.0.1:{port}", *extra], env=env, stdout=log,
                                  stderr=subprocess.STDOUT)
        try:
            for _ in range(600):
                if server.poll() is not None:
                    raise AssertionError(f"fupin serve ended: {open(log_path).read()[-3000:]}")
                try:
                    healthz(base)
                    break
                except OSError:
                    time.sleep(0.1)
            yield base
        finally:
            server.terminate()
            server.wait(timeout=60)


@contextlib.contextmanager
def database_env(tmp_path, name: str):
    """The environment for `fupin` processes on a database of their own: an SQLite file under tmp_path, or —
    when DATABASE_URL names PostgreSQL — the PostgreSQL database `name` (created empty, dropped afterwards)."""
    import os
    from urllib.parse import urlsplit, urlunsplit

    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "FUPIN_TEST_SQLITE")}
    env["FUPIN_HOME"] = str(tmp_path)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield env
        return
    import psycopg

    parts = urlsplit(url)
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield env | {"DATABASE_URL": urlunsplit(parts._replace(path=f"/{name}"))}
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Browser:
    """A reporter's browser with cookies, standard library only."""

    def __init__(self, base: str):
        self.base, self.jar = base, CookieJar()

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def request(self, path: str, data: dict | None = None, files: dict | None = None):
        headers, body = {}, None
        if data is not None or files:
            token = next(c.value for c in self.jar if c.name == "csrftoken")
            fields = (data or {}) | {"csrfmiddlewaretoken": token}
            if files:
                boundary = "fupinboundary"
                parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
                         for k, v in fields.items()]
                for key, (name, content) in files.items():
                    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"; '
                                 f'filename="{name}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
                                 + content + b"\r\n")
                body = b"".join(parts) + f"--{boundary}--\r\n".encode()
                headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
            else:
                body = urllib.parse.urlencode(fields).encode()
        req = urllib.request.Request(self.base + path, body, headers)
        try:
            with self.opener.open(req, timeout=60) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read().decode(errors="replace")
