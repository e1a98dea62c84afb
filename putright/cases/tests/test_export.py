"""`putright export cases`: every case as CSV, and the round trip through `putright import cases`.

The round trip is proved in two halves that share EXPECTED, the export of a varied set of cases
built through the actions:

1. building the cases through the actions and exporting them gives exactly EXPECTED;
2. importing EXPECTED into an empty database and exporting again gives exactly EXPECTED.

(Cases cannot be deleted between the two, as their timelines are append-only and protected, so
the halves are two tests.)
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from putright.cases import actions
from putright.cases.actions import PointDecision
from putright.cases.interchange import COLUMNS, write_history
from putright.cases.models import Case, CaseEvent, ServiceArea, Theme

pytestmark = pytest.mark.django_db

D = dt.date.fromisoformat


def export() -> str:
    out = io.StringIO()
    call_command("export", "cases", stdout=out)
    return out.getvalue()


def build_cases(handler, other_handler, today) -> dict[str, Case]:
    """One of each kind of case, at every state, through the actions. Dates are in 2025."""
    repairs = ServiceArea.objects.create(name="Repairs")
    damp, noise = Theme.objects.create(name="Damp"), Theme.objects.create(name="Noise")

    def log(received_on, kind="complaint", **fields):
        return actions.log_case(kind=kind, received_on=D(received_on), description=f"{kind} of {received_on}", today=today, **fields)

    def ack(case, on, who=handler):
        return actions.acknowledge(case, acknowledged_on=D(on), definition="The leak", outcomes_sought="A repair", handler=who, actor=who, today=D(on))

    def respond(case, on, decision="upheld"):
        stage2 = case.stages.filter(number=2).first()
        who = stage2.handler if stage2 is not None else handler
        return actions.respond(case, responded_on=D(on), points=[PointDecision("The leak", decision, "Because")], actor=who, today=D(on))

    def extend(case, to, good_reason="", told=None):
        told = D(told) if told else D(to) - dt.timedelta(days=7)
        return actions.extend(
            case, new_respond_by=D(to), reason="Waiting for a survey", resident_told_on=told,
            ombudsman_details_given=True, update_every_working_days=5, good_reason=good_reason, actor=case.handler, today=told,
        )

    cases = {}
    # 000001: logged only, with a service area, themes, tenure and channel.
    cases["logged"] = log("2025-03-03", service_area=repairs, themes=[noise, damp], tenure="lcra", channel="phone")
    # 000002: acknowledged and extended twice (Code date Wed 19 Mar 2025; the latest extension wins).
    c = ack(log("2025-03-03"), "2025-03-05")
    extend(c, "2025-03-21")
    cases["extended"] = extend(c, "2025-03-26")
    # 000003: answered at stage 1, with two financial remedies and an apology.
    c = respond(ack(log("2025-03-03", channel="email"), "2025-03-05"), "2025-03-14", "partly_upheld")
    actions.add_remedy(c, kind="financial", description="For the delay", amount=Decimal("100"), payment_method="money", completed_on=D("2025-03-20"), today=today)
    actions.add_remedy(c, kind="financial", description="For the damage", amount=Decimal("50.5"), payment_method="voucher", due_by=D("2025-04-30"), today=today)
    actions.add_remedy(c, kind="apology", description="We are sorry", completed_on=D("2025-03-14"), today=today)
    cases["compensated"] = c
    # 000004: the final response, stage 2 extended beyond the Code's limit for a good reason.
    c = respond(ack(log("2025-03-03"), "2025-03-05"), "2025-03-14")
    c = actions.request_stage_two(c, requested_on=D("2025-03-24"), today=today)
    c = ack(c, "2025-03-26", who=other_handler)
    c = extend(c, "2025-06-02", good_reason="The surveyor's report", told="2025-04-22")
    cases["final"] = respond(c, "2025-05-30", "not_upheld")
    # 000005: not accepted at stage 1.
    cases["refused"] = actions.refuse(
        log("2025-03-03"), refused_on=D("2025-03-04"), reason="other", explanation="This is an insurance claim.",
        ombudsman_rights_given=True, about="An insurance claim", today=D("2025-03-04"),
    )
    # 000006: escalation refused.
    c = actions.request_stage_two(respond(ack(log("2025-03-03"), "2025-03-05"), "2025-03-14"), requested_on=D("2025-03-24"), today=today)
    cases["refused2"] = actions.refuse(
        c, refused_on=D("2025-03-25"), reason="legal_proceedings", explanation="A claim is before the court.",
        ombudsman_rights_given=True, proceedings_started_on=D("2025-03-01"), today=D("2025-03-25"),
    )
    # 000007: withdrawn after acknowledgement.
    cases["withdrawn"] = actions.withdraw(ack(log("2025-03-03"), "2025-03-05"), withdrawn_on=D("2025-03-07"), today=today)
    # 000008: closed after the stage 1 response: the format has no closed_on, so it exports as answered.
    cases["closed"] = actions.close(respond(ack(log("2025-03-03"), "2025-03-05"), "2025-03-14"), closed_on=D("2025-04-15"), today=today)
    # 000009: refused, then reopened: no longer refused, so no refusal is exported.
    c = actions.refuse(log("2025-03-03"), refused_on=D("2025-03-04"), reason="other", explanation="Insurance.", ombudsman_rights_given=True, about="An insurance claim", today=D("2025-03-04"))
    cases["reopened"] = actions.reopen(c, reason="Refused by mistake")
    # 000010-000012: a service request, a withdrawn one and a compliment.
    cases["request"] = log("2025-06-02", kind="service_request", service_area=repairs, themes=[damp])
    cases["request_withdrawn"] = actions.withdraw(log("2025-06-02", kind="service_request"), withdrawn_on=D("2025-06-03"), today=today)
    cases["compliment"] = log("2025-06-04", kind="compliment", channel="letter")
    return cases


EXPECTED = (
    ",".join(COLUMNS) + "\r\n"
    "PR-2025-000001,complaint,2025-03-03,Repairs,lcra,phone,Damp;Noise,complaint of 2025-03-03,,,,,,,,,,,,,,,\r\n"
    "PR-2025-000002,complaint,2025-03-03,,,other,,complaint of 2025-03-03,2025-03-05,2025-03-26,,,,,,,,,,,,,\r\n"
    "PR-2025-000003,complaint,2025-03-03,,,email,,complaint of 2025-03-03,2025-03-05,,2025-03-14,partly_upheld,,,,,,,,,150.50,,\r\n"
    "PR-2025-000004,complaint,2025-03-03,,,other,,complaint of 2025-03-03,2025-03-05,,2025-03-14,upheld,"
    "2025-03-24,2025-03-26,2025-06-02,2025-05-30,not_upheld,,,,,,\r\n"
    "PR-2025-000005,complaint,2025-03-03,,,other,,complaint of 2025-03-03,,,,,,,,,,2025-03-04,other,,,This is an insurance claim.,yes\r\n"
    "PR-2025-000006,complaint,2025-03-03,,,other,,complaint of 2025-03-03,2025-03-05,,2025-03-14,upheld,"
    "2025-03-24,,,,,2025-03-25,legal_proceedings,,,A claim is before the court.,yes\r\n"
    "PR-2025-000007,complaint,2025-03-03,,,other,,complaint of 2025-03-03,2025-03-05,,,,,,,,,,,2025-03-07,,,\r\n"
    "PR-2025-000008,complaint,2025-03-03,,,other,,complaint of 2025-03-03,2025-03-05,,2025-03-14,upheld,,,,,,,,,,,\r\n"
    "PR-2025-000009,complaint,2025-03-03,,,other,,complaint of 2025-03-03,,,,,,,,,,,,,,,\r\n"
    "PR-2025-000010,service_request,2025-06-02,Repairs,,other,Damp,service_request of 2025-06-02,,,,,,,,,,,,,,,\r\n"
    "PR-2025-000011,service_request,2025-06-02,,,other,,service_request of 2025-06-02,,,,,,,,,,,,2025-06-03,,,\r\n"
    "PR-2025-000012,compliment,2025-06-04,,,letter,,compliment of 2025-06-04,,,,,,,,,,,,,,,\r\n"
)


def test_it_exports_cases_built_through_the_actions(handler, other_handler, today):
    cases = build_cases(handler, other_handler, today)
    text = export()
    assert text == EXPECTED

    # And field by field, against the records themselves.
    rows = {r["reference"]: r for r in csv.DictReader(io.StringIO(text))}
    assert list(csv.reader(io.StringIO(text)))[0] == list(COLUMNS)
    for case in cases.values():
        case.refresh_from_db()
        row = rows[case.reference]
        assert (row["kind"], row["received_on"], row["channel"], row["tenure"]) == (case.kind, str(case.received_on), case.channel, case.tenure)
        assert row["description"] == case.description
        assert row["themes"] == ";".join(sorted(t.name for t in case.themes.all()))
        for number in (1, 2):
            stage = case.stage(number)
            prefix = f"stage{number}_"
            if stage is None:
                assert not any(v for k, v in row.items() if k.startswith(prefix))
                continue
            assert row[prefix + "acknowledged_on"] == (str(stage.acknowledged_on) if stage.acknowledged_on else "")
            assert row[prefix + "responded_on"] == (str(stage.responded_on) if stage.responded_on else "")
            assert row[prefix + "decision"] == stage.decision
            assert row[prefix + "extended_to"] == (str(stage.respond_by) if stage.is_extended else "")
    assert rows[cases["final"].reference]["stage2_requested_on"] == "2025-03-24"
    assert rows[cases["refused"].reference]["refused_on"] == str(cases["refused"].latest_refusal.refused_on)
    assert rows[cases["withdrawn"].reference]["withdrawn_on"] == str(cases["withdrawn"].withdrawn_on)
    assert rows[cases["compensated"].reference]["compensation_gbp"] == "150.50"


def test_it_round_trips_the_export_through_an_empty_database(tmp_path):
    assert Case.objects.count() == 0
    path = tmp_path / "cases.csv"
    path.write_text(EXPECTED, encoding="utf-8", newline="")
    out = io.StringIO()
    call_command("import", "cases", str(path), stdout=out)
    assert "Imported: 12 (complaint 9, service request 2, compliment 1)" in out.getvalue()
    # Only the stage 2 extension, to Mon 2 Jun 2025, goes beyond the Code's limit (Tue 27 May).
    assert "extension beyond the Code's limit 1" in out.getvalue()
    assert export() == EXPECTED
    # The imported records are what the actions would have made.
    final = Case.objects.get(reference="PR-2025-000004")
    assert (final.state, final.is_open, final.imported) == ("stage2_responded", True, True)
    assert final.stage(2).decision == "not_upheld"
    assert Case.objects.get(reference="PR-2025-000006").latest_refusal.stage_number == 2
    assert Case.objects.get(reference="PR-2025-000007").previous_state == "stage1_acknowledged"
    assert CaseEvent.objects.filter(kind="imported").count() == 12


def test_it_round_trips_a_file_with_every_column_in_use(tmp_path):
    text = (
        ",".join(COLUMNS) + "\r\n"
        'A-1,complaint,2024-01-05,Damp and mould,lcho,online,Damp;Heating,"Mould in the bedroom, ""again"".\r\nPlease help.",'
        "2024-01-16,2024-02-06,2024-02-08,partly_upheld,2024-02-20,2024-02-28,2024-04-10,2024-04-09,upheld,,,,1250.75,,\r\n"
        "A-2,complaint,2024-02-01,,,,,,,,,,,,,,,2024-02-02,over_12_months,,,The resident left it too long.,no\r\n"
        "A-3,compliment,2024-02-01,Lettings,,colleague,,Thanks to Jo,,,,,,,,,,,,,,,\r\n"
    )
    path = tmp_path / "cases.csv"
    path.write_text(text, encoding="utf-8", newline="")
    call_command("import", "cases", str(path), stdout=io.StringIO())
    expected = text.replace("A-2,complaint,2024-02-01,,,,,,", "A-2,complaint,2024-02-01,,,other,,(not recorded in the imported file),")
    assert export() == expected


def test_it_writes_to_a_file_with_or_without_a_byte_order_mark(tmp_path, today):
    actions.log_case(kind="compliment", received_on=D("2025-06-04"), description="Très bien, £5 well spent", today=today)
    plain, excel = tmp_path / "plain.csv", tmp_path / "excel.csv"
    out = io.StringIO()
    call_command("export", "cases", str(plain), stdout=out)
    assert out.getvalue().strip() == f"1 case(s) written to {plain}."
    call_command("export", "cases", str(excel), "--bom", stdout=io.StringIO())
    assert plain.read_bytes() == export().encode("utf-8")
    assert excel.read_bytes() == b"\xef\xbb\xbf" + plain.read_bytes()
    # And the file with the mark imports (it is already present, so nothing changes).
    report = actions.import_history(excel)
    assert (report.rows_read, report.already_present, report.problems) == (1, 1, [])


def test_it_writes_only_the_header_when_there_are_no_cases():
    assert export() == ",".join(COLUMNS) + "\r\n"


def test_it_reads_cases_in_chunks(handler, other_handler, today):
    build_cases(handler, other_handler, today)
    out = io.StringIO()
    assert write_history(out, chunk_size=5) == 12
    assert out.getvalue() == EXPECTED
