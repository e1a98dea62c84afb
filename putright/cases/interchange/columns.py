"""The interchange format itself: its columns, the values they accept, and the texts an import
writes where the file has nothing to say."""

from __future__ import annotations

import re
from decimal import Decimal

from putright.cases.models import Channel
from putright.residents.models import Tenure
from putright.rules.exclusions import REFUSAL_REASON_LABELS, RefusalReason
from putright.rules.lifecycle import Decision, Kind



# The columns, in the order export writes them. Import accepts them in any order.
COLUMNS: tuple[str, ...] = (
    "reference",
    "kind",
    "received_on",
    "service_area",
    "tenure",
    "channel",
    "themes",
    "description",
    "stage1_acknowledged_on",
    "stage1_extended_to",
    "stage1_responded_on",
    "stage1_decision",
    "stage2_requested_on",
    "stage2_acknowledged_on",
    "stage2_extended_to",
    "stage2_responded_on",
    "stage2_decision",
    "refused_on",
    "refusal_reason",
    "withdrawn_on",
    "compensation_gbp",
    "refusal_explanation",
    "refusal_ombudsman_rights_given",
)
REQUIRED_COLUMNS: tuple[str, ...] = ("reference", "kind", "received_on")
DATE_COLUMNS: tuple[str, ...] = tuple(c for c in COLUMNS if c.endswith("_on") or c.endswith("_to"))
YES, NO = ("yes", "y", "true", "1"), ("no", "n", "false", "0")
# A refusal is live while the resident can still take it to the Housing Ombudsman: within 12
# months of it (the Ombudsman's time limit after the landlord's final word). A live refusal must
# pass the rules a new one does: an explanation and the resident's Ombudsman rights (2.4, 5.11).
LIVE_REFUSAL_DAYS = 365
# Columns that only a complaint can have.
COMPLAINT_ONLY_COLUMNS: tuple[str, ...] = tuple(
    c for c in COLUMNS if c.startswith("stage") or c.startswith("refus") or c == "compensation_gbp"
)
THEME_SEPARATOR = ";"
NOT_RECORDED = "(not recorded in the imported file)"
EXTENSION_REASON = "Imported from earlier records: reason not recorded."

# Limits of the database columns the values go into.
MAX_REFERENCE = 40
MAX_NAME = 100
MAX_COMPENSATION = Decimal("99999999.99")  # Remedy.amount: 10 digits, 2 after the point

# The flags an imported row can carry, per stage, and how the summary names them.
FLAG_KINDS: dict[str, str] = {
    "acknowledged_late": "acknowledged late",
    "responded_late": "responded late",
    "extension_beyond_code_limit": "extension beyond the Code's limit",
}

_KINDS = frozenset(k.value for k in Kind)
_DECISIONS = frozenset(d.value for d in Decision)
_REFUSAL_REASONS = frozenset(r.value for r in RefusalReason)
_CHANNELS = tuple(Channel.values)
_TENURES = tuple(Tenure.values)
_MONEY = re.compile(r"\d+(\.\d{1,2})?")
_ZERO = Decimal("0")



def refusal_explanation(reason: str) -> str:
    label = REFUSAL_REASON_LABELS[RefusalReason(reason)]
    return f"Imported from earlier records: reason recorded as {label[0].lower()}{label[1:]}."
