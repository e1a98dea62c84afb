import datetime as dt

from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    name = "putright.performance"
    label = "performance"
    verbose_name = "Speed at scale"

    def ready(self):
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate, pre_migrate

        from putright.operations import jobs
        from putright.performance import schema
        from putright.performance import casecounts, deadlinecounts, handlerstates, names, receivedcounts, statistics, tallies
        from putright.performance import nojit, rebuilds, themecounts
        from putright.triage import stored

        # PostgreSQL: no just-in-time compilation of PutRight's short statements (decision 0028).
        connection_created.connect(nojit.turn_off, dispatch_uid="putright-performance-no-jit")
        # A table rebuilt by a migration on SQLite loses its plain-SQL indexes and triggers: put them back.
        pre_migrate.connect(schema.before_migrate, sender=self, dispatch_uid="putright-performance-triggers-off")
        post_migrate.connect(schema.after_migrate, sender=self, dispatch_uid="putright-performance-schema")
        # Cheap (a sample of each index) and only does work when a table grew or shrank a lot.
        jobs.register("database_statistics", statistics.refresh_if_stale, every=dt.timedelta(hours=1))
        # PostgreSQL: indexes left mostly empty pages (cases closed out of the open ones) rebuilt concurrently.
        jobs.register("index_rebuilds", rebuilds.rebuild_bloated, every=dt.timedelta(hours=1))
        # The months changes touched, counted again for the reports (the figures do it too, first).
        jobs.register("report_tallies", tallies.refresh, every=dt.timedelta(minutes=1))
        # The queue's kept counts of cases by state: each state's +1/-1 rows folded into one.
        jobs.register("case_counts", casecounts.compact, every=dt.timedelta(minutes=1))
        # The queue's kept counts of open cases by deadline day: each day's rows folded into one.
        jobs.register("deadline_counts", deadlinecounts.compact, every=dt.timedelta(minutes=1))
        # One handler's cases by state, and a theme's cases: each one's rows folded into one.
        jobs.register("handler_state_counts", handlerstates.compact, every=dt.timedelta(minutes=1))
        jobs.register("theme_counts", themecounts.compact, every=dt.timedelta(minutes=1))
        # Every case by the day received (a page typed by its number): each day's rows folded into one.
        jobs.register("received_counts", receivedcounts.compact, every=dt.timedelta(minutes=1))
        # SQLite: the names' trigram table loses the entries of names changed or removed (performance.names).
        jobs.register("name_trigrams", names.purge, every=dt.timedelta(hours=1))
        # Service requests imported closed, read by triage in batches (putright.triage.stored).
        jobs.register("triage_backfill", stored.backfill, every=dt.timedelta(minutes=5))
