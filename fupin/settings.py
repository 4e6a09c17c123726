"""Settings from environment variables; with none set, an SQLite file under var/ just works."""

import os
from pathlib import Path

import dj_database_url

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
SECRET_KEY = os.environ.get("SECRET_KEY", "fupin-dev-only-secret-change-me-in-production")
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "simple_history",
    "fupin.units",
    "fupin.reporting",
    "fupin.quality",
    "fupin.ingest",
    "fupin.insights",
    "fupin.publishing",
    "fupin.policy",
    "fupin.site",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
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
            config = dj_database_url.parse(url, conn_max_age=env_int("CONN_MAX_AGE", 0))
        except Exception as exc:
            raise UserError(f"环境变量 DATABASE_URL 无法解析：{exc}") from None
    else:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        config = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(VAR_DIR / "fupin.sqlite3")}
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # Deferred transactions fail with "database is locked" when many units submit at once.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
        config.setdefault("TEST", {})["NAME"] = os.environ.get("FUPIN_TEST_SQLITE") or None
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
]
AUTHENTICATION_BACKENDS = ["fupin.units.backends.OfficeAdminBackend"]
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
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
