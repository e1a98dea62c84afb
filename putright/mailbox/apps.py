import datetime as dt

from django.apps import AppConfig


def fetch_mail() -> dict:
    """The worker's job: read the complaints mailbox, when one is set up (docs/mailbox.md)."""
    from django.conf import settings

    from putright.mailbox.fetch import run_once

    if not settings.PUTRIGHT_MAILBOX_HOST:
        return {"not_configured": 1}
    return run_once()


class MailboxConfig(AppConfig):
    name = "putright.mailbox"
    label = "mailbox"
    verbose_name = "Complaints mailbox"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from putright.operations import jobs

        jobs.register("mailbox_fetch", fetch_mail, every=dt.timedelta(minutes=1))
