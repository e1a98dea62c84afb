from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "putright.audit"
    verbose_name = "Access log"
