"""The settings' readers of environment variables (putright/environment.py): what an IT team
writes in a systemd unit or a container's environment is read as meant."""

from __future__ import annotations

import pytest

from putright.environment import env_bool, env_int, env_secret


@pytest.mark.parametrize("written, read", [("1", True), ("true", True), (" Yes ", True), ("ON", True),
                                           ("0", False), ("false", False), ("no", False), ("off", False)])
def test_a_flag_is_read_in_any_of_its_usual_spellings(written, read, monkeypatch):
    monkeypatch.setenv("PUTRIGHT_FLAG", written)
    assert env_bool("PUTRIGHT_FLAG", not read) is read


def test_unset_or_empty_is_the_default(monkeypatch):
    monkeypatch.delenv("PUTRIGHT_FLAG", raising=False)
    monkeypatch.delenv("PUTRIGHT_NUMBER", raising=False)
    assert env_bool("PUTRIGHT_FLAG", True) is True and env_int("PUTRIGHT_NUMBER", 7) == 7
    monkeypatch.setenv("PUTRIGHT_FLAG", "")
    monkeypatch.setenv("PUTRIGHT_NUMBER", "")
    assert env_bool("PUTRIGHT_FLAG", True) is True and env_int("PUTRIGHT_NUMBER", 7) == 7
    monkeypatch.setenv("PUTRIGHT_NUMBER", "30")
    assert env_int("PUTRIGHT_NUMBER", 7) == 30


def test_a_secret_comes_from_its_file_before_the_variable(tmp_path, monkeypatch):
    """Docker and systemd credentials: NAME_FILE names a file holding the secret."""
    secret = tmp_path / "secret"
    secret.write_text("from-the-file\n")
    monkeypatch.setenv("PUTRIGHT_SECRET", "from-the-variable")
    assert env_secret("PUTRIGHT_SECRET") == "from-the-variable"
    monkeypatch.setenv("PUTRIGHT_SECRET_FILE", str(secret))
    assert env_secret("PUTRIGHT_SECRET") == "from-the-file"
    monkeypatch.delenv("PUTRIGHT_SECRET")
    monkeypatch.delenv("PUTRIGHT_SECRET_FILE")
    assert env_secret("PUTRIGHT_SECRET", "default") == "default"
