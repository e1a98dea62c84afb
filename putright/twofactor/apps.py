from django.apps import AppConfig


class TwoFactorConfig(AppConfig):
    name = "putright.twofactor"
    verbose_name = "Second factor"

    def ready(self):
        from putright.twofactor import kept

        kept.connect()
