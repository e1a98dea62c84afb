"""The refuse form's reasons as GOV.UK radios with conditional reveals: each reason's questions
sit inside that reason's reveal, only the chosen reason's answers are kept, and the server's
errors still name the field (the browser journey is tests/browser/test_form_reveals.py)."""

from __future__ import annotations

import datetime as dt
import re

from putright.cases.models import Refusal
from putright.cases.tests import factories as f
from putright.cases.tests.test_views_forms import date_fields, error_summary, step_url
from putright.rules.lifecycle import State

REVEALS = {
    "over_12_months": ["id_issue_arose_on_0", "id_became_aware_on_0", "id_discretion_decision"],
    "legal_proceedings": ["id_proceedings_started_on_0"],
    "previously_considered": ["id_previous_case_reference"],
    "other": ["id_about"],
}


def test_each_reason_reveals_only_its_own_questions(client, manager, handler, today):
    case = f.complaint_at(State.STAGE1_LOGGED, handler=handler, today=today)
    client.force_login(manager)
    html = client.get(step_url(case, "refuse")).content.decode()
    choices = re.findall(r'<input class="govuk-radios__input" id="(id_reason_\d)" name="reason" type="radio" value="(\w+)" data-reveals="conditional-(id_reason_\d)"', html)
    assert [value for _, value, _ in choices] == list(REVEALS)
    for choice_id, value, controls in choices:
        assert controls == choice_id
        assert f'class="govuk-radios__conditional govuk-radios__conditional--hidden" id="conditional-{choice_id}"' in html
        block = html.split(f'id="conditional-{choice_id}"', 1)[1].split('govuk-radios__conditional', 1)[0]
        for reason, ids in REVEALS.items():
            for field_id in ids:
                assert (f'id="{field_id}"' in block) == (reason == value), (value, field_id)
    # Each question appears once: inside its reveal, not again below the radios.
    assert html.count('id="id_about"') == 1 and html.count('id="id_issue_arose_on_0"') == 1


def test_the_error_names_the_revealed_field_and_the_chosen_reveal_stays_open(client, manager, handler, today):
    case = f.complaint_at(State.STAGE1_LOGGED, handler=handler, today=today)
    client.force_login(manager)
    response = client.post(step_url(case, "refuse"), {
        **date_fields("refused_on", today), "reason": "legal_proceedings", "explanation": "A court claim covers this.",
        "ombudsman_rights_given": "on",
        **date_fields("issue_arose_on", parts=("99", "x", "")),  # another reason's question: ignored
    })
    summary = error_summary(response)
    html = response.content.decode()
    assert "legal proceedings" in summary.lower()
    assert 'href="#id_proceedings_started_on_0"' in html
    assert "issue arose" not in summary.lower()
    chosen = re.search(r'id="(id_reason_\d)"[^>]*value="legal_proceedings"', html).group(1)
    assert f'class="govuk-radios__conditional" id="conditional-{chosen}"' in html  # open, not hidden
    assert not Refusal.objects.filter(case=case).exists()


def test_only_the_chosen_reasons_answers_are_kept(client, manager, handler, today):
    case = f.complaint_at(State.STAGE1_LOGGED, handler=handler, today=today)
    client.force_login(manager)
    response = client.post(step_url(case, "refuse"), {
        **date_fields("refused_on", today), "reason": "legal_proceedings", "explanation": "A court claim covers this.",
        "ombudsman_rights_given": "on", **date_fields("proceedings_started_on", today - dt.timedelta(days=30)),
        "about": "Typed before the handler changed their mind.", "previous_case_reference": "PR-2020-000001",
        **date_fields("issue_arose_on", today - dt.timedelta(days=800)),
    })
    assert response.status_code == 302, error_summary(response)
    refusal = Refusal.objects.get(case=case)
    assert refusal.reason == "legal_proceedings"
    assert refusal.proceedings_started_on == today - dt.timedelta(days=30)
    assert (refusal.about, refusal.previous_case_reference, refusal.issue_arose_on) == ("", "", None)
