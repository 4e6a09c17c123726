from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "fupin.site"
    label = "site"
    verbose_name = "站点"
