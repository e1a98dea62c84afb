"""`putright import cases`: reading case history from CSV (docs/interchange.md)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError

from putright.cases import actions
from putright.cases.interchange import COLUMNS, write_history
from putright.cases.models import Case, CaseEvent, Extension, Refusal, Remedy, ServiceArea, Stage, Theme
from tests.clock import subprocess_env

pytestmark = pytest.mark.django_db

D = dt.date.fromisoformat


def csv_text(rows: list[dict], columns=COLUMNS) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue()


def write(tmp_path: Path, rows: list[dict], columns=COLUMNS, name="cases.csv") -> Path:
    path = tmp_path / name
    path.write_text(csv_text(rows, columns), encoding="utf-8")
    return path


def run(path: Path, *args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import", "cases", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def fails(path: Path, *args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import", "cases", str(path), *args, stdout=out, stderr=err)
    return str(raised.value), err.getvalue()


def exported() -> str:
    out = io.StringIO()
    write_history(out)
    return out.getvalue()


def complaint(reference="OLD-1", received_on="2025-03-03", **fields) -> dict:
    return {"reference": reference, "kind": "complaint", "received_on": received_on, **fields}


# Received Mon 3 Mar 2025: acknowledge by Mon 10 Mar. Acknowledged Wed 5 Mar: respond by Wed 19 Mar.
STAGE1 = {"stage1_acknowledged_on": "2025-03-05", "stage1_responded_on": "2025-03-14", "stage1_decision": "upheld"}
# Escalated Mon 24 Mar: acknowledge by Mon 31 Mar. Acknowledged Wed 26 Mar: respond by Fri 25 Apr
# (Good Friday 18 Apr and Easter Monday 21 Apr 2025 are bank holidays).
STAGE2 = {
    "stage2_requested_on": "2025-03-24",
    "stage2_acknowledged_on": "2025-03-26",
    "stage2_responded_on": "2025-04-16",
    "stage2_decision": "partly_upheld",
}


# --- valid files --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "state", "previous_state", "is_open", "next_deadline_by", "stages"),
    [
        ({}, "stage1_logged", "", True, "2025-03-10", 1),
        ({"stage1_acknowledged_on": "2025-03-05"}, "stage1_acknowledged", "", True, "2025-03-19", 1),
        ({"stage1_acknowledged_on": "2025-03-05", "stage1_extended_to": "2025-03-26"}, "stage1_acknowledged", "", True, "2025-03-26", 1),
        (STAGE1, "stage1_responded", "", True, None, 1),
        ({**STAGE1, "stage2_requested_on": "2025-03-24"}, "stage2_requested", "", True, "2025-03-31", 2),
        ({**STAGE1, "stage2_requested_on": "2025-03-24", "stage2_acknowledged_on": "2025-03-26"}, "stage2_acknowledged", "", True, "2025-04-25", 2),
        ({**STAGE1, **STAGE2}, "stage2_responded", "", True, None, 2),
        ({"refused_on": "2025-03-04", "refusal_reason": "legal_proceedings"}, "refused", "stage1_logged", False, None, 1),
        ({**STAGE1, "stage2_requested_on": "2025-03-24", "refused_on": "2025-03-25", "refusal_reason": "other"}, "refused", "stage2_requested", False, None, 2),
        ({"stage1_acknowledged_on": "2025-03-05", "withdrawn_on": "2025-03-07"}, "withdrawn", "stage1_acknowledged", False, None, 1),
        ({**STAGE1, "stage2_requested_on": "2025-03-24", "withdrawn_on": "2025-03-24"}, "withdrawn", "stage2_requested", False, None, 2),
    ],
)
def test_it_imports_a_complaint_at_each_state(tmp_path, fields, state, previous_state, is_open, next_deadline_by, stages):
    out, err = run(write(tmp_path, [complaint(**fields)]))
    assert "Imported: 1 (complaint 1, service request 0, compliment 0)" in out
    assert err == ""
    case = Case.objects.get(reference="OLD-1")
    assert (case.kind, case.state, case.previous_state, case.is_open) == ("complaint", state, previous_state, is_open)
    assert case.next_deadline_by == (D(next_deadline_by) if next_deadline_by else None)
    assert case.imported is True
    assert case.stages.count() == stages
    stage1 = case.stage(1)
    assert (stage1.requested_on, stage1.acknowledge_by) == (D("2025-03-03"), D("2025-03-10"))
    if stages == 2:
        stage2 = case.stage(2)
        assert (stage2.requested_on, stage2.acknowledge_by) == (D("2025-03-24"), D("2025-03-31"))
        if fields.get("stage2_acknowledged_on"):
            assert stage2.code_respond_by == stage2.respond_by == D("2025-04-25")
    if state == "refused":
        refusal = Refusal.objects.get(case=case)
        assert refusal.stage_number == stages
        assert refusal.ombudsman_rights_given is False
        assert refusal.explanation.startswith("Imported from earlier records: reason recorded as ")
    if state == "withdrawn":
        assert case.withdrawn_on == D(fields["withdrawn_on"])


def test_it_stores_the_details_of_a_full_complaint(tmp_path):
    row = complaint(
        service_area="Repairs",
        tenure="lcho",
        channel="email",
        themes="Damp; Delay;;damp",
        description="Water coming through the ceiling, \"again\", for weeks.\nStill not fixed.",
        stage1_acknowledged_on="2025-03-05",
        stage1_extended_to="2025-03-26",
        stage1_responded_on="2025-03-25",
        stage1_decision="upheld",
        compensation_gbp="150.5",
    )
    out, _ = run(write(tmp_path, [row]))
    assert "Reference data created: 1 service area(s), 2 theme(s)" in out
    case = Case.objects.get(reference="OLD-1")
    assert (case.service_area.name, case.tenure, case.channel) == ("Repairs", "lcho", "email")
    assert sorted(t.name for t in case.themes.all()) == ["Damp", "Delay"]
    assert case.description == row["description"]
    stage = case.stage(1)
    assert (stage.acknowledged_on, stage.code_respond_by, stage.respond_by) == (D("2025-03-05"), D("2025-03-19"), D("2025-03-26"))
    assert (stage.responded_on, stage.decision) == (D("2025-03-25"), "upheld")
    assert not stage.points.exists()
    extension = Extension.objects.get(stage=stage)
    assert (extension.previous_respond_by, extension.new_respond_by) == (D("2025-03-19"), D("2025-03-26"))
    assert extension.reason == "Imported from earlier records: reason not recorded."
    assert (extension.beyond_code_limit, extension.ombudsman_details_given) == (False, False)
    remedy = Remedy.objects.get(case=case)
    assert (remedy.kind, remedy.amount, remedy.payment_method) == ("financial", Decimal("150.50"), "money")
    assert (remedy.description, remedy.completed_on, remedy.stage_number) == ("Compensation (imported)", D("2025-03-25"), 1)
    event = CaseEvent.objects.get(case=case)
    assert event.kind == "imported"
    assert event.summary == "Imported from earlier records (file cases.csv, line 2)."
    assert event.actor_id is None and event.actor_label == "putright import"
    assert event.data["line"] == 2 and event.data["file"] == "cases.csv"
    assert event.data["row"]["compensation_gbp"] == "150.5"
    assert event.data["flags"] == []


def test_it_imports_service_requests_and_compliments(tmp_path):
    rows = [
        {"reference": "SR-1", "kind": "service_request", "received_on": "2025-06-02", "service_area": "Repairs"},
        {"reference": "SR-2", "kind": "service_request", "received_on": "2025-06-02", "withdrawn_on": "2025-06-03"},
        {"reference": "CO-1", "kind": "compliment", "received_on": "2025-06-04", "channel": "letter"},
    ]
    out, _ = run(write(tmp_path, rows))
    assert "Imported: 3 (complaint 0, service request 2, compliment 1)" in out
    sr1, sr2, co1 = (Case.objects.get(reference=r) for r in ("SR-1", "SR-2", "CO-1"))
    assert (sr1.state, sr1.is_open, sr1.next_deadline_by, sr1.channel) == ("open", True, None, "other")
    assert (sr2.state, sr2.previous_state, sr2.is_open) == ("withdrawn", "open", False)
    assert (co1.kind, co1.state, co1.channel) == ("compliment", "open", "letter")
    assert co1.description == "(not recorded in the imported file)"
    assert not Stage.objects.filter(case__in=[sr1, sr2, co1]).exists()


def test_it_works_out_deadlines_over_bank_holidays(tmp_path):
    # Received Mon 22 Dec 2025: Christmas Day, Boxing Day and the weekend do not count.
    run(write(tmp_path, [complaint(received_on="2025-12-22")]))
    stage = Case.objects.get(reference="OLD-1").stage(1)
    assert stage.acknowledge_by == D("2025-12-31")
    # Projected from the acknowledge-by date, as it is not acknowledged: 10 working days after
    # Wed 31 Dec, skipping New Year's Day.
    assert stage.respond_by == stage.code_respond_by == D("2026-01-15")


def test_it_uses_the_landlords_closure_days(tmp_path):
    from putright.cases.models import ClosureDay

    ClosureDay.objects.create(day=D("2025-03-04"), label="Training day")
    run(write(tmp_path, [complaint()]))
    assert Case.objects.get(reference="OLD-1").stage(1).acknowledge_by == D("2025-03-11")


def test_it_keeps_and_flags_late_and_overlong_steps(tmp_path):
    rows = [
        # Acknowledged Fri 14 Mar, after Mon 10 Mar; responded Fri 4 Apr, after Fri 28 Mar.
        complaint("LATE-1", stage1_acknowledged_on="2025-03-14", stage1_responded_on="2025-04-04", stage1_decision="not_upheld"),
        # Extended from Wed 19 Mar to Wed 9 Apr: 15 working days, beyond the Code's 10.
        # Concluded (answered), so kept as it was; an open stage could not be (test_live_cases).
        complaint("LONG-1", stage1_acknowledged_on="2025-03-05", stage1_extended_to="2025-04-09",
                  stage1_responded_on="2025-04-08", stage1_decision="upheld"),
        complaint("GOOD-1", **STAGE1),
    ]
    out, err = run(write(tmp_path, rows))
    assert err == ""
    assert "Imported: 3 (complaint 3, service request 0, compliment 0)" in out
    assert "Flags: acknowledged late 1, responded late 1, extension beyond the Code's limit 1" in out

    late = Case.objects.get(reference="LATE-1").stage(1)
    assert (late.acknowledged_on, late.acknowledge_by) == (D("2025-03-14"), D("2025-03-10"))
    assert (late.responded_on, late.respond_by) == (D("2025-04-04"), D("2025-03-28"))
    assert late.acknowledged_late and late.responded_late
    event = CaseEvent.objects.get(case__reference="LATE-1")
    assert event.data["flags"] == ["stage1_acknowledged_late", "stage1_responded_late"]
    assert "Flagged: stage 1 acknowledged late; stage 1 responded late." in event.summary

    long = Case.objects.get(reference="LONG-1").stage(1)
    assert (long.code_respond_by, long.respond_by) == (D("2025-03-19"), D("2025-04-09"))
    assert Extension.objects.get(stage=long).beyond_code_limit is True
    assert CaseEvent.objects.get(case__reference="LONG-1").data["flags"] == ["stage1_extension_beyond_code_limit"]
    assert CaseEvent.objects.get(case__reference="GOOD-1").data["flags"] == []


def test_it_accepts_a_bom_and_missing_optional_columns(tmp_path):
    path = tmp_path / "excel.csv"
    text = "reference,kind,received_on,description\r\nX-1,compliment,2025-01-06,Thank you £\r\n,,,\r\n"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    out, _ = run(path)
    assert "Rows read: 1 (from excel.csv)" in out
    assert Case.objects.get(reference="X-1").description == "Thank you £"


def test_it_reads_column_names_in_any_order_and_case(tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text(" Received_On ,KIND,reference\n2025-01-06,service_request,X-1\n", encoding="utf-8")
    run(path)
    assert Case.objects.get(reference="X-1").received_on == D("2025-01-06")


def test_it_matches_reference_data_ignoring_case_and_counts_what_it_creates(tmp_path):
    ServiceArea.objects.create(name="Repairs")
    Theme.objects.create(name="Damp")
    rows = [
        {"reference": "A", "kind": "service_request", "received_on": "2025-01-06", "service_area": "repairs", "themes": "DAMP;Noise"},
        {"reference": "B", "kind": "service_request", "received_on": "2025-01-06", "service_area": "Lettings", "themes": "noise"},
    ]
    out, _ = run(write(tmp_path, rows))
    assert "Reference data created: 1 service area(s), 1 theme(s)" in out
    assert sorted(ServiceArea.objects.values_list("name", flat=True)) == ["Lettings", "Repairs"]
    assert sorted(Theme.objects.values_list("name", flat=True)) == ["Damp", "Noise"]
    assert sorted(t.name for t in Case.objects.get(reference="A").themes.all()) == ["Damp", "Noise"]


# --- problems -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "complain"}, "kind 'complain' is not one of complaint, service_request, compliment"),
        ({"kind": ""}, "kind is empty"),
        ({"reference": ""}, "reference is empty"),
        ({"reference": "X" * 41}, "is longer than 40 characters"),
        ({"received_on": "03/03/2025"}, "received_on '03/03/2025' is not a date written YYYY-MM-DD"),
        ({"received_on": "2025-02-30"}, "received_on '2025-02-30' is not a date"),
        ({"received_on": "20250303"}, "received_on '20250303' is not a date"),
        ({"received_on": ""}, "received_on is empty"),
        ({"received_on": "2099-01-01"}, "received_on 2099-01-01 is in the future"),
        ({"stage1_acknowledged_on": "2025-03-02"}, "stage1_acknowledged_on 2025-03-02 is before received_on 2025-03-03"),
        (
            {"stage1_acknowledged_on": "2025-02-28", "stage1_responded_on": "2025-03-01"},
            "stage1_responded_on 2025-03-01 is before received_on 2025-03-03",
        ),
        (
            {"stage1_acknowledged_on": "2025-03-10", "stage1_responded_on": "2025-03-07"},
            "stage1_acknowledged_on 2025-03-10 is after stage1_responded_on 2025-03-07",
        ),
        ({"stage1_responded_on": "2025-03-07"}, "stage1_responded_on 2025-03-07 needs stage1_acknowledged_on"),
        ({"stage1_acknowledged_on": "2025-03-05", "stage1_decision": "upheld"}, "stage1_decision upheld needs stage1_responded_on"),
        ({**STAGE1, "stage1_decision": "yes"}, "stage1_decision 'yes' is not one of upheld, partly_upheld, not_upheld"),
        ({**STAGE1, "stage2_requested_on": "2025-03-13"}, "stage2_requested_on 2025-03-13 is before stage1_responded_on 2025-03-14"),
        ({"stage2_requested_on": "2025-03-24"}, "stage2_requested_on 2025-03-24 needs stage1_responded_on"),
        ({**STAGE1, "stage2_acknowledged_on": "2025-03-26"}, "stage2_acknowledged_on 2025-03-26 needs stage2_requested_on"),
        (
            {**STAGE1, "stage2_requested_on": "2025-03-24", "stage2_acknowledged_on": "2025-03-21"},
            "stage2_acknowledged_on 2025-03-21 is before stage2_requested_on 2025-03-24",
        ),
        (
            {**STAGE1, **STAGE2, "stage2_acknowledged_on": "2025-04-17"},
            "stage2_acknowledged_on 2025-04-17 is after stage2_responded_on 2025-04-16",
        ),
        (
            {"stage1_acknowledged_on": "2025-03-05", "stage1_extended_to": "2025-03-19"},
            "stage1_extended_to 2025-03-19 is not after the Code's respond-by date 2025-03-19",
        ),
        ({"refused_on": "2025-03-04"}, "refused_on 2025-03-04 needs refusal_reason"),
        ({"refusal_reason": "other"}, "refusal_reason other needs refused_on"),
        ({"refused_on": "2025-03-04", "refusal_reason": "too_late"}, "refusal_reason 'too_late' is not one of over_12_months, legal_proceedings"),
        ({"refused_on": "2025-03-01", "refusal_reason": "other"}, "refused_on 2025-03-01 is before received_on 2025-03-03"),
        (
            {"stage1_acknowledged_on": "2025-03-05", "refused_on": "2025-03-06", "refusal_reason": "other"},
            "refused_on 2025-03-06: You cannot refuse it: the complaint is acknowledged at stage 1.",
        ),
        ({**STAGE1, "withdrawn_on": "2025-03-20"}, "withdrawn_on 2025-03-20: You cannot withdraw it: the complaint is answered at stage 1."),
        ({"stage1_acknowledged_on": "2025-03-05", "withdrawn_on": "2025-03-04"}, "withdrawn_on 2025-03-04 is before stage1_acknowledged_on 2025-03-05"),
        ({"refused_on": "2025-03-04", "refusal_reason": "other", "withdrawn_on": "2025-03-05"}, "refused or withdrawn, not both"),
        ({"compensation_gbp": "£150"}, "compensation_gbp '£150' is not an amount of pounds"),
        ({"compensation_gbp": "-5"}, "compensation_gbp '-5' is not an amount of pounds"),
        ({"compensation_gbp": "1.234"}, "compensation_gbp '1.234' is not an amount of pounds"),
        ({"compensation_gbp": "1,000"}, "compensation_gbp '1,000' is not an amount of pounds"),
        ({"channel": "fax"}, "channel 'fax' is not one of phone, email"),
        ({"tenure": "freehold"}, "tenure 'freehold' is not one of lcra, lcho"),
        ({"kind": "service_request", "stage1_acknowledged_on": "2025-03-05"}, "stage1_acknowledged_on 2025-03-05 is for complaints only: this row is a service_request"),
        ({"kind": "compliment", "compensation_gbp": "10"}, "compensation_gbp 10 is for complaints only: this row is a compliment"),
        ({"kind": "service_request", "withdrawn_on": "2025-03-01"}, "withdrawn_on 2025-03-01 is before received_on 2025-03-03"),
    ],
)
def test_it_refuses_a_bad_row_naming_line_column_and_value(tmp_path, fields, message):
    rows = [complaint("GOOD-1"), {**complaint("BAD-1"), **fields}]
    path = write(tmp_path, rows)
    error, err = fails(path)
    assert any(line.startswith("line 3: ") and message in line for line in err.splitlines()), err
    assert "nothing imported" in error
    assert Case.objects.count() == 0


def test_it_lists_every_problem_on_its_own_line_and_imports_nothing(tmp_path):
    rows = [
        complaint("A"),
        complaint("B", kind="complain"),
        complaint("C"),
        complaint("D", received_on="2025-3-3", compensation_gbp="ten"),
        complaint("E", stage1_acknowledged_on="2025-03-05", stage1_responded_on="2025-03-04"),
        {"reference": "F", "kind": "service_request", "received_on": "2025-03-03"},
    ]
    before = Case.objects.count(), CaseEvent.objects.count(), ServiceArea.objects.count()
    error, err = fails(write(tmp_path, rows))
    assert err.splitlines()[:4] == [
        "line 3: kind 'complain' is not one of complaint, service_request, compliment",
        "line 5: received_on '2025-3-3' is not a date written YYYY-MM-DD",
        "line 5: compensation_gbp 'ten' is not an amount of pounds such as 150 or 150.00 (digits only, at most 2 after the point, no £ sign or commas)",
        "line 6: stage1_acknowledged_on 2025-03-05 is after stage1_responded_on 2025-03-04",
    ]
    assert error.startswith("4 problems in 3 row(s): nothing imported.")
    assert (Case.objects.count(), CaseEvent.objects.count(), ServiceArea.objects.count()) == before


def test_it_imports_the_valid_rows_with_skip_invalid(tmp_path):
    rows = [complaint("A"), complaint("B", kind="complain"), complaint("C", **STAGE1), {"reference": "D", "kind": "compliment", "received_on": "x"}]
    out, err = run(write(tmp_path, rows), "--skip-invalid")
    assert "line 3: kind 'complain'" in err and "line 5: received_on 'x'" in err
    assert "2 invalid row(s) skipped" in err
    assert "Rows read: 4" in out and "Imported: 2 (complaint 2," in out and "Invalid: 2" in out
    assert sorted(Case.objects.values_list("reference", flat=True)) == ["A", "C"]


def test_it_reports_a_repeated_reference_on_the_later_line(tmp_path):
    rows = [complaint("A"), complaint("B"), complaint("A", received_on="2025-03-04")]
    _, err = fails(write(tmp_path, rows))
    assert err.strip().splitlines() == ["line 4: reference A is repeated: it was first used on line 2"]


def test_it_counts_lines_as_records_when_a_value_runs_over_lines(tmp_path):
    rows = [complaint("A", description="first\nsecond\nthird"), complaint("B", kind="nope")]
    _, err = fails(write(tmp_path, rows))
    assert err.startswith("line 3: kind 'nope'")


def test_it_refuses_a_row_with_the_wrong_number_of_values(tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text("reference,kind,received_on\nA,compliment,2025-01-06,extra\n", encoding="utf-8")
    _, err = fails(path)
    assert "line 2: has 4 values but the header has 3 columns" in err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"reference,kind,received_on,colour\nA,compliment,2025-01-06,red\n", "line 1: unknown column 'colour'"),
        (b"reference,kind\nA,compliment\n", "line 1: required column received_on is missing"),
        (b"reference,kind,received_on,kind\n", "line 1: column kind appears more than once"),
        (b"", "line 1: the file is empty"),
        (
            "reference,kind,received_on,description\nA,compliment,2025-01-06,Merci beaucoup\n".encode("utf-8")
            + "B,compliment,2025-01-06,Très bien\n".encode("cp1252"),
            "line 1: the file is not UTF-8 text (line 3 of the file has bytes that are not UTF-8)",
        ),
    ],
)
def test_it_gives_one_clear_error_for_a_file_it_cannot_read(tmp_path, content, message):
    path = tmp_path / "cases.csv"
    path.write_bytes(content)
    error, err = fails(path, "--skip-invalid")
    assert err.splitlines()[0].startswith(message)
    assert "could not be read: nothing imported" in error
    assert Case.objects.count() == 0


def test_it_says_when_the_file_does_not_exist(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("import", "cases", str(tmp_path / "missing.csv"))


def test_it_only_imports_cases_and_residents(tmp_path):
    with pytest.raises(CommandError, match="invalid choice: 'homes'"):
        call_command("import", "homes", str(write(tmp_path, [complaint()])))


# --- importing again ----------------------------------------------------------------------------


def test_it_leaves_a_case_already_present_unchanged(tmp_path):
    first = [complaint("A", **STAGE1), complaint("B"), {"reference": "C", "kind": "compliment", "received_on": "2025-01-06"}]
    run(write(tmp_path, first))
    before, events = exported(), CaseEvent.objects.count()
    # The same references again, one of them with different history, and one new case.
    again = [complaint("A"), complaint("B", **STAGE1), complaint("D")]
    out, err = run(write(tmp_path, again, name="again.csv"))
    assert "Already present, not changed: 2" in out
    assert "Imported: 1 (complaint 1," in out and err == ""
    after = exported()
    assert after.replace("\r\n", "\n").splitlines()[:4] == before.replace("\r\n", "\n").splitlines()
    assert "D,complaint" in after.splitlines()[-1]
    assert CaseEvent.objects.count() == events + 1


def test_it_never_issues_an_imported_reference_again(tmp_path, today):
    run(write(tmp_path, [complaint("PR-2025-000041")]))
    case = actions.log_case(kind="complaint", received_on=D("2025-03-04"), description="Leaking roof", today=today)
    assert case.reference == "PR-2025-000042"


def test_it_refuses_a_read_only_user(tmp_path, oversight):
    with pytest.raises(PermissionDenied):
        actions.import_history(write(tmp_path, [complaint()]), actor=oversight)
    assert Case.objects.count() == 0


def test_it_records_the_staff_member_who_imported(tmp_path, handler):
    report = actions.import_history(write(tmp_path, [complaint()]), actor=handler, name="legacy.csv")
    assert report.written and report.imported_total == 1
    event = CaseEvent.objects.get()
    assert (event.actor, event.actor_label) == (handler, "")
    assert event.summary.startswith("Imported from earlier records (file legacy.csv, line 2).")


def test_it_writes_in_batches(tmp_path):
    rows = [complaint(f"R-{i:03d}", themes="Damp;Noise", compensation_gbp="10") for i in range(23)]
    report = actions.import_history(write(tmp_path, rows), batch_size=5)
    assert report.imported_total == 23
    assert Case.objects.filter(imported=True).count() == 23
    assert Case.themes.through.objects.count() == 46 and Remedy.objects.count() == 23
    assert set(Stage.objects.values_list("case__reference", flat=True)) == {f"R-{i:03d}" for i in range(23)}


# --- the console script, end to end -------------------------------------------------------------


def test_it_works_from_the_console_script(tmp_path):
    exe = Path(sys.executable).with_name("putright")
    env = subprocess_env(dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", PUTRIGHT_VAR_DIR=str(tmp_path)))
    migrated = subprocess.run([exe, "migrate", "--no-input", "--skip-checks", "-v", "0"], env=env, capture_output=True, text=True)
    assert migrated.returncode == 0, migrated.stderr
    good = write(tmp_path, [complaint("A", **STAGE1), complaint("B")])
    done = subprocess.run([exe, "import", "cases", good], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "Imported: 2 (complaint 2, service request 0, compliment 0)" in done.stdout
    bad = write(tmp_path, [complaint("C", kind="complain")], name="bad.csv")
    refused = subprocess.run([exe, "import", "cases", bad], env=env, capture_output=True, text=True)
    assert refused.returncode != 0
    assert "line 2: kind 'complain'" in refused.stderr and "nothing imported" in refused.stderr
    again = subprocess.run([exe, "import", "cases", good], env=env, capture_output=True, text=True)
    assert "Already present, not changed: 2" in again.stdout


def test_it_accepts_an_extension_that_runs_into_the_future(tmp_path, today):
    # An extension agreed last week may end next month: the case is open and extended.
    received = today - dt.timedelta(days=21)
    acknowledged = received + dt.timedelta(days=1)
    extended_to = today + dt.timedelta(days=4)  # within the Code's limit: the stage is still open
    while extended_to.weekday() >= 5:
        extended_to += dt.timedelta(days=1)
    path = write(tmp_path, [complaint(
        received_on=received.isoformat(), stage1_acknowledged_on=acknowledged.isoformat(),
        stage1_extended_to=extended_to.isoformat(),
    )])
    run(path)
    stage = Stage.objects.get(case__reference="OLD-1", number=1)
    assert stage.respond_by == extended_to
    assert Case.objects.get(reference="OLD-1").next_deadline_by == extended_to


def test_it_still_refuses_a_response_dated_in_the_future(tmp_path, today):
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    path = write(tmp_path, [complaint(stage1_acknowledged_on="2025-03-05", stage1_responded_on=tomorrow)])
    message, err = fails(path)
    assert f"stage1_responded_on {tomorrow} is in the future" in err + message


# --- live cases (issue 12, item 7): what is still open passes the rules a new step does ------------


def _weekday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def test_live_cases_pass_the_rules_of_a_new_step_with_line_errors_and_nothing_imported(tmp_path, today):
    received = _weekday(today - dt.timedelta(days=21))
    acknowledged = _weekday(received + dt.timedelta(days=1))
    refused = _weekday(today - dt.timedelta(days=30))
    rows = [
        complaint("GOOD-1", **STAGE1),
        # An open stage extended 6 weeks: more than the Code's 10 working days, no good reason possible in a file.
        complaint("OPEN-1", received_on=received.isoformat(), stage1_acknowledged_on=acknowledged.isoformat(),
                  stage1_extended_to=_weekday(today + dt.timedelta(days=42)).isoformat()),
        # A refusal a month old, with no explanation and no word of the Ombudsman.
        complaint("REF-1", received_on=(refused - dt.timedelta(days=3)).isoformat(), refused_on=refused.isoformat(),
                  refusal_reason="legal_proceedings"),
        # The same refusal saying why and giving the rights: accepted.
        complaint("REF-2", received_on=(refused - dt.timedelta(days=3)).isoformat(), refused_on=refused.isoformat(),
                  refusal_reason="legal_proceedings", refusal_explanation="The court is deciding the same disrepair.",
                  refusal_ombudsman_rights_given="yes"),
        # Concluded history is kept as it was: a refusal of 2025 with nothing more.
        complaint("OLD-REF", refused_on="2025-03-04", refusal_reason="over_12_months"),
    ]
    error, err = fails(write(tmp_path, rows))
    assert error.startswith("3 problems in 2 row(s): nothing imported.")
    lines = err.splitlines()
    assert any(line.startswith("line 3: stage1_extended_to") and "more than the Code allows" in line and "6.4" in line for line in lines), err
    assert any(line.startswith("line 4: refusal_explanation is empty") and "2.4" in line for line in lines), err
    assert any(line.startswith("line 4: refusal_ombudsman_rights_given must be yes") for line in lines), err
    assert not Case.objects.exists()  # all or nothing

    # Corrected, the file imports, and the live refusal keeps what it said.
    rows[1]["stage1_extended_to"] = _weekday(today + dt.timedelta(days=4)).isoformat()
    rows[2].update(refusal_explanation="The court is deciding it.", refusal_ombudsman_rights_given="yes")
    run(write(tmp_path, rows))
    live = Refusal.objects.get(case__reference="REF-1")
    assert (live.explanation, live.ombudsman_rights_given, live.issued_on) == ("The court is deciding it.", True, refused)
    old = Refusal.objects.get(case__reference="OLD-REF")
    assert old.ombudsman_rights_given is False and old.explanation.startswith("Imported from earlier records")
    extension = Extension.objects.get(stage__case__reference="OPEN-1")
    assert extension.issued_on is not None and not extension.beyond_code_limit
    # Imported responses count as sent, as they were.
    assert Stage.objects.get(case__reference="GOOD-1", number=1).response_issued_on == D("2025-03-14")


def test_a_refusal_detail_needs_a_refusal(tmp_path):
    error, err = fails(write(tmp_path, [complaint("X-1", refusal_ombudsman_rights_given="perhaps")]))
    assert "refusal_ombudsman_rights_given 'perhaps' is not yes or no" in err
    assert "refusal_ombudsman_rights_given perhaps needs refused_on" in err
