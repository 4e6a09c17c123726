"""Settings from environment variables; with none set, an SQLite file under var/ just works."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE

from fupin.core.errors import UserError

PACKAGE_DIR = Path(__file__).resolve().parent
HOME_DIR = Path(os.environ.get("FUPIN_HOME", Path.cwd()))
VAR_DIR = HOME_DIR / "var"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off", ""):
        return False
    raise UserError(f"环境变量 {name} 的值“{value}”无法识别，应为 true 或 false")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise UserError(f"环境变量 {name} 的值“{value}”不是整数") from None


DEBUG = env_bool("DEBUG", False)
# The public development key: fine for tests and a laptop, refused by every server start outside DEBUG.
DEV_SECRET_KEY = "fupin-dev-only-secret-change-me-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY") or DEV_SECRET_KEY
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "fupin.units",
    "fupin.reporting",
    "fupin.quality",
    "fupin.ingest",
    "fupin.insights",
    "fupin.publishing",
    "fupin.policy",
    "fupin.site",
    "fupin.api",
    "fupin.province",
    "ninja",  # the API's interactive page (Swagger UI), served from the package: no CDN
    # After fupin's apps: its history-purging commands are then shadowed by fupin.reporting's refusals
    # (Django takes a command from the first app in this list that has it).
    "simple_history",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "fupin.core.headers.NoStoreMiddleware",  # after WhiteNoise: static files stay cacheable
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "fupin.site.middleware.PasswordChangeRequiredMiddleware",  # an initial password is changed before anything else
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "fupin.site.errors.TransientFailureMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the login page saying until when
]

ROOT_URLCONF = "fupin.urls"
WSGI_APPLICATION = "fupin.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "fupin.site.context.site",
            ],
            "builtins": ["fupin.site.templatetags.fupin_format"],
        },
    }
]


def _database() -> dict:
    url = os.environ.get("DATABASE_URL")
    if url:
        try:
            config = dj_database_url.parse(url)
        except Exception as exc:
            raise UserError(f"环境变量 DATABASE_URL 无法解析：{exc}") from None
    else:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        config = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(VAR_DIR / "fupin.sqlite3")}
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["ENGINE"] = "fupin.core.sqlite"  # Django's, with its writers queued in the kernel (see there)
        # Deferred transactions fail with "database is locked" when many units submit at once.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": env_int("FUPIN_SQLITE_TIMEOUT", 30),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
        config.setdefault("TEST", {})["NAME"] = os.environ.get("FUPIN_TEST_SQLITE") or None
    # A request thread keeps its connection for the next request rather than opening one each time (on PostgreSQL
    # a new server process a request: deadline day's submissions ran a third slower); checked before it is reused.
    config["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 60)
    config["CONN_HEALTH_CHECKS"] = True
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "fupin.site.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a locked account or address before any password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "fupin.units.backends.OfficeAdminBackend"]
# Login throttling (django-axes, see docs/账号与密码.md): this many failures of one account, or from one address,
# lock it for this many minutes. Attempts refused while locked are not counted, so the time the page names holds.
AXES_FAILURE_LIMIT = env_int("FUPIN_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("FUPIN_LOGIN_LOCKOUT_MINUTES", 15))
if AXES_FAILURE_LIMIT < 1 or AXES_COOLOFF_TIME < timedelta(minutes=1):
    raise UserError("环境变量 FUPIN_LOGIN_FAILURE_LIMIT 与 FUPIN_LOGIN_LOCKOUT_MINUTES 应为正整数")
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "fupin.site.views.lockout_response"
AXES_CLIENT_IP_CALLABLE = "fupin.site.accounts.client_ip"
AXES_ENABLE_ADMIN = False  # unlocking goes through the office's audited page, not the admin
# Reverse proxies in front of the site (nginx: 1). Each appends the address it saw to X-Forwarded-For; 0 trusts
# no header and takes the connection's address.
FUPIN_TRUSTED_PROXIES = env_int("FUPIN_TRUSTED_PROXIES", 0)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))

# Uploads are hostile until proven otherwise.
FUPIN_UPLOAD_MAX_BYTES = env_int("FUPIN_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = FUPIN_UPLOAD_MAX_BYTES
# What one person may upload in a day, imports (refused ones too) and attachments together; 0: no quota.
FUPIN_UPLOAD_QUOTA_BYTES_PER_DAY = env_int("FUPIN_UPLOAD_QUOTA_BYTES_PER_DAY", 50 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Headers and cookies (docs/安全与导出.md). The pages run no inline script or style: everything comes from /static/.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", NONCE],  # the few <style> blocks in templates carry the request's nonce
        "img-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# FUPIN_HTTPS=true: the site is reached over HTTPS (directly or through a reverse proxy that sets
# X-Forwarded-Proto): cookies only over HTTPS, plain HTTP redirected, browsers told to insist on HTTPS (HSTS).
FUPIN_HTTPS = env_bool("FUPIN_HTTPS", False)
if FUPIN_HTTPS:
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("FUPIN_HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("FUPIN_HSTS_INCLUDE_SUBDOMAINS", False)

EMAIL_URL = os.environ.get("EMAIL_URL", "")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "fupin@localhost")


def email_url_settings(url: str) -> dict:
    """EMAIL_URL → mail settings: smtp://[user:password@]host[:port] (smtps:// SSL, smtp+tls:// STARTTLS),
    console:// prints mails instead. Reminder mails use FUPIN_EMAIL_BACKEND, which test runners leave alone."""
    from urllib.parse import unquote, urlsplit

    if not url:
        return {"FUPIN_EMAIL_BACKEND": None}
    parts = urlsplit(url)
    if parts.scheme == "console":
        return {"FUPIN_EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme not in ("smtp", "smtps", "smtp+tls") or not parts.hostname:
        raise UserError(f"环境变量 EMAIL_URL 的值“{url}”无法识别，应为 smtp://主机:端口（或 smtps://、smtp+tls://）")
    try:
        port = parts.port or {"smtp": 25, "smtps": 465, "smtp+tls": 587}[parts.scheme]
    except ValueError:
        raise UserError(f"环境变量 EMAIL_URL 的端口无法识别：“{url}”") from None
    return {
        "FUPIN_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname, "EMAIL_PORT": port,
        "EMAIL_HOST_USER": unquote(parts.username or ""), "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_SSL": parts.scheme == "smtps", "EMAIL_USE_TLS": parts.scheme == "smtp+tls",
    }


globals().update(email_url_settings(EMAIL_URL))
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
# 催报: reminder mails go this many working days before a round's deadline, and daily after it for this many.
FUPIN_REMIND_DAYS_BEFORE = env_int("FUPIN_REMIND_DAYS_BEFORE", 2)
FUPIN_REMIND_DAYS_AFTER = env_int("FUPIN_REMIND_DAYS_AFTER", 10)
FUPIN_SITE_URL = os.environ.get("FUPIN_SITE_URL", "http://127.0.0.1:8000")

# HSTS preload is for public sites on the browsers' built-in list; an office's intranet name can never be on it.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the monitor on the same machine asks over plain HTTP
CSRF_FAILURE_VIEW = "fupin.site.errors.csrf_failure"  # Chinese, inside the layout, like the other error pages

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"client_errors_one_line": {"()": "fupin.core.failures.ClientErrorsOnOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["client_errors_one_line"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
