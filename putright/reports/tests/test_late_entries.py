"""Issue 12, way round 2: a late response cannot be turned into an on-time one by typing earlier
dates weeks later. Late entries count as late in CH02, the annual report's figures, the cases
behind them and the self-assessment's evidence (docs/deadlines.md, "What counts as on time")."""

import datetime as dt

import pytest

from putright.cases import actions
from putright.cases.models import LateEntry, Stage
from putright.cases.tests.factories import ack_kwargs, points
from putright.reports.queries import annual_figures, case_filters
from putright.rules.errors import RuleViolation
from putright.rules.lifecycle import Kind
from putright.selfassessment import evidence as data

pytestmark = pytest.mark.django_db

ACKNOWLEDGED = dt.date(2026, 10, 2)  # Fri: respond by Fri 16 Oct
RECORDED = dt.date(2026, 12, 4)


def _acknowledged(handler, received_on=dt.date(2026, 10, 1)):
    case = actions.log_case(kind=Kind.COMPLAINT, received_on=received_on, description="Leak.", handler=handler, actor=handler, today=received_on)
    return actions.acknowledge(case, actor=handler, today=ACKNOWLEDGED, **ack_kwargs(acknowledged_on=ACKNOWLEDGED))


def test_a_back_dated_extension_and_response_count_as_late(handler, manager):
    case = _acknowledged(handler)
    extension = dict(new_respond_by=dt.date(2026, 10, 30), reason="Waiting for a survey.", resident_told_on=dt.date(2026, 10, 15),
                     ombudsman_details_given=True, update_every_working_days=5, actor=handler, today=RECORDED)
    with pytest.raises(RuleViolation) as caught:
        actions.extend(case, **extension)
    assert caught.value.field == "late_entry_reason"
    actions.extend(case, late_entry_reason="Agreed by phone; the note was found in December.", **extension)
    with pytest.raises(RuleViolation):
        actions.respond(case, responded_on=dt.date(2026, 10, 29), points=points(), actor=handler, today=RECORDED)
    actions.respond(case, responded_on=dt.date(2026, 10, 29), points=points(), actor=handler, today=RECORDED,
                    late_entry_reason="The letter was posted but not recorded.")
    # An honest complaint answered on time, recorded the same day, for comparison.
    honest = _acknowledged(handler, received_on=dt.date(2026, 10, 1))
    actions.respond(honest, responded_on=dt.date(2026, 10, 14), points=points(), actor=handler, today=dt.date(2026, 10, 14))
    actions.send_another_way(honest, step="response", sent_on=dt.date(2026, 10, 14), method="letter", actor=handler,
                             today=dt.date(2026, 10, 14), text="Our response: upheld. You can ask for stage 2.")

    stage = Stage.objects.get(case=case, number=1)
    assert stage.response_counts_late and stage.respond_by == dt.date(2026, 10, 30)
    assert stage.responded_recorded_at is not None and stage.acknowledged_recorded_at is not None
    figures = annual_figures(2026)["stage1"]
    assert (figures["responded"], figures["within_timescale"], figures["late"]) == (2, 1, 1)
    assert set(case_filters(2026, "stage1.late")) == {case}
    assert set(case_filters(2026, "stage1.within_timescale")) == {honest}
    # The self-assessment's 6.3 evidence reads the same figures.
    item = data.evidence_for(2026, today=RECORDED)["6.3"]
    assert item.counts["within_timescale"] == 1 and item.counts["late"] == 1
    # Listed for the complaints manager: who, and when.
    entries = list(LateEntry.objects.filter(case=case).order_by("id").values_list("step", "effective_on", "recorded_on", "recorded_by", "counts_late"))
    assert entries == [
        ("extended", dt.date(2026, 10, 15), RECORDED, handler.pk, True),
        ("responded", dt.date(2026, 10, 29), RECORDED, handler.pk, True),
    ]


def test_a_back_dated_acknowledgement_counts_as_late(handler):
    case = actions.log_case(kind=Kind.COMPLAINT, received_on=dt.date(2026, 10, 1), description="Leak.", handler=handler, actor=handler,
                            today=dt.date(2026, 10, 1))
    actions.acknowledge(case, actor=handler, today=dt.date(2026, 10, 20), late_entry_reason="Acknowledged by phone.",
                        **ack_kwargs(acknowledged_on=dt.date(2026, 10, 2)))
    figures = annual_figures(2026)["stage1"]
    assert (figures["acknowledged"], figures["acknowledged_within_timescale"]) == (1, 0)
    assert not case_filters(2026, "stage1.acknowledged_within_timescale").exists()
