from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "fupin.quality"
    label = "quality"
    verbose_name = "数据质量"

    def ready(self):
        from fupin.quality import receivers  # noqa: F401  (connects to reporting's signals)
        from fupin.quality.validation import LineJudge
        from fupin.reporting.validation import judge_register

        judge_register("quality", LineJudge)  # every line entering the ledger is judged by quality too
