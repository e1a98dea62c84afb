"""`putright backup DIR` and `putright restore DIR`.

A backup folder holds:
  database.sqlite3 or database.pgdump   a consistent copy: SQLite's online backup API, or pg_dump's
                                        custom format (one snapshot, taken while PutRight runs)
  media/                                the uploaded files: attachments, letters' PDFs, logos
  manifest.json                         what is there, with each file's size and SHA-256, and the
                                        migrations the database had

Restore checks every checksum before it touches anything, refuses a backup made by a newer
PutRight (migrations this code does not know) and, unless --force, an install that already holds
data; then it brings the database back, puts the files back and runs the migrations (a backup
from an older PutRight comes up to date).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connection, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = 1


class BackupError(Exception):
    """Something an operator must fix; the message says what."""


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _entry(path: Path, root: Path) -> dict:
    return {"path": path.relative_to(root).as_posix(), "bytes": path.stat().st_size, "sha256": sha256(path)}


def find_postgres_tool(name: str) -> str:
    """pg_dump or pg_restore: on PATH, else the newest under /usr/lib/postgresql/*/bin (Debian)."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: [int(n) for n in re.findall(r"\d+", p.parent.parent.name)] or [0],
    )
    if not candidates:
        raise BackupError(f"PostgreSQL's {name} is not installed: apt-get install postgresql-client")
    return str(candidates[-1])


def _pg_env() -> dict[str, str]:
    db = connection.settings_dict
    env = dict(os.environ)
    env.update(PGHOST=str(db["HOST"] or "localhost"), PGPORT=str(db["PORT"] or 5432), PGUSER=db["USER"], PGDATABASE=db["NAME"])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def _run(args: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed: {result.stderr.strip()[:2000]}")


def _applied_migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def backup(directory: Path) -> dict:
    """Write a backup of the database and the uploaded files into `directory` (new or empty)."""
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise BackupError(f"{directory} is not empty: give a new folder for each backup.")
    directory.mkdir(parents=True, exist_ok=True)
    created_at = timezone.now()
    # 1. The database, first: files are only ever added, so every file it names is copied after.
    if connection.vendor == "sqlite":
        db_file = directory / "database.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(db_file)
        try:
            connection.connection.backup(target)  # a consistent copy while others write
        finally:
            target.close()
    elif connection.vendor == "postgresql":
        db_file = directory / "database.pgdump"
        _run([find_postgres_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={db_file}"], _pg_env())
    else:
        raise BackupError(f"Backups of {connection.vendor} databases are not supported.")
    # 2. The uploaded files.
    media_root = Path(settings.MEDIA_ROOT)
    media = []
    if media_root.exists():
        for source in sorted(p for p in media_root.rglob("*") if p.is_file()):
            target = directory / "media" / source.relative_to(media_root)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
            media.append(_entry(target, directory / "media"))
    # 3. The manifest, last: a folder without one is an unfinished backup.
    manifest = {
        "format": FORMAT,
        "created_at": created_at.isoformat(),
        "putright_version": _version(),
        "database": {"engine": connection.vendor, **_entry(db_file, directory)},
        "media": media,
        "migrations": _applied_migrations(),
    }
    (directory / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def _version() -> str:
    try:
        return version("putright")
    except PackageNotFoundError:
        return "unknown"


def verify(directory: Path) -> dict:
    """The backup's manifest, once every file in it is checked against its checksum."""
    directory = Path(directory)
    try:
        manifest = json.loads((directory / "manifest.json").read_text())
    except FileNotFoundError:
        raise BackupError(f"{directory} has no manifest.json: it is not a PutRight backup, or the backup did not finish.")
    if manifest.get("format") != FORMAT:
        raise BackupError(f"This backup's format ({manifest.get('format')}) is not one this PutRight reads.")
    files = [(directory, manifest["database"])] + [(directory / "media", m) for m in manifest["media"]]
    for root, entry in files:
        path = root / entry["path"]
        if not path.is_file():
            raise BackupError(f"{path} is missing from the backup.")
        if sha256(path) != entry["sha256"]:
            raise BackupError(f"{path} does not match its checksum: the backup is damaged.")
    return manifest


def _check_migrations_known(manifest: dict) -> None:
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = [f"{app}.{name}" for app, names in manifest["migrations"].items() for name in names if (app, name) not in known]
    if unknown:
        raise BackupError(
            f"This backup was made by a newer PutRight ({len(unknown)} migrations this one does not know, "
            f"e.g. {unknown[0]}): upgrade PutRight first."
        )


def holds_data() -> bool:
    from putright.accounts.models import User
    from putright.cases.models import Case
    from putright.residents.models import Resident

    try:
        return Case.objects.exists() or Resident.objects.exists() or User.objects.exists()
    except DatabaseError:  # no tables yet: an empty install
        return False


def restore(directory: Path, *, force: bool = False) -> dict:
    directory = Path(directory)
    manifest = verify(directory)
    engine = manifest["database"]["engine"]
    if engine != connection.vendor:
        raise BackupError(f"This is a {engine} backup; this PutRight uses {connection.vendor}.")
    _check_migrations_known(manifest)
    if not force and holds_data():
        raise BackupError("This PutRight already holds data: restore into an empty install, or add --force to replace it.")
    db_file = directory / manifest["database"]["path"]
    if engine == "sqlite":
        connections.close_all()
        source = sqlite3.connect(db_file)
        target = sqlite3.connect(connection.settings_dict["NAME"])
        try:
            source.backup(target)  # replaces every page of the live database, schema included
        finally:
            source.close()
            target.close()
    else:
        with connection.cursor() as cursor:
            tables = connection.introspection.table_names(cursor)
            if tables:
                cursor.execute("DROP TABLE " + ", ".join(connection.ops.quote_name(t) for t in tables) + " CASCADE")
        from putright.performance.schema import drop_trigger_functions

        drop_trigger_functions(connection)  # not tables: the dump makes them again
        connections.close_all()
        _run(
            [find_postgres_tool("pg_restore"), "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error",
             f"--dbname={connection.settings_dict['NAME']}", str(db_file)],
            _pg_env(),
        )
    media_root = Path(settings.MEDIA_ROOT)
    for entry in manifest["media"]:
        target = media_root / entry["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(directory / "media" / entry["path"], target)
        if sha256(target) != entry["sha256"]:
            raise BackupError(f"{target} was not written correctly: check the disk.")
    call_command("migrate", interactive=False, verbosity=0)  # a backup from an older PutRight
    return manifest


def describe(manifest: dict) -> str:
    size = manifest["database"]["bytes"] + sum(m["bytes"] for m in manifest["media"])
    made = dt.datetime.fromisoformat(manifest["created_at"])
    return (
        f"{manifest['database']['engine']} database and {len(manifest['media'])} uploaded file(s), "
        f"{size / 1e6:.1f} MB, made {timezone.localtime(made):%d %B %Y %H:%M}"
    )
