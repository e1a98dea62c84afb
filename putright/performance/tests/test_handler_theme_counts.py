"""One handler's cases by state (putright.performance.handlerstates) and a theme's every case
(.themecounts), kept by triggers, always equal a live COUNT: after an import, every step of the
service path, a case re-allocated, its handler removed, a case deleted with its themes, a theme
given and taken off, changes by hand, the rows folded, triggers taken off and put back, a rebuild
and a flush; and the queue's totals read from them are the count of the cases it lists."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from putright.cases import actions
from putright.cases.calendar import landlord_calendar
from putright.cases.models import Case, CaseTheme, Theme
from putright.cases.tests import factories as f
from putright.cases.views.queue import filtered_cases
from putright.cases.views.queue_totals import kept_total
from putright.performance import handlerstates, schema, themecounts
from putright.performance.counting import count_each
from putright.performance.handlerstates import KeptForHandler
from putright.performance.models import HandlerCaseCount, ThemeCaseCount
from putright.performance.tests.test_tallies import history
from putright.performance.themecounts import KeptForTheme
from putright.reports.tests.histories import load
from putright.rules.lifecycle import State

pytestmark = pytest.mark.django_db

STATES = [s.value for s in State]


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: f.TODAY)


def assert_counts_agree(*users) -> None:
    """Every handler's (and `users`') cases of each state, open, and in all, and every theme's
    cases, kept and live."""
    handlers = set(Case.objects.exclude(handler=None).values_list("handler_id", flat=True)) | {u.pk for u in users}
    for handler in sorted(handlers):
        mine = Case.objects.filter(handler_id=handler)
        kept = count_each({"all": KeptForHandler(handler), "open": KeptForHandler(handler, open=True),
                           "two": KeptForHandler(handler, ["closed", "stage1_acknowledged"]),
                           **{s: KeptForHandler(handler, [s]) for s in STATES}})
        assert kept == {"all": mine.count(), "open": mine.filter(is_open=True).count(),
                        "two": mine.filter(state__in=["closed", "stage1_acknowledged"]).count(),
                        **{s: mine.filter(state=s).count() for s in STATES}}, handler
    for theme in Theme.objects.values_list("pk", flat=True):
        rows = CaseTheme.objects.filter(theme=theme)
        kept = count_each({"all": KeptForTheme(theme), "open": KeptForTheme(theme, open=True),
                           **{s: KeptForTheme(theme, [s]) for s in STATES}})
        assert kept == {"all": rows.count(), "open": rows.filter(case__is_open=True).count(),
                        **{s: rows.filter(case__state=s).count() for s in STATES}}, theme
    assert handlerstates.agree() and themecounts.agree()


def test_an_import_and_every_step_of_the_service_path_keep_them_true(handler, other_handler, manager, resident):
    load([r for r in history(5, 30) if dt.date.fromisoformat(max(v for k, v in r.items() if k.endswith("_on") and v)) <= f.TODAY])
    assert CaseTheme.objects.exists()
    assert not HandlerCaseCount.objects.exists()  # imported cases have no handler yet
    # Folded: one a theme and state.
    assert ThemeCaseCount.objects.count() == len(set(CaseTheme.objects.values_list("theme_id", "case__state", "case__is_open")))
    assert_counts_agree(handler)
    imported = list(Case.objects.filter(is_open=True).order_by("id"))
    assert len(imported) >= 4
    for case in imported[::2]:
        actions.allocate(case, handler=handler, actor=manager)
    Case.objects.filter(pk__in=[c.pk for c in imported[1::2]]).update(handler=other_handler)  # outside the service path
    assert_counts_agree()
    theme = Theme.objects.create(name="Damp")
    for state in ("stage1_logged", "stage1_acknowledged", "stage1_responded", "stage2_requested", "stage2_acknowledged",
                  "stage2_responded", "closed", "withdrawn", "refused"):
        case = f.complaint_at(state, handler=handler, stage2_handler=other_handler, resident=resident)
        case.themes.add(theme, through_defaults=CaseTheme.defaults_for(case))
        assert_counts_agree()
    case = f.complaint_at("refused", handler=handler, resident=resident)
    case.themes.add(theme, through_defaults=CaseTheme.defaults_for(case))
    actions.reopen(case, reason="Refused in error.", actor=manager)  # its theme's count moves to the state reopened
    assert_counts_agree()
    assert Case.objects.get(pk=case.pk).is_open
    logged = f.log_complaint(handler=handler, actor=handler, resident=resident, themes=[theme])
    logged = actions.acknowledge(logged, actor=handler, today=f.ACKNOWLEDGED, **f.ack_kwargs())
    assert_counts_agree()
    actions.withdraw(logged, withdrawn_on=f.TODAY, reason="Resolved.", actor=handler, today=f.TODAY)  # logged, acknowledged, withdrawn
    assert CaseTheme.objects.filter(theme=theme, case__state="withdrawn").exists()
    assert Case.objects.get(pk=case.pk).is_open
    f.log_complaint(handler=handler, actor=handler, resident=resident, themes=[theme])
    f.log_service_request()
    assert_counts_agree()
    assert handlerstates.compact()["rows"] and themecounts.compact()["rows"]
    # One row a handler, state and openness; one a theme.
    assert HandlerCaseCount.objects.count() == len(set(Case.objects.exclude(handler=None).values_list("handler_id", "state", "is_open")))
    assert ThemeCaseCount.objects.count() == len(set(CaseTheme.objects.values_list("theme_id", "case__state", "case__is_open")))
    assert handlerstates.compact() == themecounts.compact() == {"rows": 0}  # nothing to fold: nothing written
    assert_counts_agree()


def test_re_allocating_removing_the_handler_and_deleting_move_and_take_off_the_counts(handler, other_handler, manager):
    theme, other = Theme.objects.create(name="Damp"), Theme.objects.create(name="Noise")
    case = f.complaint_at("stage1_responded", handler=handler)
    case.themes.set([theme, other], through_defaults=CaseTheme.defaults_for(case))
    closed = f.complaint_at("closed", handler=handler)
    closed.themes.set([theme], through_defaults=CaseTheme.defaults_for(closed))
    handlerstates.compact()
    themecounts.compact()
    assert count_each({"mine": KeptForHandler(handler.pk), "theirs": KeptForHandler(other_handler.pk),
                       "theme": KeptForTheme(theme.pk)}) == {"mine": 2, "theirs": 0, "theme": 2}
    actions.allocate(case, handler=other_handler, actor=manager)
    assert count_each({"mine": KeptForHandler(handler.pk), "theirs": KeptForHandler(other_handler.pk, ["stage1_responded"], open=True)}) == \
        {"mine": 1, "theirs": 1}
    assert_counts_agree(handler, other_handler)
    Case.objects.filter(pk=case.pk).update(handler=None)  # no handler: in nobody's counts
    assert count_each({"theirs": KeptForHandler(other_handler.pk)}) == {"theirs": 0}
    assert_counts_agree(handler, other_handler)
    # A theme taken off, and a case deleted with its themes (its links first, as Django's cascade
    # does; by hand: the service path never deletes a case, its timeline is append-only).
    case.themes.remove(other)
    assert count_each({"other": KeptForTheme(other.pk)}) == {"other": 0}
    # The case deleted is a copy of `closed` made by hand (the service path's have a timeline).
    columns = ", ".join(f.column for f in Case._meta.concrete_fields if f.column not in ("id", "reference"))
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO cases_case (reference, {columns}) SELECT 'BY-HAND-1', {columns} FROM cases_case WHERE id = %s",
                       [closed.pk])
    copy = Case.objects.get(reference="BY-HAND-1")
    copy.themes.set([theme, other], through_defaults=CaseTheme.defaults_for(copy))
    assert count_each({"mine": KeptForHandler(handler.pk), "theme": KeptForTheme(theme.pk)}) == {"mine": 2, "theme": 3}
    assert_counts_agree(handler, other_handler)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM cases_case_themes WHERE case_id = %s", [copy.pk])
        cursor.execute("DELETE FROM cases_case WHERE id = %s", [copy.pk])
    assert count_each({"mine": KeptForHandler(handler.pk), "theme": KeptForTheme(theme.pk)}) == {"mine": 1, "theme": 2}
    # And the other way round: the case removed first takes its themes off; its rows after it, nothing.
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO cases_case (reference, {columns}) SELECT 'BY-HAND-2', {columns} FROM cases_case WHERE id = %s",
                       [closed.pk])
    copy = Case.objects.get(reference="BY-HAND-2")
    copy.themes.set([theme], through_defaults=CaseTheme.defaults_for(copy))
    assert count_each({"theme": KeptForTheme(theme.pk, ["closed"])}) == {"theme": 2}
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM cases_case WHERE id = %s", [copy.pk])
        assert count_each({"theme": KeptForTheme(theme.pk, ["closed"])}) == {"theme": 1}
        cursor.execute("DELETE FROM cases_case_themes WHERE case_id = %s", [copy.pk])
    assert count_each({"theme": KeptForTheme(theme.pk, ["closed"])}) == {"theme": 1}
    assert_counts_agree(handler, other_handler)
    Case.objects.filter(pk=closed.pk).update(handler=None)
    assert count_each({"mine": KeptForHandler(handler.pk), "theme": KeptForTheme(theme.pk)}) == {"mine": 0, "theme": 2}
    assert_counts_agree(handler, other_handler)


def test_changes_by_hand_folding_and_triggers_put_back_keep_them_true(handler, other_handler):
    theme, other = Theme.objects.create(name="Damp"), Theme.objects.create(name="Noise")
    cases = [f.complaint_at("stage1_acknowledged", handler=handler) for _ in range(4)]
    for case in cases:
        case.themes.add(theme, through_defaults=CaseTheme.defaults_for(case))
    handlerstates.compact()
    themecounts.compact()
    Case.objects.filter(pk=cases[0].pk).update(state=State.CLOSED, is_open=False)
    Case.objects.filter(pk=cases[1].pk).update(is_open=False)  # out of step with its state: counted as it is
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_case SET handler_id = %s, state = 'withdrawn' WHERE id = %s", [other_handler.pk, cases[2].pk])
        cursor.execute("UPDATE cases_case SET handler_id = handler_id, state = state, is_open = is_open")  # no change
        cursor.execute("UPDATE cases_case_themes SET theme_id = %s WHERE case_id = %s", [other.pk, cases[3].pk])
        cursor.execute("UPDATE cases_case_themes SET theme_id = theme_id")  # no change
    assert_counts_agree(handler, other_handler)
    handlerstates.compact()
    themecounts.compact()
    assert_counts_agree(handler, other_handler)
    schema.drop_triggers(connection)  # as before a migrate
    Case.objects.filter(pk=cases[3].pk).update(handler=other_handler)
    CaseTheme.objects.filter(case=cases[0]).delete()
    assert not handlerstates.agree() and not themecounts.agree()  # stale while they are off
    schema.ensure(connection)  # as after it: counted again
    assert_counts_agree(handler, other_handler)
    HandlerCaseCount.objects.create(handler=handler.pk, state="closed", is_open=False, delta=7)  # a wrong row
    ThemeCaseCount.objects.create(theme=theme.pk, state="closed", is_open=False, delta=7)
    handlerstates.rebuild()
    themecounts.rebuild()
    assert_counts_agree(handler, other_handler)


def test_a_migrate_with_nothing_to_do_leaves_them_untouched(handler):
    case = f.complaint_at("closed", handler=handler)
    case.themes.add(Theme.objects.create(name="Damp"), through_defaults=CaseTheme.defaults_for(case))
    rows = [list(model.objects.order_by("id").values_list()) for model in (HandlerCaseCount, ThemeCaseCount)]
    assert all(rows)
    call_command("migrate", verbosity=0)
    assert [list(model.objects.order_by("id").values_list()) for model in (HandlerCaseCount, ThemeCaseCount)] == rows


@pytest.mark.django_db(transaction=True)
def test_a_flush_leaves_them_true(handler, monkeypatch):
    """SQLite's flush deletes the cases row by row, each counted by the triggers: the counts are
    made again after a flush, whatever order the tables were emptied in."""
    case = f.complaint_at("stage1_acknowledged", handler=handler)
    theme = Theme.objects.create(name="Damp")
    case.themes.add(theme, through_defaults=CaseTheme.defaults_for(case))
    names = connection.introspection.django_table_names
    first = ("performance_handlercasecount", "performance_themecasecount")
    monkeypatch.setattr(connection.introspection, "django_table_names",  # the counts first: the bad order
                        lambda *a, **kw: sorted(names(*a, **kw), key=lambda t: t not in first))
    call_command("flush", interactive=False, verbosity=0)
    assert not Case.objects.exists()
    assert count_each({"mine": KeptForHandler(handler.pk), "theme": KeptForTheme(theme.pk)}) == {"mine": 0, "theme": 0}
    assert handlerstates.agree() and themecounts.agree()


#: Filters of one handler's cases ("My cases" or chosen) and of a theme the kept counts answer.
KEPT_FILTERS = [
    *({"cases": scope, "state": state, **({"handler": "HANDLER"} if chosen else {})}
      for scope in ("mine", "all") for chosen in (False, True) for state in ("", "all", "stage1_acknowledged", "closed", "withdrawn")
      if scope == "mine" or chosen),
    *({"cases": "all", "handler": "HANDLER", "state": state, "due": due}
      for state in ("", "all") for due in ("overdue", "today", "soon")),
    *({"cases": "all", "state": state, "theme": "THEME"} for state in ("all", "stage1_acknowledged", "closed")),
]


def test_the_queue_totals_are_kept_and_equal_the_live_count(client, manager, handler, other_handler, resident):
    """"My cases" or a chosen handler with a state (open or closed), every state or none, and a
    theme "including closed" or with a state, take their totals from the kept counts, and each is the count of the
    cases the page lists; with anything else narrowing, or someone else's cases among my own,
    the total is counted live."""
    theme = Theme.objects.create(name="Damp")
    for state in ("stage1_logged", "stage1_acknowledged", "stage1_acknowledged", "stage2_requested", "closed", "closed", "withdrawn"):
        for who, second in ((handler, other_handler), (other_handler, handler)):
            case = f.complaint_at(state, handler=who, stage2_handler=second, resident=resident)
            if state in ("closed", "stage1_acknowledged"):
                case.themes.add(theme, through_defaults=CaseTheme.defaults_for(case))
    f.log_service_request()  # no handler
    handlerstates.compact()
    themecounts.compact()
    f.complaint_at("closed", handler=handler, resident=resident)  # one still a +1 row of its own
    today, cal = f.TODAY, landlord_calendar()  # the day the views see (the autouse _today)
    for filters in KEPT_FILTERS:
        data = {key: {"HANDLER": handler, "THEME": theme}.get(value, value) for key, value in filters.items()}
        kept = kept_total(data, today, cal, handler)
        assert kept is not None, filters
        live = filtered_cases(handler, data, today, cal).count()
        assert count_each({"total": kept}) == {"total": live}, filters
        assert live or filters.get("due"), filters
    for filters in ({"cases": "mine", "handler": other_handler, "state": "closed"},  # none: counted live
                    {"cases": "mine", "state": "closed", "kind": "complaint"}, {"cases": "all", "handler": handler, "q": "boiler"},
                    {"cases": "all", "state": "", "theme": theme}, {"cases": "mine", "state": "all", "theme": theme},
                    {"cases": "all", "state": "all", "theme": theme, "stage": "1"}):
        assert kept_total(filters, today, cal, handler) is None, filters
    # The page shows the kept count: a wrong row planted shows, and is put right by a rebuild.
    client.force_login(handler)
    shown = lambda url: int(re.search(r'<p class="govuk-body" id="total"><strong>(\d+)</strong>', client.get(url).content.decode())[1])  # noqa: E731
    closed = Case.objects.filter(handler=handler, state="closed").count()
    themed = CaseTheme.objects.filter(theme=theme).count()
    HandlerCaseCount.objects.create(handler=handler.pk, state="closed", is_open=False, delta=100)
    ThemeCaseCount.objects.create(theme=theme.pk, state="closed", is_open=False, delta=100)
    themed_closed = CaseTheme.objects.filter(theme=theme, case__state="closed").count()
    assert shown("/cases/?cases=mine&state=closed") == closed + 100
    assert shown(f"/cases/?cases=all&state=all&theme={theme.pk}") == themed + 100
    assert shown(f"/cases/?cases=all&state=closed&theme={theme.pk}") == themed_closed + 100
    handlerstates.rebuild()
    themecounts.rebuild()
    assert shown("/cases/?cases=mine&state=closed") == closed == 3
    assert shown(f"/cases/?cases=all&state=all&theme={theme.pk}") == themed == 8
    assert shown(f"/cases/?cases=all&state=closed&theme={theme.pk}") == themed_closed == 4
