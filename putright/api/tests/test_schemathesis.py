"""Schemathesis against the served API, with a key for each role: no server errors, and no
response that breaks the OpenAPI document. Bounded in time (PUTRIGHT_SCHEMATHESIS_SECONDS a role).
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from putright.accounts.models import Role
from putright.api import keys
from putright.cases.tests import factories as f
from putright.rules.lifecycle import State

SECONDS = int(os.environ.get("PUTRIGHT_SCHEMATHESIS_SECONDS", "15"))
CHECKS = "not_a_server_error,response_schema_conformance,content_type_conformance,status_code_conformance"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", Role.values)
def test_schemathesis_finds_nothing_broken(role, live_server, settings, tmp_path, handler):
    settings.PUTRIGHT_API_RATE_LIMIT = 10**9
    # A case for the steps to work on, so they reach the rules instead of answering 404.
    case = f.complaint_at(State.STAGE1_ACKNOWLEDGED, handler=handler)
    _, raw = keys.create_key(name=f"fuzz-{role}", role=role)
    config = tmp_path / "schemathesis.toml"
    config.write_text(f'[parameters]\n"path.reference" = "{case.reference}"\n"path.tenancy_reference" = "T-1"\n"path.uprn" = "100023336956"\n')
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "schemathesis"), "--config-file", str(config), "run",
            f"{live_server.url}/api/v1/schema", "-H", f"Authorization: Bearer {raw}",
            "--checks", CHECKS, "--max-time", str(SECONDS), "--workers", "1", "--seed", "18",
            "--request-timeout", "30",
        ],
        capture_output=True, text=True, timeout=SECONDS * 6 + 60,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "generated" in result.stdout  # it ran cases, not just loaded the schema
