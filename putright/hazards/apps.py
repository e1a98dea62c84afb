from django.apps import AppConfig


class HazardsConfig(AppConfig):
    name = "putright.hazards"
    verbose_name = "Hazards (Awaab's Law)"
