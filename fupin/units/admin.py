"""Units and people in the admin. Nothing audited is hard-deleted: a unit that is no longer used is marked 不在用
(its reports and history stay), a person who leaves is deactivated (the audit trail keeps naming them)."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from fupin.core.admin import HistoryAdmin
from fupin.units.models import Membership, Unit, UnitAlias


class UnitAliasInline(admin.TabularInline):
    """Shown only: aliases are added and removed on the office's 单位管理 page, which audits who and why and
    refuses a way of writing that already means another unit."""

    model = UnitAlias
    extra = 0
    fields = readonly_fields = ["text"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Unit)
class UnitAdmin(HistoryAdmin):
    list_display = ["short_name", "name", "kind", "parent", "order", "member_count", "active",
                    "same_person_may_approve"]
    list_filter = ["kind", "active"]
    search_fields = ["short_name", "name", "aliases__text"]
    list_editable = ["order"]
    # Set on their own pages, with a reason for the audit trail (reporting: 同一人填报和审核; units: 单位管理 —
    # a rename keeps the old name as an alias, a move re-sums the rollup, a merge moves the reports).
    readonly_fields = ["same_person_may_approve", "parent", "short_name", "name", "active"]

    def has_add_permission(self, request):
        return False  # 单位管理 (/units/) adds units, checking that no other unit answers to the name
    inlines = [UnitAliasInline, MembershipInline]


@admin.register(Membership)
class MembershipAdmin(HistoryAdmin):
    """A role that ends is removed: its history keeps who held it and until when."""

    list_display = ["user", "unit", "role", "phone"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__first_name", "unit__short_name"]
    deletable = True


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """A person is deactivated, never deleted: the audit trail and the reports they entered name them."""

    def has_delete_permission(self, request, obj=None):
        return False
