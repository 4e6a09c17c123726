from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from fupin.reporting.models import CalendarYear, PurchaseLine, Reminder, Round, Submission, SubmissionVersion


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


@admin.register(SubmissionVersion)
class SubmissionVersionAdmin(admin.ModelAdmin):
    list_display = ["submission", "number", "submitted_at", "total_fen", "line_count", "days_late"]
    search_fields = ["submission__unit__short_name"]

    def has_change_permission(self, request, obj=None):
        return False  # a version is what went up; it never changes

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Round)
class RoundAdmin(SimpleHistoryAdmin):
    list_display = ["first_month", "last_month", "rule", "workdays_after", "fixed_date", "note"]


@admin.register(CalendarYear)
class CalendarYearAdmin(SimpleHistoryAdmin):
    list_display = ["year", "entered_at", "entered_by"]


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["at", "unit", "first_month", "last_month", "channel", "to_whom", "by", "outcome", "automatic"]
    list_filter = ["channel", "automatic", "failed"]
    search_fields = ["unit__short_name", "to_whom", "outcome"]
