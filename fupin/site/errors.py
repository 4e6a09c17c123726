"""Error pages a person can read: 403, 404, 500 and 503 in Chinese inside the site's layout, and a busy database
or a full disk answered as 503 with Retry-After instead of a bare 500.

The transaction of the failed request has already rolled back when these run (every write is a service under
`atomic`), so "nothing was saved" is true when the page says it."""

import logging
import re

from django.http import HttpResponse
from django.template import loader
from django.utils.html import escape

from fupin.core.failures import RETRY_AFTER_SECONDS, transient_failure

logger = logging.getLogger("fupin.errors")
CSRF_EXPIRED = "表单的安全校验没有通过（页面打开太久已过期，或浏览器禁用了 Cookie）：请刷新页面后重新填写提交。"
CHINESE = re.compile(r"[\u4e00-\u9fff]")
FALLBACK = ('<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>{title} · 消费帮扶统计系统</title>'
            '<h1>{title}</h1><p>{reason}</p><p><a href="/">返回首页</a></p></html>')


def safe_reason(exception) -> str:
    """The message our own code raised (PermissionDenied("只有市总管理员…"), Http404("报表不存在")) is written
    for the reader; Django's own (English, with URL patterns) is not shown."""
    if exception is None or not exception.args or not isinstance(exception.args[0], str):
        return ""
    text = exception.args[0]
    return text if CHINESE.search(text) and len(text) < 300 else ""


def _render(request, template: str, status: int, context: dict) -> HttpResponse:
    try:
        body = loader.render_to_string(template, context, request)
    except Exception:  # the menu needs the database, which may be what failed: the page without it
        logger.warning("错误页 %s 无法带菜单显示，改为简单页面", template, exc_info=True)
        body = FALLBACK.format(title=escape(context["title"]), reason=escape(context.get("reason") or ""))
    return HttpResponse(body, status=status, content_type="text/html; charset=utf-8")


def permission_denied(request, exception=None):
    return _render(request, "403.html", 403, {"title": "没有权限", "reason": safe_reason(exception)})


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: most often a form left open past its session, or cookies switched off."""
    return _render(request, "403.html", 403, {"title": "页面已过期", "reason": CSRF_EXPIRED})


def page_not_found(request, exception=None):
    return _render(request, "404.html", 404, {"title": "页面不存在", "reason": safe_reason(exception)})


def unavailable(request, message: str) -> HttpResponse:
    response = _render(request, "503.html", 503, {"title": "暂时无法完成", "reason": message})
    response["Retry-After"] = str(RETRY_AFTER_SECONDS[message])
    return response


def server_error(request):
    """handler500. Also reached when a middleware (the session, the login) hits the busy database."""
    import sys

    exc = sys.exc_info()[1]
    message = transient_failure(exc) if exc else None
    if message:
        logger.warning("%s %s：%s（%s）", request.method, request.path, message, exc)
        return unavailable(request, message)
    return _render(request, "500.html", 500, {"title": "服务器内部错误"})


class TransientFailureMiddleware:
    """A view that hits the busy database or the full disk answers 503 with the reason and Retry-After."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        message = transient_failure(exception)
        if message is None:
            return None
        logger.warning("%s %s：%s（%s）", request.method, request.path, message, exception)
        return unavailable(request, message)
