from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "putright.learning"
    label = "learning"
    verbose_name = "Learning from complaints"
