from django.urls import path

from fupin.units import views

app_name = "units"
urlpatterns = [
    path("", views.index, name="index"),
    path("add/", views.add, name="add"),
    path("<int:unit_id>/", views.unit, name="unit"),
    path("<int:unit_id>/rename/", views.rename, name="rename"),
    path("<int:unit_id>/move/", views.move, name="move"),
    path("<int:unit_id>/merge/", views.merge, name="merge"),
    path("<int:unit_id>/retire/", views.retire, name="retire"),
    path("<int:unit_id>/reactivate/", views.reactivate, name="reactivate"),
    path("<int:unit_id>/aliases/", views.alias_add, name="alias_add"),
    path("<int:unit_id>/aliases/<int:alias_id>/remove/", views.alias_remove, name="alias_remove"),
]
