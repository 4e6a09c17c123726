from django.apps import AppConfig


class ProvinceConfig(AppConfig):
    name = "fupin.province"
    label = "province"
    verbose_name = "省级汇总"
