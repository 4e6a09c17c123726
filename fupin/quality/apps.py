from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "fupin.quality"
    label = "quality"
    verbose_name = "数据质量"

    def ready(self):
        from fupin.quality import receivers  # noqa: F401  (connects to reporting's signals)
