"""`putright openapi`: the API's OpenAPI 3 document, as served at /api/v1/schema."""

import json

from django.core.management.base import BaseCommand
from django.urls import reverse

from putright.api.app import api


class Command(BaseCommand):
    help = "Print the API's OpenAPI document (JSON), the same as GET /api/v1/schema."

    def handle(self, *args, **options):
        prefix = reverse("api:api-root")
        self.stdout.write(json.dumps(api.get_openapi_schema(path_prefix=prefix), indent=2, ensure_ascii=False))
