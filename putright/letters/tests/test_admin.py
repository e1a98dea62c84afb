"""The landlord edits letter wording and the jargon list in the admin; letters are read only."""

import pytest
from django.urls import reverse

from putright.letters.models import JargonTerm, LetterKind, LetterTemplate

pytestmark = pytest.mark.django_db


def test_it_lets_a_manager_edit_the_wording_and_the_jargon_list(client, manager):
    client.force_login(manager)
    assert "Letter templates" in client.get(reverse("admin:index")).content.decode()
    template = LetterTemplate.for_kind(LetterKind.EXTENSION)
    url = reverse("admin:letters_lettertemplate_change", args=[template.pk])
    response = client.post(url, {"subject": "More time: {{ reference }}", "body": "<p>Hi</p>{{ required }}", "signatory": "Maya Reid"})
    assert response.status_code == 302, response.content.decode()[:2000]
    template.refresh_from_db()
    assert (template.subject, template.signatory) == ("More time: {{ reference }}", "Maya Reid")
    response = client.post(reverse("admin:letters_jargonterm_add"), {"term": "heretofore", "plainer": "until now", "active": "on"})
    assert response.status_code == 302 and JargonTerm.objects.filter(term="heretofore").exists()


def test_it_keeps_letters_read_only_and_handlers_out(client, manager, handler):
    client.force_login(manager)
    assert client.get(reverse("admin:letters_letter_add")).status_code == 403
    client.force_login(handler)
    assert client.get(reverse("admin:letters_lettertemplate_changelist")).status_code == 302
