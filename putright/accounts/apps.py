from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "putright.accounts"
    label = "accounts"
    verbose_name = "Staff and roles"

    def ready(self):
        from putright.accounts import context  # noqa: F401  (the landlord settings' kept copy is cleared on save)
