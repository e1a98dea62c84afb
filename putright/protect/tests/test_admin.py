"""Security finding (Low): administrators could delete restrictions and the sign-in log, and add
survey answers and resident events, in /admin/, around the recorded workflows."""

from __future__ import annotations

import datetime as dt

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", [
    "/admin/residents/restriction/add/",
    "/admin/residents/residentevent/add/",
    "/admin/portal/surveyresponse/add/",
    "/admin/axes/accesslog/add/",
    "/admin/axes/accessfailurelog/add/",
])
def test_records_the_workflows_own_cannot_be_added_in_the_admin(client, admin_user, path):
    client.force_login(admin_user)
    assert client.get(path).status_code == 403


def test_nor_deleted(client, admin_user, resident, today):
    from axes.models import AccessLog

    from putright.residents import actions

    restriction = actions.add_restriction(
        resident, reasons="Abusive calls.", evidence="Calls on 2 and 3 November.", restricted="Email only.",
        equality_considerations="No disability disclosed.", starts_on=today, review_by=today + dt.timedelta(days=7), actor=admin_user, today=today,
    )
    log = AccessLog.objects.create(username="hari", ip_address="10.0.0.1", user_agent="x")
    client.force_login(admin_user)
    for path in (f"/admin/residents/restriction/{restriction.pk}/delete/", f"/admin/axes/accesslog/{log.pk}/delete/"):
        assert client.post(path, {"post": "yes"}).status_code == 403, path
    assert client.get("/admin/residents/restriction/").status_code == 200  # still readable
    restriction.refresh_from_db()
    assert AccessLog.objects.filter(pk=log.pk).exists()
