from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from fupin.reporting.models import PurchaseLine, Submission


@admin.register(Submission)
class SubmissionAdmin(SimpleHistoryAdmin):
    list_display = ["unit", "first_month", "last_month", "status", "submitted_at"]
    list_filter = ["status", "first_month"]
    search_fields = ["unit__short_name"]


@admin.register(PurchaseLine)
class PurchaseLineAdmin(SimpleHistoryAdmin):
    list_display = ["submission", "position", "product", "source_text", "channel_code", "method", "amount_fen",
                    "excluded"]
    list_filter = ["channel_code", "method", "excluded"]
    search_fields = ["product", "source_text", "submission__unit__short_name"]
    readonly_fields = ["submission"]
