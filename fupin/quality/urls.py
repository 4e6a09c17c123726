from django.urls import path

from fupin.quality import views

app_name = "quality"
urlpatterns = [
    path("review/", views.review, name="review"),
    path("lines/<int:line_id>/channel/", views.line_channel, name="line_channel"),
    path("lines/<int:line_id>/exclude/", views.line_exclude, name="line_exclude"),
    path("lines/<int:line_id>/include/", views.line_include, name="line_include"),
    path("lines/<int:line_id>/explain/", views.line_explain, name="line_explain"),
    path("merge/", views.lines_merge, name="merge"),
    path("submissions/<int:submission_id>/", views.submission_findings, name="submission"),
    path("channels/", views.channels, name="channels"),
    path("screening/", views.screening, name="screening"),
    path("screening/<int:word_id>/active/", views.screening_active, name="screening_active"),
]
