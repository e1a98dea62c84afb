from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "putright.reports"
    label = "reports"
    verbose_name = "Reports"
