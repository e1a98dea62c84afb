"""The one path through which every case changes.

Each function (1) locks the case, (2) checks the Code's rules in `putright.rules`, (3) writes the
change and its timeline event in one transaction, and (4) returns the case. A refusal raises
`RuleViolation` naming the Code provision it protects; nothing is half saved. Views, the portal,
imports and commands call these functions and never save case models themselves.

The modules follow the life of a case: `log` (a case arrives), `stages` (acknowledge, allocate,
extend, respond, ask for stage 2), `refusing`, `issuing` (a step counts as sent when its letter is), `closing` (withdraw, close, reopen), `remedies`
(putting things right), `correspondence` and `recalculation`; `checks` holds what they share.
Importing history is `putright.cases.importing`, beside the interchange format it reads. Every
public function is here, so `from putright.cases import actions; actions.respond(...)` works.
"""

from putright.cases.actions.checks import REFERENCE_PREFIX, next_reference
from putright.cases.actions.closing import close, reopen, withdraw
from putright.cases.actions.correspondence import ALLOWED_ATTACHMENT_TYPES, NewFile, add_correspondence
from putright.cases.actions.issuing import record_issue, send_another_way
from putright.cases.actions.log import add_related_issue, convert_to_complaint, log_case
from putright.cases.actions.recalculation import recompute_deadlines
from putright.cases.actions.refusing import refuse
from putright.cases.actions.remedies import add_action, add_remedy, complete_action, complete_remedy, update_action
from putright.cases.actions.stages import PointDecision, acknowledge, allocate, extend, request_stage_two, respond

__all__ = [
    "ALLOWED_ATTACHMENT_TYPES",
    "REFERENCE_PREFIX",
    "NewFile",
    "PointDecision",
    "acknowledge",
    "add_action",
    "add_correspondence",
    "add_related_issue",
    "add_remedy",
    "allocate",
    "close",
    "complete_action",
    "complete_remedy",
    "convert_to_complaint",
    "extend",
    "import_history",
    "log_case",
    "next_reference",
    "recompute_deadlines",
    "record_issue",
    "refuse",
    "reopen",
    "request_stage_two",
    "respond",
    "send_another_way",
    "update_action",
    "withdraw",
]


def __getattr__(name):
    # import_history lives in putright.cases.importing, which uses this package's checks: loaded
    # on first use so that importing either module first works.
    if name == "import_history":
        from putright.cases.importing import import_history

        return import_history
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
