from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "fupin.quality"
    label = "quality"
    verbose_name = "数据质量"

    def ready(self):
        from fupin.quality import receivers  # noqa: F401  (connects to reporting's signals)
        from fupin.quality.lists import lists_current
        from fupin.quality.validation import LineJudge
        from fupin.reporting.validation import judge_register

        def judge() -> LineJudge:  # every line entering the ledger is judged by quality too
            lists = lists_current()
            return LineJudge(lists.screen, lists.classifier)

        judge_register("quality", judge)
