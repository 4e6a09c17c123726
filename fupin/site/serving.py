"""What must hold before the site answers anyone: a secret key of this installation's own."""

import sys

from django.conf import settings

from fupin.core.errors import UserError

NO_SECRET_KEY = ("未设置环境变量 SECRET_KEY（或仍是公开的开发用密钥），非调试模式下拒绝启动：登录会话和表单令牌靠它签名，"
                 "用公开的密钥等于把登录交给任何人。请设置一个本机专用的随机值（至少50个字符），例如："
                 "SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')；"
                 "只在本机试用时可改设 DEBUG=true。")


def secret_key_problem() -> str | None:
    if settings.DEBUG:
        return None
    if not settings.SECRET_KEY or settings.SECRET_KEY == settings.DEV_SECRET_KEY:
        return NO_SECRET_KEY
    return None


def ensure_safe_to_serve() -> None:
    problem = secret_key_problem()
    if problem:
        raise UserError(problem)


def refuse_unsafe_start() -> None:
    """For the WSGI module, loaded by servers (gunicorn, runserver's thread) that would print a UserError as a
    traceback: the message alone, and the process ends."""
    problem = secret_key_problem()
    if problem:
        sys.stderr.write(f"错误：{problem}\n")
        raise SystemExit(1)
