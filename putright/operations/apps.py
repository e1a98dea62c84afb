from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "putright.operations"
    label = "operations"
    verbose_name = "Running PutRight"

    def ready(self):
        from putright.operations import checks, kept_connections, schedule  # noqa: F401  (registers the check and the built-in jobs)

        kept_connections.connect()  # a kept PostgreSQL connection checked without SELECT 1 (issue 19)
