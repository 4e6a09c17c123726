from django.urls import path

from fupin.publishing import views

app_name = "publishing"
urlpatterns = [
    path("attachment/", views.attachment, name="attachment"),
    path("attachment/download.<str:fmt>", views.attachment_download, name="attachment_download"),
    path("pivot.xlsx", views.pivot_export, name="pivot_export"),
    path("charts/<str:name>.png", views.chart_png, name="chart"),
    path("circulars/", views.circulars, name="circulars"),
    path("circulars/<int:pk>/", views.circular, name="circular"),
    path("circulars/<int:pk>/finalize/", views.circular_finalize, name="circular_finalize"),
    path("circulars/<int:pk>/download.<str:fmt>", views.circular_download, name="circular_download"),
    path("circulars/<int:pk>/versions/<int:version>/download.<str:fmt>", views.circular_download,
         name="circular_version_download"),
]
