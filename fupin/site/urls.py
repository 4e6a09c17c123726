from django.contrib.auth import views as auth_views
from django.urls import path

from fupin.site import views

app_name = "accounts"
urlpatterns = [
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(template_name="site/password_change_done.html"), name="password_change_done"),
    path("lockouts/", views.lockouts, name="lockouts"),
    path("lockouts/unlock/", views.unlock, name="unlock"),
    path("people/", views.people_list, name="people"),
    path("people/new/", views.person_new, name="person_new"),
    path("people/<int:user_id>/", views.person, name="person"),
    path("people/<int:user_id>/deactivate/", views.person_deactivate, name="person_deactivate"),
    path("people/<int:user_id>/reactivate/", views.person_reactivate, name="person_reactivate"),
    path("people/<int:user_id>/roles/", views.role_add, name="role_add"),
    path("people/<int:user_id>/roles/<int:membership_id>/remove/", views.role_remove, name="role_remove"),
    path("roster/", views.roster_import, name="roster"),
    path("roster/<str:token>/passwords.xlsx", views.roster_passwords, name="roster_passwords"),
    path("people/<int:user_id>/reset-password/", views.password_reset, name="password_reset"),
]
