from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "putright.cases"
    label = "cases"
    verbose_name = "Cases"
