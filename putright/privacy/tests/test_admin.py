"""Settings: a complaints manager edits the retention schedule and places holds there; handlers
cannot; the record of runs and anonymisations is read only."""

import pytest
from django.urls import reverse

from putright.cases import actions
from putright.cases.tests import factories as f
from putright.privacy.models import Hold, RetentionSchedule

pytestmark = pytest.mark.django_db


def test_a_manager_places_a_hold_with_a_reason_and_edits_the_schedule(client, manager, today):
    case = actions.withdraw(f.log_complaint(), withdrawn_on=today, today=today)
    client.force_login(manager)
    add = reverse("admin:privacy_hold_add")
    refused = client.post(add, {"case": case.pk, "reason": "legal", "explanation": "   "})
    assert refused.status_code == 200 and not Hold.objects.exists()
    assert "This field is required" in refused.content.decode() or "Say why the record must be kept" in refused.content.decode()
    assert client.post(add, {"case": case.pk, "reason": "legal", "explanation": "Claim K00AB123."}).status_code == 302
    hold = Hold.objects.get()
    assert (hold.placed_by, hold.placed_on, hold.explanation) == (manager, today, "Claim K00AB123.")

    schedule = RetentionSchedule.load()
    url = reverse("admin:privacy_retentionschedule_change", args=[schedule.pk])
    response = client.post(url, {"complaint_years": 7, "service_request_years": 2, "compliment_years": 1, "draft_days": 3, "apply_daily": "on"})
    assert response.status_code == 302
    assert RetentionSchedule.load().complaint_years == 7
    assert client.get(reverse("admin:privacy_retentionrun_changelist")).status_code == 200
    assert client.get(reverse("admin:privacy_retentionrun_add")).status_code == 403


def test_a_handler_cannot_open_them(client, handler):
    client.force_login(handler)
    assert client.get(reverse("admin:privacy_hold_add")).status_code in (302, 403)
    assert client.get(reverse("admin:privacy_retentionschedule_changelist")).status_code in (302, 403)
