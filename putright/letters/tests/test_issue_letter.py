"""issue_letter: a complete letter is recorded as outgoing correspondence with its exact text and
PDF, and frozen; a letter missing any required element cannot be issued, and nothing is saved."""

import copy
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from putright.cases import actions
from putright.cases.models import AppendOnlyError, Case, CaseEvent, Correspondence, DecisionPoint, Extension, LandlordSettings, Remedy, Stage
from putright.cases.tests import factories as f
from putright.letters import actions as letter_actions
from putright.letters import drafting
from putright.letters.models import Letter, LetterKind, LetterStatus
from putright.letters.tests import factories as lf
from putright.letters.tests.test_checks import GAPS, _set
from putright.rules.errors import RuleViolation
from putright.rules.lifecycle import State

pytestmark = pytest.mark.django_db


def refused(letter, actor, *, provision):
    before = (Correspondence.objects.count(), CaseEvent.objects.count())
    with pytest.raises(RuleViolation) as raised:
        letter_actions.issue_letter(letter, actor, today=lf.TODAY)
    assert raised.value.provision == provision, raised.value
    assert provision in [m.provision for m in raised.value.missing]
    assert (Correspondence.objects.count(), CaseEvent.objects.count()) == before, "a refused issue saved something"
    letter.refresh_from_db()
    assert letter.status == LetterStatus.DRAFT
    return raised.value


def test_it_issues_a_complete_letter_as_outgoing_correspondence(make_draft, handler):
    letter = make_draft(LetterKind.STAGE1_RESPONSE)
    events = CaseEvent.objects.filter(case=letter.case).count()
    letter = letter_actions.issue_letter(letter, handler, today=lf.TODAY)

    assert letter.status == LetterStatus.ISSUED
    assert (letter.issued_on, letter.issued_by) == (lf.TODAY, handler)
    item = letter.correspondence
    assert (item.direction, item.occurred_on, item.subject) == ("out", lf.TODAY, letter.subject)
    assert item.body == letter.text  # the exact text sent
    assert "This is our stage 1 response" in letter.text
    attachment = item.attachments.get()
    assert attachment.content_type == "application/pdf"
    assert letter.pdf.name == attachment.file.name and letter.pdf_sha256 == attachment.sha256
    # The letter on the timeline, and the response it issues (cases.actions.issuing).
    assert CaseEvent.objects.filter(case=letter.case).count() == events + 2
    assert CaseEvent.objects.filter(case=letter.case, kind="issued", data__step="response").count() == 1
    assert letter.event.kind == "correspondence" and letter.event.data["correspondence"] == item.pk
    assert letter.sections["points"][0]["reasons"] == "The job was booked 3 weeks late."


def test_it_keeps_an_issued_letter_immutable(make_draft, handler):
    letter = letter_actions.issue_letter(make_draft(LetterKind.STAGE1_ACKNOWLEDGEMENT), handler, today=lf.TODAY)
    letter.subject = "Changed"
    with pytest.raises(AppendOnlyError):
        letter.save()
    with pytest.raises(AppendOnlyError):
        letter.delete()
    with pytest.raises(AppendOnlyError):
        Letter.objects.filter(pk=letter.pk).update(subject="Changed")
    with pytest.raises(AppendOnlyError):
        Letter.objects.filter(pk=letter.pk).delete()
    with pytest.raises(RuleViolation):
        letter_actions.issue_letter(letter, handler, today=lf.TODAY)
    with pytest.raises(RuleViolation):
        letter_actions.save_draft(letter, subject="New", body_html="<p>{{ required }}</p>", actor=handler)
    assert Letter.objects.get(pk=letter.pk).subject != "Changed"


def test_it_lets_oversight_read_but_not_draft_or_issue(make_draft, oversight):
    letter = make_draft(LetterKind.STAGE1_ACKNOWLEDGEMENT)
    with pytest.raises(PermissionDenied):
        letter_actions.issue_letter(letter, oversight, today=lf.TODAY)
    with pytest.raises(PermissionDenied):
        letter_actions.draft_letter(letter.case, LetterKind.STAGE1_ACKNOWLEDGEMENT, actor=oversight)
    with pytest.raises(PermissionDenied):
        letter_actions.save_draft(letter, subject="x", body_html="<p>x</p>", actor=oversight)


def test_it_returns_the_open_draft_instead_of_a_second_one(make_draft, handler):
    letter = make_draft(LetterKind.STAGE1_ACKNOWLEDGEMENT)
    assert letter_actions.draft_letter(letter.case, LetterKind.STAGE1_ACKNOWLEDGEMENT, actor=handler) == letter


def test_it_refuses_a_kind_that_does_not_fit_the_case(handler, resident):
    case = f.complaint_at(State.STAGE1_LOGGED, handler=handler, resident=resident)
    with pytest.raises(RuleViolation):
        letter_actions.draft_letter(case, LetterKind.STAGE1_RESPONSE, actor=handler)
    assert drafting.applicable_kinds(case) == []


# --- a test per element: a letter missing it cannot be issued -----------------------------------


@pytest.mark.parametrize(("kind", "path", "value", "provision"), GAPS)
def test_it_cannot_issue_a_letter_missing_an_element(monkeypatch, make_draft, issuer, kind, path, value, provision):
    """The sections issue_letter checks are exactly those it prints: blank one, and it refuses."""
    letter = make_draft(kind)
    build = drafting.build_sections

    def with_gap(*args, **kwargs):
        sections = copy.deepcopy(build(*args, **kwargs))
        _set(sections, path, value)
        if path == "escalation.email":  # the route is missing only when there is no phone either
            _set(sections, "escalation.phone", "")
        return sections

    monkeypatch.setattr(drafting, "build_sections", with_gap)
    refused(letter, issuer(kind), provision=provision)


# The same refusals from the record itself, as a handler would meet them.


def test_it_cannot_issue_an_acknowledgement_without_the_definition(make_draft, handler):
    letter = make_draft(LetterKind.STAGE1_ACKNOWLEDGEMENT)
    Stage.objects.filter(case=letter.case, number=1).update(definition="")
    refused(letter, handler, provision="5.6")


def test_it_cannot_issue_an_acknowledgement_without_the_responsibility_statement(make_draft, handler):
    letter = make_draft(LetterKind.STAGE1_ACKNOWLEDGEMENT)
    Stage.objects.filter(case=letter.case, number=1).update(responsible_for="")
    refused(letter, handler, provision="5.7")


def test_it_cannot_issue_a_response_with_a_decision_without_reasons(make_draft, handler):
    letter = make_draft(LetterKind.STAGE1_RESPONSE)
    DecisionPoint.objects.filter(stage__case=letter.case, position=1).update(reasons="")
    error = refused(letter, handler, provision="6.9 d")
    assert "Point 2" in str(error)


def test_it_cannot_issue_a_response_with_a_remedy_without_a_date(make_draft, handler):
    letter = make_draft(LetterKind.STAGE1_RESPONSE)
    Remedy.objects.filter(case=letter.case, completed_on__isnull=True).update(due_by=None)
    refused(letter, handler, provision="7.3")


def test_it_cannot_issue_a_stage1_response_without_the_escalation_route(make_draft, handler):
    letter = make_draft(LetterKind.STAGE1_RESPONSE)
    LandlordSettings.objects.filter(pk=1).update(complaints_email="", complaints_phone="")
    refused(letter, handler, provision="6.9 g")


def test_it_cannot_issue_a_final_response_without_the_ombudsman(make_draft, other_handler):
    letter = make_draft(LetterKind.STAGE2_RESPONSE)
    LandlordSettings.objects.filter(pk=1).update(housing_ombudsman_contact="")
    refused(letter, other_handler, provision="6.19 g")


def test_it_cannot_issue_an_extension_letter_without_the_ombudsman(make_draft, handler):
    letter = make_draft(LetterKind.EXTENSION)
    LandlordSettings.objects.filter(pk=1).update(housing_ombudsman_contact="")
    refused(letter, handler, provision="6.5")


def test_it_cannot_issue_an_extension_letter_without_the_update_interval(make_draft, handler):
    letter = make_draft(LetterKind.EXTENSION)
    Extension.objects.filter(stage__case=letter.case).update(update_every_working_days=None)
    refused(letter, handler, provision="5.9")


def test_it_cannot_issue_a_refusal_without_the_right_to_go_to_the_ombudsman(make_draft, handler):
    letter = make_draft(LetterKind.REFUSAL)
    LandlordSettings.objects.filter(pk=1).update(housing_ombudsman_contact="")
    refused(letter, handler, provision="2.4")


def test_it_cannot_issue_wording_that_dropped_the_required_parts(make_draft, handler):
    letter = make_draft(LetterKind.STAGE1_RESPONSE)
    letter_actions.save_draft(letter, subject=letter.subject, body_html="<p>Dear Rita, sorted.</p>", actor=handler)
    refused(letter, handler, provision="6.9")


def test_it_cannot_issue_a_response_for_an_imported_case_without_reasons(handler, tmp_path):
    """History brought in by import has decisions but no points or reasons: the letter says so."""
    from putright.cases.tests.test_import import STAGE1, complaint, write

    lf.landlord()
    report = actions.import_history(write(tmp_path, [complaint(**STAGE1)]), today=lf.TODAY)
    assert report.written
    case = Case.objects.get(reference="OLD-1")
    letter = letter_actions.draft_letter(case, LetterKind.STAGE1_RESPONSE, actor=handler)
    error = refused(letter, handler, provision="6.9 b")
    assert {"6.9 b", "6.9 d"} <= {m.provision for m in error.missing}


def test_it_issues_a_stage2_refusal_naming_escalation(handler, resident, today):
    lf.landlord()
    case = f.complaint_at(State.STAGE2_REQUESTED, handler=handler, resident=resident)
    case = actions.refuse(case, today=dt.date(2026, 11, 18), **f.refuse_kwargs(refused_on=dt.date(2026, 11, 18)))
    letter = letter_actions.draft_letter(case, LetterKind.REFUSAL, actor=handler)
    assert letter.stage_number == 2
    letter = letter_actions.issue_letter(letter, handler, today=today)
    assert "not able to take your complaint to stage 2" in letter.text
