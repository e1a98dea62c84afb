"""The residents' site: report a problem; words of dissatisfaction bring the offer to complain (1.3)."""

import pytest
from django.urls import reverse

from putright.portal.journey import SESSION_KEY as JOURNEY

pytestmark = pytest.mark.django_db

UNHAPPY = "My heating has been broken for three weeks and nobody has come, I have rung four times."


def test_words_of_dissatisfaction_bring_the_offer_to_complain(client):
    response = client.post(reverse("triage:report"), {"problem": UNHAPPY})
    assert response.status_code == 302 and response.url == reverse("triage:choose")
    html = client.get(reverse("triage:choose")).content.decode()
    assert "It sounds like you are unhappy with us" in html
    assert "nobody has come" in html and "rung four times" in html
    assert "Yes, make a complaint" in html


def test_choosing_to_complain_carries_their_words_into_the_complaint(client):
    client.post(reverse("triage:report"), {"problem": UNHAPPY})
    response = client.post(reverse("triage:choose"), {"choice": "complaint"})
    assert response.url == reverse("portal:question", args=["put-right"])
    assert client.session[JOURNEY]["steps"]["what-happened"] == {"what_happened": UNHAPPY}


def test_a_plain_request_is_not_pushed_to_complain_but_still_may(client):
    client.post(reverse("triage:report"), {"problem": "Can someone fix my kitchen tap please, it drips."})
    html = client.get(reverse("triage:choose")).content.decode()
    assert "It sounds like you are unhappy" not in html
    assert "Do you want to make a complaint?" in html
    response = client.post(reverse("triage:choose"), {"choice": "request"})
    assert response.url == reverse("triage:request")
    assert "make a complaint" in client.get(response.url).content.decode()


def test_an_empty_problem_or_no_choice_says_what_to_do(client):
    html = client.post(reverse("triage:report"), {"problem": "  "}).content.decode()
    assert "Tell us what the problem is" in html
    assert client.get(reverse("triage:choose")).url == reverse("triage:report")
    client.post(reverse("triage:report"), {"problem": UNHAPPY})
    assert "Choose whether you want to make a complaint" in client.post(reverse("triage:choose"), {}).content.decode()
