"""`fupin serve`: the production server answers /healthz, serves the static files and writes an access log;
without a key of its own it refuses to start outside DEBUG; `fupin check` is Django's system check, --deploy too."""

import subprocess
import sys
import urllib.request

import pytest

from tests.reporting.processes import FUPIN, run
from tests.site.servers import TEST_SECRET_KEY, database_env, healthz, served

PRODUCTION = {"SECRET_KEY": TEST_SECRET_KEY, "FUPIN_HTTPS": "true", "FUPIN_HSTS_INCLUDE_SUBDOMAINS": "true",
              "ALLOWED_HOSTS": "fupin.example.org", "DEBUG": "false"}


@pytest.fixture
def env(tmp_path):
    with database_env(tmp_path, "fupin_ops_serve") as env:
        yield env


def fupin(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run([FUPIN, *args], env=env, capture_output=True, text=True, timeout=300)


def test_serve_answers_healthz_503_until_the_database_is_set_up_then_200(env, tmp_path):
    with served(env, tmp_path / "server.log") as base:
        status, body = healthz(base)
        assert status == 503 and body["status"] == "error"
        assert "units.0001_initial" in body["pending_migrations"] and "fupin init" in body["error"]
        run(env, "init")
        assert healthz(base) == (200, {"status": "ok", "database": "ok", "pending_migrations": []})
        with urllib.request.urlopen(base + "/static/fupin/site.css", timeout=10) as css:  # whitenoise
            assert css.status == 200 and b".topbar" in css.read()
        with urllib.request.urlopen(base + "/login/", timeout=10) as login:
            assert "登录" in login.read().decode()
    log = (tmp_path / "server.log").read_text()
    assert "gunicorn" in log and '"GET /healthz HTTP/1.1" 200' in log and '"GET /login/ HTTP/1.1" 200' in log


def test_healthz_is_503_when_the_database_cannot_be_reached(env, tmp_path):
    nowhere = env | {"DATABASE_URL": "postgres://postgres@127.0.0.1:1/fupin_ops_nowhere"}
    with served(nowhere, tmp_path / "server.log") as base:
        status, body = healthz(base)
    assert status == 503 and body == {"status": "error", "database": "unreachable", "error": "数据库无法连接"}


def test_serve_refuses_to_start_without_a_key_of_its_own_outside_debug(env):
    env = {k: v for k, v in env.items() if k not in ("SECRET_KEY", "DEBUG")}
    for key in (None, "fupin-dev-only-secret-change-me-in-production"):
        result = fupin(env | ({"SECRET_KEY": key} if key else {}), "serve", "--bind", "127.0.0.1:1")
        assert result.returncode == 1
        assert "未设置环境变量 SECRET_KEY" in result.stderr and "Traceback" not in result.stderr
    # any WSGI server loading the application (gunicorn fupin.wsgi, runserver) is refused the same way
    wsgi = subprocess.run([sys.executable, "-c", "import fupin.wsgi"], env=env, capture_output=True, text=True,
                          timeout=120)
    assert wsgi.returncode != 0 and "未设置环境变量 SECRET_KEY" in wsgi.stderr
    debug = subprocess.run([sys.executable, "-c", "import fupin.wsgi"], env=env | {"DEBUG": "true"},
                           capture_output=True, text=True, timeout=120)
    assert debug.returncode == 0, debug.stderr


def test_serve_says_what_is_wrong_with_its_options(env):
    result = fupin(env | {"SECRET_KEY": TEST_SECRET_KEY}, "serve", "--bind", "8000")
    assert result.returncode == 1 and "--bind 应为 主机:端口" in result.stderr
    result = fupin(env | {"SECRET_KEY": TEST_SECRET_KEY}, "serve", "--workers", "0")
    assert result.returncode == 1 and "--workers 应为正整数" in result.stderr


def test_check_deploy_passes_on_production_settings_and_warns_without_them(env):
    production = {k: v for k, v in env.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"} | PRODUCTION  # the tests' own
    good = fupin(production, "check", "--deploy", "--fail-level", "WARNING")
    assert good.returncode == 0, good.stderr
    assert "System check identified no issues" in good.stdout

    plain = {k: v for k, v in env.items() if k not in PRODUCTION}
    bad = fupin(plain, "check", "--deploy", "--fail-level", "WARNING")
    assert bad.returncode != 0
    for warning in ("security.W009", "security.W012", "security.W016", "security.W004", "security.W008"):
        assert warning in bad.stderr, warning
    assert "unrecognized arguments" not in bad.stderr


def test_check_without_period_takes_all_of_djangos_options(env):
    assert fupin(env, "check", "--database", "default", "--tag", "models").returncode == 0
    listed = fupin(env, "check", "--list-tags", "--deploy")
    assert listed.returncode == 0 and "security" in listed.stdout.split()
    assert fupin(env, "check", "units").returncode == 0
    unknown = fupin(env, "check", "--tag", "no-such-tag")
    assert unknown.returncode != 0 and "unrecognized arguments" not in unknown.stderr
    run(env, "init")
    data = fupin(env, "check", "--period", "2020-10")
    assert data.returncode == 0 and "共 0 条" in data.stdout
    mixed = fupin(env, "check", "--period", "2020-10", "--deploy")
    assert mixed.returncode == 1 and "不能与系统检查的选项" in mixed.stderr

