from django.apps import AppConfig


class OmbudsmanConfig(AppConfig):
    name = "putright.ombudsman"
    label = "ombudsman"
    verbose_name = "Ombudsman cases and exceptional circumstances"
