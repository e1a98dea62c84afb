import datetime as dt

from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    name = "putright.performance"
    label = "performance"
    verbose_name = "Speed at scale"

    def ready(self):
        from putright.operations import jobs
        from putright.performance import statistics

        # Cheap (a sample of each index) and only does work when a table grew or shrank a lot.
        jobs.register("database_statistics", statistics.refresh_if_stale, every=dt.timedelta(hours=1))
