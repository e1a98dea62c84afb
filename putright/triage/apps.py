from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "putright.triage"
    label = "triage"
    verbose_name = "Triage"
