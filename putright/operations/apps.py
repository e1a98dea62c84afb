from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "putright.operations"
    label = "operations"
    verbose_name = "Running PutRight"

    def ready(self):
        from putright.operations import checks, schedule  # noqa: F401  (registers the check and the built-in jobs)
