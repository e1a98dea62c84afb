"""End to end in a real browser, with a real SMTP server: a resident complains, gets the email,
follows its private link, and asks for stage 2 once the stage 1 response is out."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import expect

from putright.cases import actions
from putright.cases.models import Case, Stage
from putright.notifications.outbox import send_due
from putright.notifications.testing import text_of
from putright.rules.lifecycle import Decision, State
from tests.browser.portal_pages import WHAT_HAPPENED, ComplaintJourney, MyCasesPage
from tests.browser.portal_support import mail_server  # noqa: F401 (a fixture)
from tests.browser.support import assert_accessible

LINK = re.compile(r"(http://[^\s]+/track/link/[A-Za-z0-9_-]+/)")


def _d(day: dt.date) -> str:
    return f"{day:%-d %B %Y}"


def test_it_takes_a_complaint_from_the_browser_to_stage_2_by_email(page, mail_server, handler, today):  # noqa: F811
    journey = ComplaintJourney(page)
    journey.start()
    journey.what_happened()
    journey.put_right()
    journey.when(today - dt.timedelta(days=40))
    journey.someone_else(yes=False)
    journey.your_details("Grace Owusu", email="grace@example.org", postcode="LS1 4AB")
    journey.contact("Email")
    journey.support("Easy read", "Please phone me before you visit: I use a wheelchair.")
    journey.attachments([{"name": "ceiling.jpg", "mimeType": "image/jpeg", "buffer": b"\xff\xd8\xff photo"}])
    expect(journey.heading).to_have_text("Check your answers before sending your complaint")
    expect(journey.main).to_contain_text("ceiling.jpg")
    reference = journey.send()
    expect(journey.panel).to_contain_text("Complaint sent")

    case = Case.objects.get(reference=reference)
    stage1 = Stage.objects.get(case=case, number=1)
    expect(journey.main).to_contain_text(_d(stage1.acknowledge_by))
    expect(journey.main).to_contain_text(_d(stage1.respond_by))
    assert case.resident.preferred_format == "easy_read"
    assert case.resident.adjustments.get().kind == "reasonable_adjustment"

    # The receipt was delivered to the SMTP server while the resident waited.
    (receipt,) = mail_server.wait_for(1)
    assert receipt["To"] == "grace@example.org"
    assert receipt["Subject"] == f"We have received your complaint ({reference})"
    body = text_of(receipt)
    assert reference in body and _d(stage1.acknowledge_by) in body and _d(stage1.respond_by) in body
    link = LINK.search(body).group(1)

    # Staff acknowledge and respond, through the service path as the staff pages do.
    actions.acknowledge(case, acknowledged_on=today, definition="The kitchen ceiling leak was not repaired.",
                        outcomes_sought="Fix the leak; repaint.", actor=handler, today=today)
    actions.respond(case, responded_on=today, points=[actions.PointDecision("The leak was not fixed", Decision.UPHELD, "The repair was missed.")],
                    actor=handler, today=today)
    # The resident is told of the response when its letter is issued.
    from putright.letters import actions as letter_actions
    from putright.letters.tests import factories as lf

    lf.landlord()
    letter_actions.issue_letter(letter_actions.draft_letter(case, "stage1_response", actor=handler), handler, today=today)
    assert send_due() == (2, 0)
    mail_server.wait_for(3)
    assert [m["Subject"].split(" (")[0] for m in mail_server.messages[1:]] == [
        "We have acknowledged your complaint at stage 1", "Our response to your complaint"]

    # The resident follows the link in the first email and asks for stage 2, giving no reason.
    page.goto(link)
    page.get_by_role("button", name="Continue to your complaints").click()  # a GET alone signs nobody in
    cases = MyCasesPage(page)
    expect(cases.heading).to_have_text("Your complaints")
    case_page = cases.open_case(reference)
    expect(case_page.main).to_contain_text("Response sent")
    expect(case_page.main).to_contain_text(WHAT_HAPPENED)
    form = case_page.do("Ask us to look at it again (stage 2)")
    expect(form.heading).to_have_text("Ask us to look at your complaint again")
    assert_accessible(page, "stage 2 request")
    case_page.submit("Ask for stage 2")
    expect(case_page.success_banner).to_contain_text("We have your request for stage 2")
    case.refresh_from_db()
    assert case.state == State.STAGE2_REQUESTED
    stage2 = Stage.objects.get(case=case, number=2)
    expect(case_page.main).to_contain_text(_d(stage2.acknowledge_by))
    mail_server.wait_for(4)
    assert mail_server.messages[3]["Subject"] == f"We have received your request for stage 2 ({reference})"
    assert _d(stage2.acknowledge_by) in text_of(mail_server.messages[3])
