import datetime as dt

from django.apps import AppConfig


def send_webhooks() -> dict:
    """The worker's job: queue new timeline events for each hook and send what is due."""
    from putright.webhooks.delivery import run_once

    return run_once()


class WebhooksConfig(AppConfig):
    name = "putright.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from putright.operations import jobs

        jobs.register("webhooks_send", send_webhooks, every=dt.timedelta(seconds=10))
