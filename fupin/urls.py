"""Each app mounts its own urls; the root only lists them."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from fupin.api import views as api_views
from fupin.api.api import api
from fupin.insights import views as insights_views
from fupin.site import health
from fupin.site import views as site_views

admin.site.site_header = "消费帮扶统计系统 · 系统管理"
admin.site.site_title = "消费帮扶统计系统"
admin.site.index_title = "单位与分类维护"

urlpatterns = [
    path("", insights_views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("login/", site_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("fupin.site.urls")),
    path("publishing/", include("fupin.publishing.urls")),
    path("insights/", include("fupin.insights.urls")),
    path("reporting/", include("fupin.reporting.urls")),
    path("policy/", include("fupin.policy.urls")),
    path("import/", include("fupin.ingest.urls")),
    path("quality/", include("fupin.quality.urls")),
    path("units/", include("fupin.units.urls")),
    path("province/", include("fupin.province.urls")),
    path("api/v1/", api.urls),
    path("api/tokens/", api_views.tokens, name="api_tokens"),
    path("api/tokens/<int:token_id>/revoke/", api_views.token_revoke, name="api_token_revoke"),
    path("admin/", admin.site.urls),
]

handler403 = "fupin.site.errors.permission_denied"
handler404 = "fupin.site.errors.page_not_found"
handler500 = "fupin.site.errors.server_error"
