"""The versioned REST API, /api/v1/ (django-ninja). Every endpoint asks units.access and calls the same services
and selectors as the web, so the rules, the validator, the audit rows and the Chinese messages are the same.
Errors are JSON: {"code": stable English code, "message": Chinese message, "details": [...]}."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as InputInvalid
from ninja.security import HttpBearer

from fupin.api import findings, unit_reports  # noqa: F401 - register the report endpoints on the units router
from fupin.api.aggregates import router as aggregates_router
from fupin.api.errors import QueryInvalid
from fupin.api.federation import router as federation_router
from fupin.api.reports import router as reports_router
from fupin.api.rounds import router as rounds_router
from fupin.api.timeliness import router as timeliness_router
from fupin.api.tokens import token_user
from fupin.api.units import router as units_router
from fupin.core.errors import UserError
from fupin.reporting.month_entry import MonthRefused

TOKEN_MISSING = "缺少或无效的访问令牌：请在请求头写 Authorization: Bearer 令牌"
INPUT_INVALID = "请求内容不符合接口格式"


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = token_user(token)
        if user is not None:
            request.user = user  # access.py and the services see the token's person
        return user


api = NinjaAPI(title="消费帮扶统计系统接口", version="1", description="平顶山市总工会消费帮扶统计系统 REST 接口（第1版）",
               auth=BearerToken(), urls_namespace="api-v1", docs=Swagger(), docs_url="/docs",
               openapi_url="/openapi.json")
api.add_router("/units", units_router)
api.add_router("/reports", reports_router)
api.add_router("/federation", federation_router)
api.add_router("", rounds_router)
api.add_router("", findings.router)
api.add_router("", aggregates_router)
api.add_router("", timeliness_router)


def _error(request, status: int, code: str, message: str, details: list | None = None, **more):
    return api.create_response(request, {"code": code, "message": message, "details": details or [], **more},
                               status=status)


@api.exception_handler(AuthenticationError)
def unauthorized(request, exc):
    return _error(request, 401, "unauthorized", TOKEN_MISSING)


@api.exception_handler(Http404)
def not_found(request, exc):
    return _error(request, 404, "not_found", str(exc) or "不存在")


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return _error(request, 403, "forbidden", str(exc) or "您没有进行此操作的权限")


@api.exception_handler(MonthRefused)
def lines_refused(request, exc: MonthRefused):
    lines = [{"line": row, "field": c.field, "rule": c.rule, "message": c.message}
             for row, refused in sorted(exc.refused.items()) for c in refused.checks]
    return _error(request, 422, "lines_refused", exc.message, exc.details, lines=lines)


@api.exception_handler(UserError)
def refused(request, exc: UserError):
    return _error(request, 409, "refused", exc.message, exc.details)


@api.exception_handler(InputInvalid)
def input_invalid(request, exc: InputInvalid):
    details = [f"{'.'.join(str(p) for p in e.get('loc', ()))}：{e.get('msg', '')}" for e in exc.errors]
    return _error(request, 422, "invalid_input", INPUT_INVALID, details)


@api.exception_handler(QueryInvalid)
def query_invalid(request, exc: QueryInvalid):
    return _error(request, 422, "invalid_input", INPUT_INVALID, exc.details)
