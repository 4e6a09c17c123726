from django.contrib.auth import views as auth_views
from django.urls import path

from fupin.site import views

app_name = "accounts"
urlpatterns = [
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(template_name="site/password_change_done.html"), name="password_change_done"),
    path("lockouts/", views.lockouts, name="lockouts"),
    path("lockouts/unlock/", views.unlock, name="unlock"),
    path("people/", views.people, name="people"),
    path("people/<int:user_id>/reset-password/", views.password_reset, name="password_reset"),
]
