import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from putright.residents import actions
from putright.residents.models import AdjustmentKind, AppendOnlyResidentError, ResidentEvent, Restriction
from putright.rules.errors import RuleViolation

TODAY = dt.date(2026, 11, 23)


def restriction_kwargs(**overrides):
    kw = dict(
        reasons="Abusive calls to staff, 12 in October.",
        evidence="Call logs of 3, 10 and 17 October; staff statements.",
        restricted="Contact by email to one named officer; no calls.",
        equality_considerations="No disability disclosed; email suits the resident; a named officer keeps continuity.",
        starts_on=dt.date(2026, 11, 2),
        review_by=dt.date(2027, 2, 2),
    )
    kw.update(overrides)
    return kw


def test_it_adds_a_restriction_with_an_event(resident, manager):
    r = actions.add_restriction(resident, actor=manager, today=TODAY, **restriction_kwargs())
    assert r.is_active(TODAY)
    assert list(Restriction.objects.active(TODAY)) == [r]
    event = ResidentEvent.objects.get(resident=resident)
    assert event.kind == "restriction_added"
    with pytest.raises(AppendOnlyResidentError):
        event.delete()


@pytest.mark.parametrize("field", ["reasons", "evidence", "restricted", "equality_considerations"])
def test_it_refuses_a_restriction_without_each_part(resident, manager, field):
    with pytest.raises(RuleViolation) as e:
        actions.add_restriction(resident, actor=manager, today=TODAY, **restriction_kwargs(**{field: " "}))
    assert e.value.field == field and e.value.provision == "5.14"
    assert not Restriction.objects.exists() and not ResidentEvent.objects.exists()


def test_it_refuses_a_restriction_without_a_review_date_or_with_a_distant_one(resident, manager):
    with pytest.raises(RuleViolation) as e:
        actions.add_restriction(resident, actor=manager, today=TODAY, **restriction_kwargs(review_by=None))
    assert e.value.provision == "5.15" and e.value.field == "review_by"
    with pytest.raises(RuleViolation):
        actions.add_restriction(resident, actor=manager, today=TODAY, **restriction_kwargs(review_by=dt.date(2027, 11, 1)))


def test_it_refuses_a_handler_or_oversight(resident, handler, oversight):
    for actor in (handler, oversight):
        with pytest.raises(PermissionDenied):
            actions.add_restriction(resident, actor=actor, today=TODAY, **restriction_kwargs())


def test_it_lapses_a_restriction_past_its_review_date_without_a_review(resident, manager):
    r = actions.add_restriction(resident, actor=manager, today=TODAY, **restriction_kwargs(review_by=dt.date(2026, 12, 1)))
    assert r.status(dt.date(2026, 12, 1)) == "active"
    later = dt.date(2026, 12, 2)
    assert r.status(later) == "lapsed"
    assert not Restriction.objects.active(later).exists()
    assert list(Restriction.objects.lapsed(later)) == [r]
    with pytest.raises(RuleViolation) as e:
        actions.review_restriction(r, reviewed_on=later, outcome="continue", notes="Still needed.", next_review_by=dt.date(2027, 3, 1), actor=manager, today=later)
    assert e.value.provision == "5.15"
    actions.end_restriction(r, ended_on=later, reason="Lapsed; resident told by letter.", actor=manager, today=later)
    assert not Restriction.objects.lapsed(later).exists()


def test_it_reviews_a_restriction_in_time(resident, manager):
    r = actions.add_restriction(resident, actor=manager, today=TODAY, **restriction_kwargs(review_by=dt.date(2026, 12, 1)))
    with pytest.raises(RuleViolation) as e:
        actions.review_restriction(r, reviewed_on=TODAY, outcome="continue", notes="Calls stopped.", actor=manager, today=TODAY)
    assert e.value.field == "next_review_by"
    r = actions.review_restriction(
        r, reviewed_on=TODAY, outcome="continue", notes="Calls stopped; keep for 3 months.", next_review_by=dt.date(2027, 2, 23), actor=manager, today=TODAY
    )
    assert r.reviewed_on == TODAY and r.status(dt.date(2027, 1, 5)) == "active"
    r = actions.review_restriction(r, reviewed_on=TODAY, outcome="end", notes="No longer needed.", actor=manager, today=TODAY)
    assert r.status(TODAY) == "ended"


def test_it_reviews_an_adjustment(resident, handler, oversight):
    adj = actions.add_adjustment(
        resident, kind=AdjustmentKind.REASONABLE_ADJUSTMENT, description="Large print letters.", agreed_on=dt.date(2026, 5, 1),
        review_by=dt.date(2026, 11, 1), actor=handler, today=TODAY,
    )
    with pytest.raises(PermissionDenied):
        actions.review_adjustment(adj, reviewed_on=TODAY, outcome="end", note="x", actor=oversight, today=TODAY)
    with pytest.raises(RuleViolation) as e:
        actions.review_adjustment(adj, reviewed_on=TODAY, outcome="continue", note="Still needed.", actor=handler, today=TODAY)
    assert e.value.provision == "5.10"
    adj = actions.review_adjustment(adj, reviewed_on=TODAY, outcome="continue", note="Still needed.", next_review_by=dt.date(2027, 5, 23), actor=handler, today=TODAY)
    assert adj.review_by == dt.date(2027, 5, 23) and adj.last_reviewed_on == TODAY
    assert ResidentEvent.objects.filter(resident=resident, kind="adjustment_reviewed").count() == 1


def test_it_refuses_an_adjustment_without_a_review_date(resident, handler):
    with pytest.raises(RuleViolation) as e:
        actions.add_adjustment(resident, kind="vulnerability", description="Hearing loss.", agreed_on=TODAY, review_by=None, actor=handler, today=TODAY)
    assert e.value.provision == "5.10"


def test_the_case_page_flag_lists_the_active_and_the_lapsed_from_one_query(resident, manager, django_assert_num_queries):
    import time_machine
    from django.utils import timezone

    from putright.residents.templatetags.safeguards import resident_restrictions

    lapsing = actions.add_restriction(resident, actor=manager, today=TODAY, **restriction_kwargs(review_by=dt.date(2026, 12, 1)))
    active = actions.add_restriction(resident, actor=manager, today=TODAY, **restriction_kwargs(starts_on=dt.date(2026, 11, 20)))
    ended = actions.add_restriction(resident, actor=manager, today=TODAY, **restriction_kwargs(review_by=dt.date(2026, 11, 30)))
    later = dt.date(2026, 12, 2)
    actions.end_restriction(ended, ended_on=later, reason="No longer needed.", actor=manager, today=later)
    with time_machine.travel(dt.datetime(2026, 12, 2, 12, 0, tzinfo=timezone.get_current_timezone()), tick=False):
        with django_assert_num_queries(1):
            rs = resident_restrictions(resident)
    assert rs["active"] == list(Restriction.objects.active(later)) == [active]
    assert rs["lapsed"] == list(Restriction.objects.lapsed(later)) == [lapsing]
