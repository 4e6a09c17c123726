from django.urls import path

from fupin.reporting import history_views, month_views, views

app_name = "reporting"
unit_period = "<int:unit_id>/<str:period>/"
urlpatterns = [
    path("", views.index, name="index"),
    path("timeliness/", views.timeliness, name="timeliness"),
    path("rounds/", views.rounds, name="rounds"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/<int:year>/", views.calendar_year, name="calendar_year"),
    path("reminders/", views.reminders, name="reminders"),
    path("line/<int:line_id>/", history_views.line, name="line"),
    path("line/<int:line_id>/edit/", views.line_edit, name="line_edit"),
    path("line/<int:line_id>/remove/", views.line_remove, name="line_remove"),
    path("file/<int:file_id>/", views.file_download, name="file_download"),
    path("unit/<int:unit_id>/same-person/", views.same_person, name="same_person"),
    path(unit_period, views.submission, name="submission"),
    path(unit_period + "start/", views.start, name="start"),
    path(unit_period + "summary/", views.summary, name="summary"),
    path(unit_period + "lines/", views.line_add, name="line_add"),
    path(unit_period + "month/", month_views.month, name="month"),
    path(unit_period + "files/", views.file_upload, name="file_upload"),
    path(unit_period + "sign-off/", views.sign_off, name="sign_off"),
    path(unit_period + "submit/", views.submit, name="submit"),
    path(unit_period + "return/", views.return_, name="return"),
    path(unit_period + "approve/", views.approve, name="approve"),
    path(unit_period + "unlock/", views.unlock, name="unlock"),
    path(unit_period + "versions/<int:number>/", views.version, name="version"),
    path(unit_period + "history/", history_views.submission_history, name="submission_history"),
]
