from django.urls import path

from fupin.insights import views

app_name = "insights"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("pivot/", views.pivot, name="pivot"),
]
