from django.contrib import admin

from fupin.core.admin import HistoryAdmin
from fupin.policy.amounts import bp_percent_text, yuan_text
from fupin.policy.forms import RuleForm
from fupin.policy.models import Document, MemberCount, Rule, WelfareSpending


class RuleInline(admin.TabularInline):
    model = Rule
    fields = ["name", "kind", "effective_from", "effective_until", "active"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Document)
class DocumentAdmin(HistoryAdmin):
    list_display = ["number", "title", "issuer", "issued_on"]
    search_fields = ["number", "title"]
    inlines = [RuleInline]


@admin.register(Rule)
class RuleAdmin(HistoryAdmin):
    """Rules are changed by adding a version with a later 生效日期, or switched off; never deleted."""

    form = RuleForm
    list_display = ["name", "kind", "figure", "jurisdiction", "document", "effective_from", "effective_until",
                    "active"]
    list_filter = ["kind", "active", "jurisdiction"]
    fieldsets = [
        (None, {"fields": ["kind", "name", "document", "jurisdiction", "code"]}),
        ("数值", {"fields": ["purpose_choices", "min_share_percent", "amount_yuan", "exclude_channels"]}),
        ("适用时间", {"fields": ["effective_from", "effective_until", "active", "note"]}),
    ]

    @admin.display(description="数值")
    def figure(self, rule: Rule) -> str:
        if rule.min_share_bp is not None:
            return f"{bp_percent_text(rule.min_share_bp)}%（{rule.purposes}）"
        return f"每人{yuan_text(rule.amount_fen)}元" if rule.amount_fen is not None else ""


@admin.register(WelfareSpending)
class WelfareSpendingAdmin(HistoryAdmin):
    list_display = ["unit", "first_month", "last_month", "sisong_fen", "holiday_fen", "hardship_fen", "other_fen",
                    "entered_by", "entered_at"]
    list_filter = ["first_month"]
    search_fields = ["unit__short_name"]


@admin.register(MemberCount)
class MemberCountAdmin(HistoryAdmin):
    list_display = ["unit", "year", "count", "entered_by"]
    list_filter = ["year"]
    search_fields = ["unit__short_name"]
