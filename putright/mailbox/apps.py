from django.apps import AppConfig


class MailboxConfig(AppConfig):
    name = "putright.mailbox"
    label = "mailbox"
    verbose_name = "Complaints mailbox"
    default_auto_field = "django.db.models.BigAutoField"
