from django.urls import path

from fupin.province import views

app_name = "province"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:city_id>/<str:period>/", views.city, name="city"),
]
