"""Checking one row against the Code's rules and working out its state, stage dates and flags."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from putright.rules import deadlines, lifecycle
from putright.rules.calendar import WorkingCalendar
from putright.rules.errors import RuleViolation
from putright.rules.exclusions import RefusalReason
from putright.rules.lifecycle import Action, Kind, State

from .columns import _CHANNELS, _DECISIONS, _KINDS, _MONEY, _REFUSAL_REASONS, _TENURES, _ZERO, COMPLAINT_ONLY_COLUMNS, DATE_COLUMNS, LIVE_REFUSAL_DAYS, MAX_COMPENSATION, MAX_NAME, MAX_REFERENCE, NO, NOT_RECORDED, THEME_SEPARATOR, YES
from .results import HistoryRow, Problem, StagePlan


# --- checking values ----------------------------------------------------------------------------


class _Row:
    """Collects one row's problems while its values are checked."""

    __slots__ = ("line", "values", "problems")

    def __init__(self, line: int, values: dict[str, str]):
        self.line = line
        self.values = values
        self.problems: list[Problem] = []

    def fail(self, column: str, message: str) -> None:
        self.problems.append(Problem(self.line, message, column))


def _parse_date(text: str, cache: dict[str, dt.date | None]) -> dt.date | None:
    """YYYY-MM-DD only (fromisoformat alone would accept 20240105 and 2024-W01-1 too)."""
    try:
        return cache[text]
    except KeyError:
        pass
    day = None
    if len(text) == 10 and text[4] == "-" and text[7] == "-" and text[:4].isdigit():
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            day = None
    cache[text] = day
    return day


def _money(text: str) -> Decimal | None:
    if not _MONEY.fullmatch(text):
        raise ValueError
    amount = Decimal(text)
    if amount > MAX_COMPENSATION:
        raise ValueError
    return None if amount == _ZERO else amount


class _Planner:
    """Checks rows and works out what each one becomes. One per import: it caches deadlines."""

    def __init__(self, cal: WorkingCalendar, today: dt.date):
        self.cal = cal
        self.today = today
        self._dates: dict[str, dt.date | None] = {}
        self._acknowledge_by: dict[tuple[int, dt.date], dt.date] = {}
        self._respond_by: dict[tuple[int, dt.date, bool], dt.date] = {}
        self._beyond: dict[tuple[int, dt.date, dt.date], bool] = {}

    # The rules, cached: a file of 100,000 rows has only a few thousand distinct dates. These are
    # the two dates deadlines.timescales gives; the third (the extension cap) is beyond_cap's.
    def timescales(self, number: int, requested_on: dt.date, acknowledged_on: dt.date | None) -> tuple[dt.date, dt.date]:
        """(acknowledge_by, the Code's respond_by) for a stage, as deadlines.timescales works them out."""
        key = (number, requested_on)
        acknowledge_by = self._acknowledge_by.get(key)
        if acknowledge_by is None:
            acknowledge_by = self._acknowledge_by[key] = deadlines.acknowledge_by(number, requested_on, self.cal).due_on
        # Once acknowledged, the respond-by date depends on the acknowledgement alone.
        key = (number, acknowledged_on or requested_on, acknowledged_on is not None)
        respond_by = self._respond_by.get(key)
        if respond_by is None:
            respond_by = self._respond_by[key] = deadlines.respond_by(number, requested_on, acknowledged_on, self.cal).due_on
        return acknowledge_by, respond_by

    def beyond_cap(self, number: int, code_respond_by: dt.date, extended_to: dt.date) -> bool:
        key = (number, code_respond_by, extended_to)
        found = self._beyond.get(key)
        if found is None:
            found = self._beyond[key] = deadlines.extension_beyond_cap(number, code_respond_by, extended_to, self.cal)
        return found

    def plan(self, row: _Row) -> HistoryRow | None:
        v = row.values
        get = v.get

        reference = get("reference", "")
        if not reference:
            row.fail("reference", "reference is empty: every row needs one")
        elif len(reference) > MAX_REFERENCE:
            row.fail("reference", f"reference {reference!r} is longer than {MAX_REFERENCE} characters")

        kind = get("kind", "")
        if not kind:
            row.fail("kind", "kind is empty: write complaint, service_request or compliment")
        elif kind not in _KINDS:
            row.fail("kind", f"kind {kind!r} is not one of complaint, service_request, compliment")
            kind = ""

        dates: dict[str, dt.date] = {}
        for column in DATE_COLUMNS:
            text = get(column)
            if not text:
                continue
            day = _parse_date(text, self._dates)
            if day is None:
                row.fail(column, f"{column} {text!r} is not a date written YYYY-MM-DD")
            elif day > self.today and not column.endswith("_extended_to"):
                # An extension agreed with the resident runs into the future; everything else
                # in the file has happened.
                row.fail(column, f"{column} {text} is in the future (today is {self.today.isoformat()})")
            else:
                dates[column] = day
        received_on = dates.get("received_on")
        if not get("received_on"):
            row.fail("received_on", "received_on is empty: every row needs the date it was received")

        tenure = get("tenure", "")
        if tenure and tenure not in _TENURES:
            row.fail("tenure", f"tenure {tenure!r} is not one of lcra, lcho (or empty)")
        channel = get("channel", "") or "other"
        if channel not in _CHANNELS:
            row.fail("channel", f"channel {channel!r} is not one of {', '.join(_CHANNELS)} (or empty)")

        service_area = get("service_area", "")
        if len(service_area) > MAX_NAME:
            row.fail("service_area", f"service_area {service_area[:30]!r}... is longer than {MAX_NAME} characters")
        themes: list[str] = []
        seen: set[str] = set()  # names match ignoring case, as reference data does
        for theme in get("themes", "").split(THEME_SEPARATOR):
            theme = theme.strip()
            if not theme or theme.casefold() in seen:
                continue
            seen.add(theme.casefold())
            if len(theme) > MAX_NAME:
                row.fail("themes", f"themes: {theme[:30]!r}... is longer than {MAX_NAME} characters")
            themes.append(theme)

        for column in ("stage1_decision", "stage2_decision"):
            text = get(column)
            if text and text not in _DECISIONS:
                row.fail(column, f"{column} {text!r} is not one of upheld, partly_upheld, not_upheld")
        refusal_reason = get("refusal_reason", "")
        if refusal_reason and refusal_reason not in _REFUSAL_REASONS:
            row.fail(
                "refusal_reason",
                f"refusal_reason {refusal_reason!r} is not one of {', '.join(r.value for r in RefusalReason)}",
            )

        compensation = None
        text = get("compensation_gbp")
        if text:
            try:
                compensation = _money(text)
            except ValueError:
                row.fail(
                    "compensation_gbp",
                    f"compensation_gbp {text!r} is not an amount of pounds such as 150 or 150.00 "
                    "(digits only, at most 2 after the point, no £ sign or commas)",
                )

        if row.problems or kind == "" or received_on is None:
            return None  # the checks below need good values

        if kind != Kind.COMPLAINT:
            for column in COMPLAINT_ONLY_COLUMNS:
                if get(column):
                    row.fail(column, f"{column} {get(column)} is for complaints only: this row is a {kind}")
            withdrawn_on = dates.get("withdrawn_on")
            if withdrawn_on and withdrawn_on < received_on:
                row.fail("withdrawn_on", f"withdrawn_on {withdrawn_on} is before received_on {received_on}")
            if row.problems:
                return None
            state, previous = State.OPEN, ""
            if withdrawn_on:
                state, previous = State.WITHDRAWN, State.OPEN
            return self._row(row, reference, kind, received_on, service_area, tenure, channel, themes, [],
                             None, "", withdrawn_on, None, state, previous, [])

        return self._complaint(row, reference, received_on, dates, service_area, tenure, channel, themes, refusal_reason, compensation)

    def _complaint(self, row, reference, received_on, dates, service_area, tenure, channel, themes, refusal_reason, compensation):
        get = row.values.get

        def before(column: str, day: dt.date, earlier_column: str, earlier: dt.date | None) -> bool:
            if earlier is not None and day < earlier:
                row.fail(column, f"{column} {day} is before {earlier_column} {earlier}")
                return True
            return False

        def needs(column: str, needed: str, why: str) -> None:
            row.fail(column, f"{column} {get(column)} needs {needed}: {why}")

        # The steps of each stage must exist in order and happen in order.
        s1_ack, s1_ext, s1_resp = dates.get("stage1_acknowledged_on"), dates.get("stage1_extended_to"), dates.get("stage1_responded_on")
        s2_req, s2_ack = dates.get("stage2_requested_on"), dates.get("stage2_acknowledged_on")
        s2_ext, s2_resp = dates.get("stage2_extended_to"), dates.get("stage2_responded_on")
        refused_on, withdrawn_on = dates.get("refused_on"), dates.get("withdrawn_on")

        if s1_ack:
            before("stage1_acknowledged_on", s1_ack, "received_on", received_on)
        if s1_resp:
            if not s1_ack:
                needs("stage1_responded_on", "stage1_acknowledged_on", "a complaint is acknowledged before it is answered (Code 6.2)")
            elif not before("stage1_responded_on", s1_resp, "received_on", received_on) and s1_ack > s1_resp:
                row.fail("stage1_acknowledged_on", f"stage1_acknowledged_on {s1_ack} is after stage1_responded_on {s1_resp}")
        if get("stage1_decision") and not s1_resp:
            needs("stage1_decision", "stage1_responded_on", "a decision is given in the response")
        if s2_req:
            if not s1_resp:
                needs("stage2_requested_on", "stage1_responded_on", "stage 2 can only be asked for after the stage 1 response (Code 6.10)")
            else:
                before("stage2_requested_on", s2_req, "stage1_responded_on", s1_resp)
        else:
            for column in ("stage2_acknowledged_on", "stage2_extended_to", "stage2_responded_on", "stage2_decision"):
                if get(column):
                    needs(column, "stage2_requested_on", "there is no stage 2 without a request to escalate")
        if s2_req:
            if s2_ack:
                before("stage2_acknowledged_on", s2_ack, "stage2_requested_on", s2_req)
            if s2_resp:
                if not s2_ack:
                    needs("stage2_responded_on", "stage2_acknowledged_on", "an escalation is acknowledged before it is answered (Code 6.11)")
                elif not before("stage2_responded_on", s2_resp, "stage2_requested_on", s2_req) and s2_ack > s2_resp:
                    row.fail("stage2_acknowledged_on", f"stage2_acknowledged_on {s2_ack} is after stage2_responded_on {s2_resp}")
            if get("stage2_decision") and not s2_resp:
                needs("stage2_decision", "stage2_responded_on", "a decision is given in the response")

        if bool(refused_on) != bool(refusal_reason):
            if refused_on:
                needs("refused_on", "refusal_reason", "say why it was refused")
            else:
                needs("refusal_reason", "refused_on", "say when it was refused")
        if refused_on and withdrawn_on:
            row.fail("withdrawn_on", f"withdrawn_on {withdrawn_on} and refused_on {refused_on} are both given: a complaint is refused or withdrawn, not both")
        rights_text = get("refusal_ombudsman_rights_given", "").strip().lower()
        if rights_text and rights_text not in YES + NO:
            row.fail("refusal_ombudsman_rights_given", f"refusal_ombudsman_rights_given {get('refusal_ombudsman_rights_given')!r} is not yes or no")
        for column in ("refusal_explanation", "refusal_ombudsman_rights_given"):
            if get(column) and not refused_on:
                needs(column, "refused_on", "it describes a refusal")
        if refused_on and refused_on > self.today - dt.timedelta(days=LIVE_REFUSAL_DAYS):
            # A live refusal: the same rules as a new one (docs/interchange.md, "Live cases").
            if not get("refusal_explanation", "").strip():
                row.fail("refusal_explanation", f"refusal_explanation is empty: the refusal of {refused_on} is less than 12 months old, "
                         "so the resident can still take it to the Ombudsman, and it must say why it was refused (Code 2.4, 5.11)")
            if rights_text not in YES:
                row.fail("refusal_ombudsman_rights_given", f"refusal_ombudsman_rights_given must be yes for the refusal of {refused_on}: "
                         "it is less than 12 months old, and a refusal must tell the resident of their right to go to the Ombudsman (Code 2.4)")
        if row.problems:
            return None

        # The stages, with the Code's dates. Extensions must go beyond the Code's date.
        stages: list[StagePlan] = []
        flags: list[str] = []
        for number, requested_on, ack, ext, resp in ((1, received_on, s1_ack, s1_ext, s1_resp), (2, s2_req, s2_ack, s2_ext, s2_resp)):
            if requested_on is None:
                continue
            acknowledge_by, code_respond_by = self.timescales(number, requested_on, ack)
            beyond = False
            if ext is not None:
                if ext <= code_respond_by:
                    row.fail(
                        f"stage{number}_extended_to",
                        f"stage{number}_extended_to {ext} is not after the Code's respond-by date {code_respond_by}: "
                        "an extension moves the date later",
                    )
                    continue
                beyond = self.beyond_cap(number, code_respond_by, ext)
            respond_by = ext or code_respond_by
            still_open = resp is None and not withdrawn_on and not refused_on
            if beyond and still_open:
                # An open stage carries on in PutRight: its extension must be one PutRight would accept.
                row.fail(
                    f"stage{number}_extended_to",
                    f"stage{number}_extended_to {ext} is more than the Code allows beyond {code_respond_by} "
                    f"({deadlines.stage_limits(number).max_extension_days} working days, Code "
                    f"{deadlines.stage_limits(number).extension_provision}) on a stage still awaiting its response: import it "
                    "with the extension within the limit, then extend it on the case with the good reason",
                )
                continue
            stage = StagePlan(number, requested_on, ack, ext, resp, get(f"stage{number}_decision", ""),
                              acknowledge_by, code_respond_by, respond_by, beyond)
            stages.append(stage)
            if ack and ack > acknowledge_by:
                flags.append(f"stage{number}_acknowledged_late")
            if resp and resp > respond_by:
                flags.append(f"stage{number}_responded_late")
            if beyond:
                flags.append(f"stage{number}_extension_beyond_code_limit")
        if row.problems:
            return None

        # Replay the steps through the lifecycle table, so an imported case is always in a state
        # the actions could have reached.
        state = lifecycle.initial_state(Kind.COMPLAINT)
        steps = [(s1_ack, Action.ACKNOWLEDGE), (s1_resp, Action.RESPOND), (s2_req, Action.REQUEST_STAGE2),
                 (s2_ack, Action.ACKNOWLEDGE), (s2_resp, Action.RESPOND)]
        last_step, last_column = received_on, "received_on"
        columns = ("stage1_acknowledged_on", "stage1_responded_on", "stage2_requested_on", "stage2_acknowledged_on", "stage2_responded_on")
        for (day, action), column in zip(steps, columns):
            if day is not None:
                state = lifecycle.next_state(Kind.COMPLAINT, state, action)
                if day >= last_step:
                    last_step, last_column = day, column
        previous = ""
        for column, day, action in (("refused_on", refused_on, Action.REFUSE), ("withdrawn_on", withdrawn_on, Action.WITHDRAW)):
            if day is None:
                continue
            if day < last_step:
                row.fail(column, f"{column} {day} is before {last_column} {last_step}")
                return None
            try:
                new_state = lifecycle.next_state(Kind.COMPLAINT, state, action)
            except RuleViolation as violation:
                row.fail(column, f"{column} {day}: {violation}")
                return None
            previous, state = state, new_state

        planned = self._row(row, row.values["reference"], Kind.COMPLAINT.value, received_on, service_area, tenure, channel, themes,
                            stages, refused_on, refusal_reason, withdrawn_on, compensation, state, previous, flags)
        if refused_on:
            planned.refusal_explanation = get("refusal_explanation", "").strip()
            planned.refusal_ombudsman_rights_given = rights_text in YES
        return planned

    @staticmethod
    def _row(row, reference, kind, received_on, service_area, tenure, channel, themes, stages,
             refused_on, refusal_reason, withdrawn_on, compensation, state, previous, flags) -> HistoryRow:
        return HistoryRow(
            line=row.line,
            reference=reference,
            kind=str(kind),
            received_on=received_on,
            service_area=service_area,
            tenure=tenure,
            channel=channel,
            themes=tuple(themes),
            description=row.values.get("description", "") or NOT_RECORDED,
            stages=stages,
            refused_on=refused_on,
            refusal_reason=refusal_reason,
            withdrawn_on=withdrawn_on,
            compensation=compensation,
            state=str(state),
            previous_state=str(previous),
            flags=flags,
            values={k: val for k, val in row.values.items() if val},
        )
