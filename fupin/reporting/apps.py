from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "fupin.reporting"
    label = "reporting"
    verbose_name = "填报"
