"""The ledger in the admin: readable, never written. Reports change through the report pages and the services
(checks, reasons, audit rows); rounds, the calendar and reminders through their office pages. Attached files are
not shown here: they are read on the report page, where units.access decides who may open them."""

from django.contrib import admin

from fupin.core.admin import ReadOnlyAdmin, ReadOnlyHistoryAdmin
from fupin.reporting.models import (
    CalendarYear,
    PurchaseLine,
    Reminder,
    Round,
    Submission,
    SubmissionVersion,
)


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyHistoryAdmin):
    list_display = ["unit", "first_month", "last_month", "status", "submitted_at"]
    list_filter = ["status", "first_month"]
    search_fields = ["unit__short_name"]


@admin.register(PurchaseLine)
class PurchaseLineAdmin(ReadOnlyHistoryAdmin):
    list_display = ["submission", "position", "product", "source_text", "channel_code", "method", "amount_fen",
                    "excluded"]
    list_filter = ["channel_code", "method", "excluded"]
    search_fields = ["product", "source_text", "submission__unit__short_name"]
    list_select_related = ["submission__unit"]


@admin.register(SubmissionVersion)
class SubmissionVersionAdmin(ReadOnlyAdmin):
    list_display = ["submission", "number", "submitted_at", "total_fen", "line_count", "days_late"]
    search_fields = ["submission__unit__short_name"]


@admin.register(Round)
class RoundAdmin(ReadOnlyHistoryAdmin):
    list_display = ["first_month", "last_month", "rule", "workdays_after", "day_of_month", "fixed_date", "note"]


@admin.register(CalendarYear)
class CalendarYearAdmin(ReadOnlyHistoryAdmin):
    list_display = ["year", "entered_at", "entered_by"]


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["at", "unit", "first_month", "last_month", "channel", "to_whom", "by", "outcome", "automatic"]
    list_filter = ["channel", "automatic", "failed"]
    search_fields = ["unit__short_name", "to_whom", "outcome"]
