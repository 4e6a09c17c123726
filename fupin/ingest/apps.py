from django.apps import AppConfig


class IngestConfig(AppConfig):
    name = "fupin.ingest"
    label = "ingest"
    verbose_name = "导入"
