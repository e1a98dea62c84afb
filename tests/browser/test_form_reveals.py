"""Two forms in a real browser (issue 16): the refuse form's reasons reveal only their own
questions (and all show without JavaScript), and the self-assessment goes provision by provision
with "save and next". axe-core on every new page and state."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import expect

from putright.cases.models import Refusal
from putright.selfassessment.models import SelfAssessment
from putright.selfassessment.provisions import PROVISIONS
from putright.reports import periods
from tests.browser.pages import StepFormPage
from tests.browser.support import assert_accessible, fresh_complaint, sign_in


def test_the_refuse_form_reveals_only_the_chosen_reasons_questions(page, manager, handler, resident, today):
    case = fresh_complaint(handler=handler, resident=resident, today=today)
    sign_in(page, manager)
    form = StepFormPage(page).goto_step(case.reference, "refuse")
    about = page.get_by_label("What the complaint is about", exact=True)
    started = page.get_by_role("group", name="Date legal proceedings started")
    expect(about).to_be_hidden()
    expect(started).to_be_hidden()
    assert_accessible(page, "refuse form, no reason chosen")

    page.get_by_label("Legal proceedings have started").check()
    expect(started).to_be_visible()
    expect(about).to_be_hidden()
    assert_accessible(page, "refuse form, legal proceedings chosen")

    page.get_by_label("Another reason, explained to the resident").check()
    expect(about).to_be_visible()
    expect(started).to_be_hidden()
    form.fill("The explanation given to the resident", "We cannot take this on as a complaint.")
    page.get_by_label("The resident was told they can take this decision to the Housing Ombudsman").check()
    page.get_by_role("button", name="Refuse").click()

    # The server names the field, inside the reveal that stays open.
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Say what the complaint is about")
    summary.get_by_role("link", name=re.compile("Say what the complaint is about")).click()
    expect(about).to_be_focused()
    expect(page.get_by_role("group", name="Date legal proceedings started")).to_be_hidden()
    assert_accessible(page, "refuse form, error inside the reveal")
    about.fill("Car parking run by the council")
    page.get_by_role("button", name="Refuse").click()
    expect(page.locator(".govuk-notification-banner")).to_be_visible()
    refusal = Refusal.objects.get(case=case)
    assert (refusal.reason, refusal.about) == ("other", "Car parking run by the council")


def test_without_javascript_every_reasons_questions_show_and_the_form_works(page_without_js, manager, handler, resident, today):
    page = page_without_js
    case = fresh_complaint(handler=handler, resident=resident, today=today)
    sign_in(page, manager)
    form = StepFormPage(page).goto_step(case.reference, "refuse")
    for label in ("What the complaint is about", "Reference of the earlier complaint", "Why discretion to accept an older issue was not used"):
        expect(page.get_by_label(label, exact=True)).to_be_visible()
    page.get_by_label("Legal proceedings have started").check()
    form.fill_date("Date legal proceedings started", today - dt.timedelta(days=14))
    form.fill("The explanation given to the resident", "A court claim covers this.")
    page.get_by_label("The resident was told they can take this decision to the Housing Ombudsman").check()
    page.get_by_label("What the complaint is about", exact=True).fill("Typed, then another reason chosen")
    page.get_by_role("button", name="Refuse").click()
    expect(page.locator(".govuk-notification-banner")).to_be_visible()
    refusal = Refusal.objects.get(case=case)
    assert (refusal.reason, refusal.about) == ("legal_proceedings", "")  # only the chosen reason's answers


def test_the_self_assessment_goes_provision_by_provision(page, manager, today):
    assessment = SelfAssessment.start(title="Self-assessment", year=periods.last_complete_year(today), user=manager)
    numbers = [number for number, _, _ in PROVISIONS]
    sign_in(page, manager)
    page.goto(f"/self-assessment/{assessment.pk}/")
    page.get_by_role("link", name=f"Change the answer to provision {numbers[0]}").click()
    expect(page.locator(".govuk-caption-l")).to_contain_text(f"Provision 1 of {len(numbers)}")
    assert_accessible(page, "self-assessment, first provision")

    for position, number in enumerate(numbers[:3], start=1):
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Provision {number}")
        expect(page.locator(".govuk-caption-l")).to_contain_text(f"Provision {position} of {len(numbers)}")
        page.get_by_label("Yes", exact=True).check()
        page.get_by_label("Evidence").fill(f"Complaints policy, section {position}")
        page.get_by_role("button", name=f"Save and go to {numbers[position]}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Provision {numbers[3]}")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(f"Provision {numbers[2]}: saved.")
    assert_accessible(page, "self-assessment, after save and next")
    answers = assessment.answers_by_number()
    assert [answers[n].complies for n in numbers[:3]] == ["yes"] * 3
    assert answers[numbers[1]].evidence == "Complaints policy, section 2"

    # Back a provision without saving, then the way back to the list.
    page.get_by_role("link", name=re.compile(rf"Previous provision.*{re.escape(numbers[2])}")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Provision {numbers[2]}")
    expect(page.get_by_label("Evidence")).to_have_value("Complaints policy, section 3")
    page.get_by_role("button", name="Save and return to the list").click()
    expect(page).to_have_url(re.compile(rf"/self-assessment/{assessment.pk}/(#p-.*)?$"))

    # The last provision has no "next": it saves and returns to the list.
    page.goto(f"/self-assessment/{assessment.pk}/provisions/{numbers[-1]}/")
    expect(page.locator(".govuk-caption-l")).to_contain_text(f"Provision {len(numbers)} of {len(numbers)}")
    expect(page.get_by_role("button", name=re.compile("^Save and go to"))).to_have_count(0)
    assert_accessible(page, "self-assessment, last provision")
