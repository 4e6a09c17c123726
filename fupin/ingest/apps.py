from django.apps import AppConfig


class IngestConfig(AppConfig):
    name = "fupin.ingest"
    label = "ingest"
    verbose_name = "导入"

    def ready(self):
        from fupin.ingest import quota  # noqa: F401  (registers import uploads with the daily upload quota)
