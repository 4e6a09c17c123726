from django.urls import path

from fupin.insights import ledger_views, views

app_name = "insights"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("pivot/", views.pivot, name="pivot"),
    path("ledger/", ledger_views.ledger_search, name="ledger"),
    path("ledger/export.<str:fmt>", ledger_views.ledger_export, name="ledger_export"),
]
