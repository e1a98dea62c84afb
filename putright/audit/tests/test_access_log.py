"""Security finding (Medium): staff reading of cases, residents, attachments, letters and
exports was not recorded anywhere."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django.core.management import call_command

from putright.audit import case_read_statement, record_read
from putright.audit.models import AppendOnlyReadError, ReadEvent
from putright.cases import actions
from putright.cases.tests.factories import log_complaint
from putright.performance.compiled import together

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(resident, handler, today):
    case = log_complaint(resident=resident, handler=handler, today=today)
    actions.add_correspondence(case, direction="in", occurred_on=today, subject="Photo", actor=handler, today=today,
                               files=[actions.NewFile("leak.pdf", "application/pdf", b"%PDF-1.4 leak")])
    return case


def test_opening_a_case_a_resident_and_a_file_is_recorded_with_who_and_when(client, handler, case, resident):
    client.force_login(handler)
    client.get(f"/cases/{case.reference}/")
    client.get(f"/residents/{resident.pk}/")
    item = case.correspondence.get().attachments.get()
    assert client.get(f"/cases/{case.reference}/attachments/{item.pk}/").status_code == 200
    events = list(ReadEvent.objects.order_by("id"))
    assert [(e.what, e.actor, e.resident) for e in events] == [
        ("case", handler, resident), ("resident", handler, resident), ("attachment", handler, resident),
    ]
    assert events[0].label == case.reference and events[2].label == f"leak.pdf on {case.reference}"
    assert all(e.case == case for e in (events[0], events[2]))


def test_the_case_page_says_who_viewed_it(client, handler, other_handler, case):
    client.force_login(other_handler)
    client.get(f"/cases/{case.reference}/")
    client.force_login(handler)
    body = client.get(f"/cases/{case.reference}/").content.decode()
    assert "Viewed by" in body and "Olu" in body and "Hari" in body


def test_viewed_by_gives_each_reader_once_latest_first_with_how_often(handler, other_handler, case):
    """One row per reader, the most recent reader first, counted among the case's last 500 reads;
    a reader who is not staff (a command, a system's key) by their label."""
    from putright.audit.views import viewed_by

    for who in (handler, handler, other_handler, None, handler):
        record_read(who, "case", case)
    rows = viewed_by(case)
    assert [(r["who"], r["times"]) for r in rows] == [
        (handler.display_name, 3), ("system", 1), (other_handler.display_name, 1),
    ]
    assert rows[0]["last"] == ReadEvent.objects.filter(case=case).latest("at", "id").at
    assert viewed_by(case, limit=1) == rows[:1]


def test_viewed_by_counts_exactly_the_last_500_reads_however_many_share_a_moment(handler, other_handler, case, today):
    """Of 520 reads, the 500 newest by time and then by id: the 20 oldest are left out, though
    the first 40 were recorded at the same moment (the case's reads are read from the 500th's
    time on, then the 500 taken: audit.views._viewed_by). The reads are written three weeks
    before the suite's frozen today; "Viewed by" reads no clock."""
    import datetime as dt

    from putright.audit.views import viewed_by

    start = dt.datetime.combine(today - dt.timedelta(days=21), dt.time(9), tzinfo=dt.timezone.utc)
    assert not ReadEvent.objects.filter(case=case).exists()
    ReadEvent.objects.bulk_create(
        ReadEvent(at=start + dt.timedelta(seconds=i // 40), actor=other_handler if i < 30 else handler, what="case",
                  object_id=str(case.pk), label=case.reference, case=case, resident=case.resident)
        for i in range(520)
    )
    rows = viewed_by(case)
    assert [(r["who"], r["times"]) for r in rows] == [(handler.display_name, 490), (other_handler.display_name, 10)]


def test_the_log_is_append_only(handler, case):
    event = record_read(handler, "case", case)
    with pytest.raises(AppendOnlyReadError):
        event.save()
    with pytest.raises(AppendOnlyReadError):
        event.delete()
    with pytest.raises(AppendOnlyReadError):
        ReadEvent.objects.all().delete()
    with pytest.raises(AppendOnlyReadError):
        ReadEvent.objects.update(label="x")


def test_an_export_is_recorded(case, tmp_path):
    call_command("export", "cases", str(tmp_path / "all.csv"))
    event = ReadEvent.objects.get(what="export")
    assert event.actor is None and "command line" in event.actor_label and "1 case(s)" in event.label


def test_the_data_protection_officer_searches_by_resident_or_staff(client, admin_user, handler, other_handler, case, resident, other_resident):
    record_read(handler, "case", case)
    record_read(other_handler, "resident", other_resident)
    client.force_login(admin_user)
    by_resident = client.get("/access-log/", {"resident": "Rita"}).content.decode()
    assert case.reference in by_resident and "Sam Jones" not in by_resident
    by_number = client.get("/access-log/", {"resident": str(other_resident.pk)}).content.decode()
    assert "Sam Jones" in by_number and case.reference not in by_number
    by_staff = client.get("/access-log/", {"staff": "olu"}).content.decode()
    assert "Sam Jones" in by_staff and case.reference not in by_staff
    assert list(ReadEvent.objects.about(resident)) == [ReadEvent.objects.get(resident=resident)]


@pytest.mark.parametrize("who", ["manager", "handler", "oversight"])
def test_only_administrators_search_the_log(client, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get("/access-log/").status_code == 403


def test_reads_recorded_from_rows_are_the_reads_recorded_from_cases(handler, case, other_resident, today, django_assert_max_num_queries):
    """The events feed records its cases' reads from plain rows (record_case_reads): each row
    must be what record_reads writes for the same Case, for staff and for a command alike."""
    from putright.audit import record_case_reads, record_reads

    other = log_complaint(resident=other_resident, handler=handler, today=today)
    nobody = log_complaint(handler=handler, today=today)  # no resident
    cases = [case, other, nobody]

    def written(since: int) -> list[tuple]:
        return list(ReadEvent.objects.filter(id__gt=since).order_by("id").values_list(
            "actor_id", "actor_label", "what", "object_id", "label", "case_id", "resident_id", "path"))

    for actor in (handler, None):
        start = ReadEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        assert record_reads(actor, "case", cases, path="/api/v1/events?after=1", via="API key x") == 3
        middle = ReadEvent.objects.order_by("-id").values_list("id", flat=True).first()
        with django_assert_max_num_queries(1):  # one INSERT of every row
            assert record_case_reads(actor, [(c.pk, c.reference, c.resident_id) for c in cases], path="/api/v1/events?after=1", via="API key x") == 3
        by_model, by_row = written(start)[:3], written(middle)
        assert by_model == by_row
        # The API's case: its record sent with the case's reads (case_read_statement), the same row.
        last = ReadEvent.objects.order_by("-id").values_list("id", flat=True).first()
        together(case_read_statement(actor, case, path="/api/v1/events?after=1", via="API key x"))
        assert written(last) == by_model[:1]
        assert [row[6] for row in by_row] == [case.resident_id, other.resident_id, None]
        assert by_row[0][:2] == ((handler.pk, "API key x") if actor else (None, "API key x"))
    latest = ReadEvent.objects.order_by("-id").first()
    assert timezone.is_aware(latest.at) and abs((latest.at - timezone.now()).total_seconds()) < 60  # stored as UTC, read back as now
    assert record_case_reads(handler, []) == 0


def test_more_reads_than_one_statement_takes_are_all_written(handler, case):
    """`recording.ROWS_A_STATEMENT` a statement, every statement in one transaction."""
    from putright.audit import record_case_reads
    from putright.audit.recording import ROWS_A_STATEMENT

    start = ReadEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    rows = [(case.pk, case.reference, case.resident_id)] * (ROWS_A_STATEMENT + 3)
    assert record_case_reads(handler, rows, path="/x") == ROWS_A_STATEMENT + 3
    assert ReadEvent.objects.filter(id__gt=start, case=case, actor=handler, path="/x").count() == ROWS_A_STATEMENT + 3
