"""Staff pages: the Letters section of the case page, the draft page (checks, readability,
preview, PDF), issuing (refused with the checks in the error summary), roles, and the bundle."""

import io
import zipfile

import pytest
from django.urls import reverse

from putright.cases.models import Correspondence, Stage
from putright.cases.tests.test_views_forms import error_summary
from putright.letters.models import Letter, LetterKind, LetterStatus
from putright.cases.tests import factories as f
from putright.letters.tests import factories as lf

pytestmark = pytest.mark.django_db


def detail(case):
    return reverse("cases:detail", args=[case.reference])


def test_it_offers_the_letters_that_fit_the_case(client, handler, other_handler, resident):
    case = lf.case_for(LetterKind.STAGE1_RESPONSE, handler=handler, stage2_handler=other_handler, resident=resident)
    client.force_login(handler)
    html = client.get(detail(case)).content.decode()
    assert 'id="letters-heading"' in html and "No letters yet." in html
    assert "Draft letter: stage 1 acknowledgement" in html and "Draft letter: stage 1 response" in html
    assert "Draft letter: stage 2" not in html and "Draft letter: refusal" not in html
    assert reverse("letters:bundle", args=[case.reference, "ombudsman"]) in html


def test_it_drafts_checks_and_issues_a_letter(client, handler, other_handler, resident):
    case = lf.case_for(LetterKind.STAGE1_RESPONSE, handler=handler, stage2_handler=other_handler, resident=resident)
    client.force_login(handler)
    response = client.post(reverse("letters:draft", args=[case.reference, LetterKind.STAGE1_RESPONSE]))
    letter = Letter.objects.get(case=case)
    assert response.url == reverse("letters:letter", args=[letter.pk])

    page = client.get(response.url).content.decode()
    assert "Everything the Code requires is in this letter." in page
    assert 'id="readability"' in page and "Reading age" in page
    assert "{{ required }}" not in page  # no markup or markers to keep: plain paragraphs
    assert 'id="required-parts"' in page  # the required parts, a fixed block between them
    assert "<textarea" in page and "&lt;p&gt;" not in page

    preview = client.get(reverse("letters:preview", args=[letter.pk]))
    assert "This is our stage 1 response" in preview.content.decode()
    assert "default-src 'none'" in preview["Content-Security-Policy"]
    pdf = client.get(reverse("letters:pdf", args=[letter.pk]))
    assert pdf["Content-Type"] == "application/pdf" and "DRAFT" in pdf["Content-Disposition"]

    form = client.get(reverse("letters:letter", args=[letter.pk])).context["form"]
    data = {"subject": "Our reply", "before": form.initial["before"], "after": form.initial["after"], "continue": "1"}
    response = client.post(reverse("letters:letter", args=[letter.pk]), data)
    # Issuing is a step of its own: saved, then asked to confirm.
    assert response.url == reverse("letters:issue", args=[letter.pk])
    letter.refresh_from_db()
    assert letter.status == LetterStatus.DRAFT and letter.subject == "Our reply"
    confirm = client.get(response.url).content.decode()
    assert "Issuing cannot be undone" in confirm and "Issue letter</button>" in confirm
    response = client.post(response.url)
    letter.refresh_from_db()
    assert response.status_code == 302 and letter.status == LetterStatus.ISSUED
    assert letter.subject == "Our reply" and letter.issued_by == handler
    assert Correspondence.objects.get(case=case, direction="out").body == letter.text
    page = client.get(detail(case)).content.decode()
    assert "Issued" in page and reverse("letters:pdf", args=[letter.pk]) in page
    issued = client.get(reverse("letters:pdf", args=[letter.pk]))
    assert b"".join(issued.streaming_content).startswith(b"%PDF")


def test_it_refuses_to_issue_with_the_checks_in_the_error_summary(client, handler, other_handler, resident):
    case = lf.case_for(LetterKind.STAGE1_ACKNOWLEDGEMENT, handler=handler, stage2_handler=other_handler, resident=resident)
    Stage.objects.filter(case=case, number=1).update(definition="", responsible_for="")
    client.force_login(handler)
    url = client.post(reverse("letters:draft", args=[case.reference, LetterKind.STAGE1_ACKNOWLEDGEMENT])).url
    letter = Letter.objects.get(case=case)
    page = client.get(url).content.decode()
    assert "This letter cannot be issued until these are put right" in page

    confirm = client.get(reverse("letters:issue", args=[letter.pk])).content.decode()
    assert "Issue letter</button>" not in confirm and "Go back and put it right" in confirm
    response = client.post(reverse("letters:issue", args=[letter.pk]))
    summary = error_summary(response)
    assert "(Code 5.6)" in summary and "(Code 5.7)" in summary
    letter.refresh_from_db()
    assert letter.status == LetterStatus.DRAFT and not Correspondence.objects.filter(case=case).exists()


def test_it_saves_edits_and_discards_a_draft(client, handler, other_handler, resident):
    case = lf.case_for(LetterKind.STAGE1_ACKNOWLEDGEMENT, handler=handler, stage2_handler=other_handler, resident=resident)
    client.force_login(handler)
    url = client.post(reverse("letters:draft", args=[case.reference, LetterKind.STAGE1_ACKNOWLEDGEMENT])).url
    typed = {"subject": "New subject", "before": "Dear Rita,\n\nHello <b>there", "after": "- one\n- two\n\nYours,\nThe team", "save": "1"}
    client.post(url, typed)
    letter = Letter.objects.get(case=case)
    # Whatever is typed is text: "<b>" cannot open a tag, and the required parts cannot be lost.
    assert letter.subject == "New subject"
    assert letter.body_html == (
        "<p>Dear Rita,</p>\n<p>Hello &lt;b&gt;there</p>\n{{ required }}\n<ul><li>one</li><li>two</li></ul>\n<p>Yours,<br>The team</p>"
    )
    page = client.get(url)
    assert page.context["form"].initial["before"] == "Dear Rita,\n\nHello <b>there"
    response = client.post(url, {"subject": "", "before": "", "save": "1"})
    assert "Enter the subject of the letter" in error_summary(response)
    assert "Enter the wording of the letter" in error_summary(response)
    client.post(url, {"discard": "1"})
    assert not Letter.objects.filter(case=case).exists()


def test_it_lets_oversight_read_letters_but_not_draft_or_issue(client, handler, other_handler, resident, oversight):
    case = lf.case_for(LetterKind.STAGE1_ACKNOWLEDGEMENT, handler=handler, stage2_handler=other_handler, resident=resident)
    client.force_login(handler)
    url = client.post(reverse("letters:draft", args=[case.reference, LetterKind.STAGE1_ACKNOWLEDGEMENT])).url
    letter = Letter.objects.get(case=case)
    client.force_login(oversight)
    assert "Draft letter" not in client.get(detail(case)).content.decode()
    page = client.get(url)
    assert page.status_code == 200 and "Issue letter" not in page.content.decode()
    assert client.get(reverse("letters:preview", args=[letter.pk])).status_code == 200
    assert client.post(url, {"subject": "x", "before": "x", "save": "1"}).status_code == 403
    assert client.post(reverse("letters:issue", args=[letter.pk])).status_code == 403
    assert client.post(reverse("letters:draft", args=[case.reference, LetterKind.STAGE1_ACKNOWLEDGEMENT])).status_code == 403
    assert Letter.objects.get(pk=letter.pk).status == LetterStatus.DRAFT
    # Producing a bundle reads the record, so oversight may (the Member Responsible for Complaints).
    assert client.post(reverse("letters:bundle", args=[case.reference, "ombudsman"])).status_code == 200


def test_it_needs_sign_in_and_404s_a_letter_that_does_not_exist(client, handler):
    assert client.get(reverse("letters:letter", args=[1])).status_code == 302
    client.force_login(handler)
    assert client.get(reverse("letters:letter", args=[999999])).status_code == 404
    assert client.get(reverse("letters:pdf", args=[999999])).status_code == 404


def test_it_downloads_the_bundle_from_the_case_page(client, handler, other_handler, resident):
    case = lf.case_for(LetterKind.STAGE1_RESPONSE, handler=handler, stage2_handler=other_handler, resident=resident)
    lf.note(case, handler)
    client.force_login(handler)
    assert client.get(reverse("letters:bundle", args=[case.reference, "resident"])).status_code == 405
    response = client.post(reverse("letters:bundle", args=[case.reference, "resident"]))
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert f"{case.reference}.pdf" in archive.namelist() and "manifest.csv" in archive.namelist()
    assert client.post(reverse("letters:bundle", args=[case.reference, "everyone"])).status_code == 404


def test_it_stops_offering_a_letter_once_issued_but_offers_one_per_extension(client, handler, other_handler, resident):
    from putright.cases import actions
    from putright.letters import actions as letter_actions

    case = lf.case_for(LetterKind.EXTENSION, handler=handler, stage2_handler=other_handler, resident=resident)
    for kind in (LetterKind.STAGE1_ACKNOWLEDGEMENT, LetterKind.EXTENSION):
        letter_actions.issue_letter(letter_actions.draft_letter(case, kind, actor=handler), handler, today=lf.TODAY)
    client.force_login(handler)
    html = client.get(detail(case)).content.decode()
    assert "Draft letter: stage 1 acknowledgement" not in html and "Draft letter: extension" not in html
    actions.extend(case, actor=handler, today=lf.TODAY, **f.extend_kwargs(new_respond_by=lf.TODAY.replace(day=30)))
    html = client.get(detail(case)).content.decode()
    assert "Draft letter: extension" in html
