from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "putright.governance"
    label = "governance"
    verbose_name = "Named roles and the governing body"
