from django.apps import AppConfig


class HousingConfig(AppConfig):
    name = "putright.housing"
    label = "housing"
    verbose_name = "Homes from the housing system"
    default_auto_field = "django.db.models.BigAutoField"
