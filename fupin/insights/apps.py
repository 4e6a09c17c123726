from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "fupin.insights"
    label = "insights"
    verbose_name = "汇总分析"
