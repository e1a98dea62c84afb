import datetime as dt

from django.apps import AppConfig


class HazardsConfig(AppConfig):
    name = "putright.hazards"
    verbose_name = "Hazards (Awaab's Law)"

    def ready(self):
        # `putright worker` runs the reminders; every 15 minutes, as the emergency clock runs in hours.
        from putright.operations import jobs

        from .reminders import run_once

        jobs.register("hazard_reminders", run_once, every=dt.timedelta(minutes=15))
