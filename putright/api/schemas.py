"""What the API takes and gives: typed bodies that become the service functions' keyword
arguments, and the shapes of a case, a page of cases and the events feed.

Field names are the service functions' argument names, which are the forms' field names, so a
refused step's `field` names the same thing on a page and in the API.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import AfterValidator, BaseModel

from putright.cases.models import Channel, Direction, PaymentMethod, RemedyKind
from putright.residents.models import AdjustmentKind, ContactChannel, Format, Tenure
from putright.rules.exclusions import RefusalReason
from putright.rules.lifecycle import Decision, Kind, State


def _plain_text(value: str) -> str:
    # Databases refuse NUL characters, and lone surrogates cannot be stored as UTF-8.
    if "\x00" in value or any("\ud800" <= ch <= "\udfff" for ch in value):
        raise ValueError("Text cannot contain NUL characters or unpaired surrogates.")
    return value


def text(max_length: int) -> Any:
    return Annotated[str, Field(max_length=max_length, pattern=r"^[^\x00]*$"), AfterValidator(_plain_text)]


ShortText = text(200)
LongText = text(20_000)
# Dates a complaint can sensibly carry: the Code's history and this century.
Day = Annotated[dt.date, Field(ge=dt.date(1990, 1, 1), le=dt.date(2200, 12, 31))]


class ErrorItem(Schema):
    field: str | None = Field(description="The request field the message is about (as on the form), if any.")
    message: str = Field(description="What is wrong, in the same words the pages use.")
    provision: str | None = Field(description="The Complaint Handling Code provision the rule protects, e.g. 6.13.")


class Errors(Schema):
    errors: list[ErrorItem]


# --- cases: what comes out ----------------------------------------------------------------------


class Out(BaseModel):
    """An answer made of plain values (dicts and lists): validated by pydantic alone. A ninja
    `Schema` wraps every object it validates in a getter that can read a model's attributes, in
    Python, once an object: for a page of 100 events half of the answer's time (issue 19)."""


class ResidentRef(Out):
    id: int
    name: str
    tenancy_reference: str


class Extension(Schema):
    previous_respond_by: dt.date
    new_respond_by: dt.date
    reason: str
    good_reason: str
    beyond_code_limit: bool
    resident_told_on: dt.date | None
    update_every_working_days: int | None


class Point(Schema):
    point: str
    decision: Decision
    reasons: str


class StageOut(Schema):
    number: int
    requested_on: dt.date
    acknowledged_on: dt.date | None
    acknowledge_by: dt.date = Field(description="The Code's date to acknowledge by (6.2, 6.11).")
    code_respond_by: dt.date = Field(description="The Code's response date, before any extension (6.3, 6.14).")
    respond_by: dt.date = Field(description="The response date that applies now, after agreed extensions.")
    responded_on: dt.date | None
    decision: Decision | None
    handler: str | None = Field(description="The username of the stage's handler.")
    definition: str
    outcomes_sought: str
    extensions: list[Extension]
    points: list[Point]


class CaseSummary(Out):
    reference: str
    kind: Kind
    state: State
    channel: Channel
    received_on: dt.date
    is_open: bool
    next_deadline_by: dt.date | None = Field(description="The next stored deadline of an open complaint.")
    extended: bool = Field(description="A stage of it is extended and not yet answered.")
    handler: str | None
    service_area: str | None
    resident: ResidentRef | None


class CaseDetail(CaseSummary):
    received_by: str
    description: str
    tenure: str
    themes: list[str]
    withdrawn_on: dt.date | None
    closed_on: dt.date | None
    stages: list[StageOut]
    next_actions: list[str] = Field(
        description="What this key may do now, each the last part of a POST /cases/{reference}/... path."
    )


class CasePage(Out):
    results: list[CaseSummary]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")


# --- cases: what goes in ------------------------------------------------------------------------


class LogCaseIn(Schema):
    kind: Kind
    received_on: Day
    description: LongText = Field(description="What the resident said, in their own words.")
    channel: Channel = Channel.OTHER
    tenancy_reference: ShortText = Field("", description="The resident, by the housing system's tenancy reference.")
    service_area: ShortText = Field("", description="A service area's name, as under Settings.")
    themes: list[ShortText] = Field([], max_length=20, description="Theme names, as under Settings.")
    tenure: Tenure | None = None
    received_by: ShortText = ""


class AcknowledgeIn(Schema):
    acknowledged_on: Day
    definition: LongText
    outcomes_sought: LongText
    responsible_for: LongText = ""
    not_responsible_for: LongText = ""
    handler: ShortText = Field("", description="A username; the stage's handler when not given.")
    late_entry_reason: LongText = Field("", description="Why the step is recorded late: needed when its deadline has passed and its date is before it (docs/deadlines.md, \"What counts as on time\").")


class ExtendIn(Schema):
    new_respond_by: Day
    reason: LongText
    resident_told_on: Day
    ombudsman_details_given: bool = Field(False, description="Not used: the resident is given the Housing Ombudsman's details by the extension's letter, and the extension counts once that is issued.")
    update_every_working_days: int | None = Field(None, ge=1, le=365)
    good_reason: LongText = ""
    late_entry_reason: LongText = Field("", description="Why the step is recorded late: needed when its deadline has passed and its date is before it (docs/deadlines.md, \"What counts as on time\").")


class PointIn(Schema):
    point: LongText
    decision: Decision
    reasons: LongText


class RespondIn(Schema):
    responded_on: Day
    points: list[PointIn] = Field(min_length=1, max_length=50)
    late_entry_reason: LongText = Field("", description="Why the step is recorded late: needed when its deadline has passed and its date is before it (docs/deadlines.md, \"What counts as on time\").")


class RequestStageTwoIn(Schema):
    requested_on: Day
    reason: LongText = ""


class RefuseIn(Schema):
    refused_on: Day
    reason: RefusalReason
    explanation: LongText
    ombudsman_rights_given: bool
    issue_arose_on: Day | None = None
    discretion_decision: LongText = ""
    proceedings_started_on: Day | None = None
    previous_case_reference: text(40) = ""
    became_aware_on: Day | None = Field(None, description="12 months reason: when the resident became aware of the issue, if later (2.3).")
    about: ShortText = Field("", description="Another reason: what the complaint is about, listed in the annual report (2.5).")
    late_entry_reason: LongText = Field("", description="Why the step is recorded late: needed when its deadline has passed and its date is before it (docs/deadlines.md, \"What counts as on time\").")


class WithdrawIn(Schema):
    withdrawn_on: Day
    reason: LongText = ""


class CloseIn(Schema):
    closed_on: Day


class ReopenIn(Schema):
    reason: LongText


class AllocateIn(Schema):
    handler: ShortText = Field(description="The username of a member of staff who can handle cases.")


class RemedyIn(Schema):
    kind: RemedyKind
    description: LongText
    due_by: Day | None = None
    amount: Decimal | None = Field(None, gt=0, le=Decimal("99999999.99"), decimal_places=2)
    payment_method: PaymentMethod | None = None
    completed_on: Day | None = None


class ActionIn(Schema):
    description: LongText
    due_by: Day
    owner: ShortText = Field("", description="A username, or leave empty and give owner_name.")
    owner_name: ShortText = Field("", description="A team or contractor, when not a member of staff.")


class CorrespondenceIn(Schema):
    direction: Direction
    occurred_on: Day
    body: LongText = ""
    subject: ShortText = ""
    method: ContactChannel | None = None
    correspondent: ShortText = ""
    internal: bool = False


class AddIssueIn(Schema):
    description: LongText
    raised_on: Day
    related: bool = True


class RaiseComplaintIn(Schema):
    received_on: Day
    description: LongText
    channel: Channel = Channel.OTHER


# --- the events feed ----------------------------------------------------------------------------


class EventOut(Out):
    id: int
    case: str = Field(description="The case's reference.")
    at: dt.datetime
    kind: str
    summary: str
    actor: str = Field(description="A staff username, an API key's user (api-NAME), or who else acted (e.g. system).")
    data: dict[str, Any]


class EventPage(Out):
    events: list[EventOut]
    next_cursor: int = Field(description="Pass as `after` to carry on from here; the same when nothing new has happened.")


# --- residents and homes ------------------------------------------------------------------------


class AdjustmentIO(Schema):
    kind: AdjustmentKind
    description: LongText
    agreed_on: Day
    review_by: Day


class ResidentIn(Schema):
    name: ShortText = Field(min_length=1)
    email: ShortText = ""
    phone: text(40) = ""
    address: LongText = ""
    postcode: text(12) = ""
    tenure: Tenure | None = None
    preferred_channel: ContactChannel = ContactChannel.EMAIL
    preferred_format: Format = Format.STANDARD
    language: text(60) = ""
    contact_notes: LongText = ""
    uprn: text(12) = Field("", description="The home the resident lives in, by its UPRN (send the home first).")
    adjustments: list[AdjustmentIO] = Field([], max_length=50, description="Added when PutRight does not have them yet; never removed.")


class ResidentOut(ResidentIn):
    id: int
    tenancy_reference: str
    tenure: Tenure | None
    adjustments: list[AdjustmentIO]


class HomeIn(Schema):
    address: LongText = ""
    postcode: text(12) = ""
    tenure: Tenure | None = None


class HomeOut(HomeIn):
    uprn: str
