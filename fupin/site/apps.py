from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "fupin.site"
    label = "site"
    verbose_name = "站点"

    def ready(self):
        from fupin.core.history_manager import history_manager_classes_kept
        from fupin.site import middleware  # noqa: F401  (connects the must-change-password check to logins)

        history_manager_classes_kept()
