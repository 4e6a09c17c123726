from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "fupin.insights"
    label = "insights"
    verbose_name = "汇总分析"

    def ready(self):
        from fupin.insights import signals  # noqa: F401  (connects the rollup's receivers)
