from django.urls import path

from fupin.ingest import views

app_name = "ingest"
urlpatterns = [
    path("", views.index, name="index"),
    path("template.xlsx", views.template_download, name="template"),
    path("upload/", views.upload, name="upload"),
    path("<int:job_id>/", views.job, name="job"),
    path("<int:job_id>/confirm/", views.confirm, name="confirm"),
    path("<int:job_id>/cancel/", views.cancel, name="cancel"),
]
