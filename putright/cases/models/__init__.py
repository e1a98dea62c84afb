"""The case record: complaints, service requests and compliments, their stages and what follows.

Models hold data and small derived properties only. Every change to a case goes through
`putright.cases.actions`, which checks the Code's rules and writes a timeline event in the same
transaction (Code 5.12: a full record of each complaint).
"""
from .case import Case, CaseTheme, Channel
from .records import AppendOnlyError, Attachment, CaseEvent, CaseEventQuerySet, Correspondence, Direction, attachment_path
from .reference import ClosureDay, HomesOwned, LandlordSettings, ReferenceCounter, ServiceArea, Theme
from .remedies import ActionUpdate, OutstandingAction, PaymentMethod, Remedy, RemedyKind
from .stages import DecisionPoint, Extension, LateEntry, LateEntryStep, Refusal, Stage, StageParticipant

__all__ = [
    "LandlordSettings",
    "ServiceArea",
    "Theme",
    "ClosureDay",
    "HomesOwned",
    "ReferenceCounter",
    "Channel",
    "Case",
    "CaseTheme",
    "Stage",
    "DecisionPoint",
    "Extension",
    "Refusal",
    "StageParticipant",
    "LateEntryStep",
    "LateEntry",
    "RemedyKind",
    "PaymentMethod",
    "Remedy",
    "OutstandingAction",
    "ActionUpdate",
    "Direction",
    "Correspondence",
    "attachment_path",
    "Attachment",
    "AppendOnlyError",
    "CaseEventQuerySet",
    "CaseEvent",
]
