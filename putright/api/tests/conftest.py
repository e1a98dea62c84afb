"""API test helpers: a key for each role and a client that sends it."""

import pytest
from django.test import Client

from putright.accounts.models import Role
from putright.api import keys


class ApiClient:
    def __init__(self, raw: str):
        self.raw = raw
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    def get(self, path, params=None):
        return self.client.get(f"/api/v1{path}", params or {})

    def post(self, path, body):
        return self.client.post(f"/api/v1{path}", body, content_type="application/json")


@pytest.fixture
def make_key(db):
    def make(role: str, name: str | None = None) -> ApiClient:
        key, raw = keys.create_key(name=name or f"{role}-system", role=role)
        client = ApiClient(raw)
        client.key = key
        return client

    return make


@pytest.fixture
def api_handler(make_key):
    return make_key(Role.HANDLER)


@pytest.fixture
def api_manager(make_key):
    return make_key(Role.MANAGER)


@pytest.fixture
def api_oversight(make_key):
    return make_key(Role.OVERSIGHT)
