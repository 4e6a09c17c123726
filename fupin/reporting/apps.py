from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "fupin.reporting"
    label = "reporting"
    verbose_name = "填报"

    def ready(self):
        from fupin.reporting import unit_merge  # noqa: F401  (a merged unit's reports follow it)
