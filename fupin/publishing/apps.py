from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "fupin.publishing"
    label = "publishing"
    verbose_name = "发布"
