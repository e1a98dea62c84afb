"""Reading PutRight's settings from environment variables (putright/settings.py): a flag, a
number, a secret given directly or in a file. Plain Python, read before Django is set up."""

import os
from pathlib import Path


def env_bool(name: str, default: bool = False) -> bool:
    """True for 1, true, yes or on (any case); the default when unset or empty."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_secret(name: str, default: str = "") -> str:
    """A secret from NAME, or from the file named by NAME_FILE (Docker and systemd credentials)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text().strip()
    return os.environ.get(name, default)
