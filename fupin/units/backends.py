"""The city office's administrators hold every model permission; the answer comes from units.access."""

from django.contrib.auth.backends import ModelBackend

from fupin.units import access


class OfficeAdminBackend(ModelBackend):
    def has_perm(self, user_obj, perm, obj=None):
        if user_obj.is_active and access.is_office_admin(user_obj):
            return True
        return super().has_perm(user_obj, perm, obj)

    def has_module_perms(self, user_obj, app_label):
        if user_obj.is_active and access.is_office_admin(user_obj):
            return True
        return super().has_module_perms(user_obj, app_label)
