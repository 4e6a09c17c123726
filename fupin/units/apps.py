from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "fupin.units"
    label = "units"
    verbose_name = "单位"
