import datetime as dt

import pytest
from django.urls import reverse

from putright.cases.tests.factories import complaint_at
from putright.learning import actions as learning
from putright.ombudsman import actions
from putright.ombudsman.models import OmbudsmanCase, Order
from putright.rules.lifecycle import State

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def complaint(handler, resident):
    return complaint_at(State.STAGE1_RESPONDED, handler=handler, resident=resident)


@pytest.fixture
def oc(complaint, handler):
    oc = actions.open_ombudsman_case(case=complaint, category="property_condition", opened_on=dt.date(2026, 11, 18), their_reference="HOS-1", actor=handler, today=TODAY)
    actions.add_information_request(oc, requested_on=dt.date(2026, 11, 18), due_by=dt.date(2026, 11, 20), actor=handler, today=TODAY)
    d = actions.record_determination(oc, determined_on=dt.date(2026, 11, 20), findings=[("Repairs", "maladministration")], actor=handler, today=TODAY)
    actions.add_order(oc, kind="order", text="Pay £300 compensation.", due_by=dt.date(2026, 11, 21), compensation_ordered=300, determination=d, actor=handler)
    return oc


def _client(client, user):
    client.force_login(user)
    return client


def test_it_shows_every_page_to_oversight_and_refuses_changes(client, oversight, oc, complaint, admin_user):
    c = _client(client, oversight)
    for url in [
        reverse("ombudsman:list"), reverse("ombudsman:detail", args=[oc.pk]), reverse("ombudsman:reviews"), reverse("ombudsman:exceptional"),
        reverse("learning:list"), reverse("cases:detail", args=[complaint.reference]), reverse("cases:queue"),
    ]:
        assert c.get(url).status_code == 200, url
    for url in [
        reverse("ombudsman:new"), reverse("ombudsman:step", args=[oc.pk, "order"]), reverse("ombudsman:exceptional-new"),
        reverse("learning:record", args=[complaint.reference]), reverse("learning:improvement-new"),
    ]:
        assert c.get(url).status_code == 403, url
        assert c.post(url, {}).status_code == 403, url


def test_it_lists_overdue_orders_and_requests_in_the_reviews_and_queue(client, handler, oc):
    c = _client(client, handler)
    page = c.get(reverse("ombudsman:reviews")).content.decode()
    assert "Pay £300 compensation." in page
    assert "Overdue information requests (1)" in page
    queue = c.get(reverse("cases:queue")).content.decode()
    assert "1 Ombudsman order overdue" in queue


def test_it_adds_a_case_and_an_order_through_the_pages(client, handler, complaint):
    c = _client(client, handler)
    form = c.get(reverse("ombudsman:new") + f"?case={complaint.reference}")
    assert form.status_code == 200
    response = c.post(reverse("ombudsman:new") + f"?case={complaint.reference}", {
        "case_reference": complaint.reference, "category": "property_condition", "body": "", "their_reference": "HOS-9",
        "opened_on_0": "18", "opened_on_1": "11", "opened_on_2": "2026",
    })
    oc = OmbudsmanCase.objects.get(their_reference="HOS-9")
    assert response.status_code == 302 and oc.body == "housing_ombudsman"
    url = reverse("ombudsman:step", args=[oc.pk, "order"])
    refused = c.post(url, {"kind": "order", "text": "Apologise."})
    assert refused.status_code == 200 and "Enter the date the order must be complied with" in refused.content.decode()
    ok = c.post(url, {"kind": "order", "text": "Apologise.", "due_by_0": "21", "due_by_1": "12", "due_by_2": "2026"})
    assert ok.status_code == 302 and Order.objects.filter(ombudsman_case=oc).count() == 1
    assert c.get(reverse("ombudsman:step", args=[oc.pk, "determination"])).status_code == 200
    assert c.get(reverse("ombudsman:step", args=[oc.pk, "compliance"])).status_code == 200


def test_it_records_learning_from_the_case_page(client, handler, complaint):
    c = _client(client, handler)
    page = c.get(reverse("cases:detail", args=[complaint.reference])).content.decode()
    assert reverse("learning:record", args=[complaint.reference]) in page
    response = c.post(reverse("learning:record", args=[complaint.reference]), {
        "recorded_on_0": "23", "recorded_on_1": "11", "recorded_on_2": "2026", "what_went_wrong": "Late repair.", "root_cause": "",
    })
    assert "Enter root cause" in response.content.decode() or "root cause" in response.content.decode().lower()
    assert complaint.learning_items.count() == 0


def test_it_lets_only_administrators_record_exceptional_circumstances(client, manager, admin_user):
    assert _client(client, manager).get(reverse("ombudsman:exceptional-new")).status_code == 403
    c = _client(client, admin_user)
    assert c.get(reverse("ombudsman:exceptional-new")).status_code == 200
    response = c.post(reverse("ombudsman:exceptional-new"), {
        "title_text": "Cyber incident", "description": "Systems down.", "starts_on_0": "2", "starts_on_1": "11", "starts_on_2": "2026",
        "compliance_returns_by_0": "14", "compliance_returns_by_1": "12", "compliance_returns_by_2": "2026",
    })
    assert response.status_code == 302
    assert "Cyber incident" in c.get(reverse("ombudsman:exceptional")).content.decode()


def test_it_shows_improvements(client, handler, manager, complaint):
    item = learning.record_learning(complaint, recorded_on=TODAY, what_went_wrong="Late.", root_cause="No triage.", actor=handler, today=TODAY)
    imp = learning.add_improvement(title="Triage leaks", due_by=dt.date(2026, 11, 1), owner=manager, learning_items=[item], actor=manager)
    c = _client(client, handler)
    assert "Triage leaks" in c.get(reverse("learning:list")).content.decode()
    assert c.get(reverse("learning:improvement", args=[imp.pk])).status_code == 200
    assert "Triage leaks" in c.get(reverse("ombudsman:reviews")).content.decode()


def test_it_saves_an_edit_of_exceptional_circumstances(client, admin_user):
    """Security test finding (Low): saving "exceptional circumstances -> edit" answered 500 every time."""
    from putright.ombudsman import actions as ombudsman_actions

    ec = ombudsman_actions.record_exceptional_circumstance(
        title="Cyber incident", description="Systems down.", starts_on=dt.date(2026, 11, 2),
        compliance_returns_by=dt.date(2026, 12, 14), actor=admin_user, today=TODAY,
    )
    c = _client(client, admin_user)
    url = reverse("ombudsman:exceptional-edit", args=[ec.pk])
    assert c.get(url).status_code == 200
    response = c.post(url, {"description": "Systems still down.", "compliance_returns_by_0": "21", "compliance_returns_by_1": "12", "compliance_returns_by_2": "2026"})
    assert response.status_code == 302
    ec.refresh_from_db()
    assert (ec.description, ec.compliance_returns_by, ec.starts_on, ec.title) == ("Systems still down.", dt.date(2026, 12, 21), dt.date(2026, 11, 2), "Cyber incident")


def test_the_case_page_lists_its_ombudsman_cases_learning_and_exceptional_circumstances(client, handler, admin_user, complaint, oc, django_assert_num_queries):
    """From one query (ombudsman_tags.case_ombudsman), newest first as each model orders them."""
    from putright.learning.models import LearningItem
    from putright.ombudsman.models import ExceptionalCircumstance
    from putright.ombudsman.templatetags.ombudsman_tags import case_ombudsman

    other = actions.open_ombudsman_case(case=complaint, category="property_condition", opened_on=dt.date(2026, 11, 20), body="other",
                                        body_name="The <Regulator>", actor=handler, today=TODAY)
    learning.record_learning(complaint, recorded_on=dt.date(2026, 11, 19), what_went_wrong="Late repair & no call back.", root_cause="Contractor", actor=handler, today=TODAY)
    learning.record_learning(complaint, recorded_on=dt.date(2026, 11, 23), what_went_wrong="No update sent.", root_cause="Workload", actor=handler, today=TODAY)
    for title, starts_on in (("Flooding", dt.date(2026, 11, 2)), ("Cyber incident", dt.date(2026, 11, 9))):
        actions.record_exceptional_circumstance(title=title, description="Systems down.", starts_on=starts_on, compliance_returns_by=dt.date(2026, 12, 14),
                                                affected_cases=[complaint], actor=admin_user, today=TODAY)
    from putright.cases.models import Case

    shown = Case.objects.prefetch_related("stages").get(pk=complaint.pk)  # as the case page has it
    with django_assert_num_queries(1):
        om = case_ombudsman(shown)
    assert om["can_record_learning"]
    assert [(o.pk, str(o)) for o in om["ombudsman_cases"]] == [(o.pk, str(o)) for o in OmbudsmanCase.objects.filter(case=complaint)] == [
        (other.pk, f"The <Regulator> #{other.pk}"), (oc.pk, str(oc)),
    ]
    assert [(i.recorded_on, i.what_went_wrong) for i in om["learning_items"]] == list(
        LearningItem.objects.filter(case=complaint).values_list("recorded_on", "what_went_wrong"))
    assert [e.title for e in om["exceptional"]] == list(ExceptionalCircumstance.objects.filter(affected_cases=complaint).values_list("title", flat=True)) == [
        "Cyber incident", "Flooding",
    ]
    page = _client(client, handler).get(reverse("cases:detail", args=[complaint.reference])).content.decode()
    assert f"Ombudsman case: The &lt;Regulator&gt; #{other.pk}" in page and "Ombudsman case: Housing Ombudsman HOS-1" in page
    assert "Learning recorded 23 Nov 2026: No update sent." in page and "Late repair &amp; no call back." in page
    assert page.index("Cyber incident") < page.index("Flooding")
