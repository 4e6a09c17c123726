from django.urls import path

from fupin.publishing import views

app_name = "publishing"
urlpatterns = [
    path("attachment/", views.attachment, name="attachment"),
    path("attachment/download.<str:fmt>", views.attachment_download, name="attachment_download"),
]
