from django.apps import AppConfig


class SelfAssessmentConfig(AppConfig):
    name = "putright.selfassessment"
    label = "selfassessment"
    verbose_name = "Code self-assessment"
