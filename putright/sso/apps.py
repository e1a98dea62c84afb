from django.apps import AppConfig


class SsoConfig(AppConfig):
    name = "putright.sso"
    label = "sso"
    verbose_name = "Single sign-on"
