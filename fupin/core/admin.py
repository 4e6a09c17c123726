"""What the admin site may do to audited data. The ledger changes only through its services (checks, reasons,
audit rows), so the admin shows it and never writes it; and no audited row is hard-deleted there by anyone.

django-simple-history's "revert to this version" page saves the old version on any valid POST, whatever the
change permission says (it only hides the button): `HistoryAdmin` answers such a POST with 403 everywhere.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

REVERT_REFUSED = "管理后台不能恢复历史版本：请在系统页面上修改（修改会留下审计记录）"


class HistoryAdmin(SimpleHistoryAdmin):
    """The audit trail is readable in the admin; reverting through it is not (it would skip the services)."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied(REVERT_REFUSED)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        return True

    # Audited data is deactivated, excluded or replaced, never deleted; a subclass whose deletion leaves the
    # audit row behind and orphans nothing may say otherwise.
    deletable = False

    def has_delete_permission(self, request, obj=None):
        return self.deletable and super().has_delete_permission(request, obj)


class ReadOnlyMixin:
    """Shown, never written: the ledger and its logs, whose every change is a service with its rules."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyHistoryAdmin(ReadOnlyMixin, HistoryAdmin):
    pass


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    pass
