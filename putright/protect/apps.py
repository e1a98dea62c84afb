import os

from django.apps import AppConfig
from django.db.backends.signals import connection_created

#: The SQLite database and its journal files: readable by PutRight's own user and group only.
DATABASE_FILE_MODE = 0o640


def _restrict_sqlite_files(sender, connection, **kwargs):
    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    for path in (name, f"{name}-wal", f"{name}-shm"):
        try:
            if os.path.exists(path) and (os.stat(path).st_mode & 0o777) != DATABASE_FILE_MODE:
                os.chmod(path, DATABASE_FILE_MODE)
        except OSError:  # not ours to change (another user's file): leave it
            pass


class ProtectConfig(AppConfig):
    name = "putright.protect"
    verbose_name = "Throttling and upload checks"

    def ready(self):
        connection_created.connect(_restrict_sqlite_files, dispatch_uid="putright-protect-sqlite-mode")
