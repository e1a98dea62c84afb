from django.apps import AppConfig


class ResidentsConfig(AppConfig):
    name = "putright.residents"
    label = "residents"
    verbose_name = "Residents"
