from django.urls import path

from fupin.policy import views

app_name = "policy"
urlpatterns = [
    path("compliance/", views.compliance, name="compliance"),
    path("compliance/download.json", views.compliance_download, name="compliance_download"),
    path("rules/", views.rules, name="rules"),
    path("spending/", views.spending, name="spending"),
]
