from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from fupin.units.models import Membership, Unit, UnitAlias


class UnitAliasInline(admin.TabularInline):
    model = UnitAlias
    extra = 1


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    list_display = ["short_name", "name", "kind", "parent", "order", "member_count", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["short_name", "name", "aliases__text"]
    list_editable = ["order", "active"]
    inlines = [UnitAliasInline, MembershipInline]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "unit", "role", "phone"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__first_name", "unit__short_name"]
