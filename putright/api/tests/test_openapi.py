"""The OpenAPI document: served at /api/v1/schema, printed by `putright openapi`, docs offline."""

import json
import re
from io import StringIO

from django.core.management import call_command


def test_the_command_prints_the_served_document(client, db):
    served = client.get("/api/v1/schema").json()
    out = StringIO()
    call_command("openapi", stdout=out)
    assert json.loads(out.getvalue()) == served
    assert served["openapi"].startswith("3.")
    assert "/api/v1/cases/{reference}/acknowledge" in served["paths"]
    # A refused step is documented: 422 with the error shape naming the Code's provision.
    ack = served["paths"]["/api/v1/cases/{reference}/acknowledge"]["post"]
    assert ack["responses"]["422"]["content"]["application/json"]["schema"]["$ref"].endswith("/Errors")
    assert "provision" in served["components"]["schemas"]["ErrorItem"]["properties"]
    # Every endpoint needs a key.
    assert all(op.get("security") for path in served["paths"].values() for op in path.values())


def test_the_docs_load_only_our_own_static_files(client, db):
    page = client.get("/api/v1/docs").content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources and all(s.startswith("/static/ninja/") for s in sources), sources
