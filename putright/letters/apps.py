from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "putright.letters"
    verbose_name = "Letters"
