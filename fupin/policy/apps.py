from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "fupin.policy"
    label = "policy"
    verbose_name = "政策规则"
