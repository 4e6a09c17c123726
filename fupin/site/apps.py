from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "fupin.site"
    label = "site"
    verbose_name = "站点"

    def ready(self):
        from fupin.site import middleware  # noqa: F401  (connects the must-change-password check to logins)
