"""Triage where staff work: what to pre-select when logging a case, and which service requests
read as dissatisfaction. It suggests; staff confirm (nothing here changes a case).

For the mailbox's "inbox to log" (or anything else that logs a case from a message):

    from putright.triage.staff import suggest_for_log
    s = suggest_for_log(message_text)
    s.kind          # "complaint", "service_request" or "compliment": pre-select it
    s.themes        # the landlord's Theme objects for the suggested theme (may be empty)
    s.why           # the resident's words that carried it: show them
    s.sentence      # the reason in one plain sentence, for the page

`LogCaseForm(initial={"description": text}, ...)` does this by itself.
"""

import re
from dataclasses import dataclass

from putright.cases.models import Theme
from putright.triage.engine import Suggestion, suggest
from putright.triage.models import THEME_LABELS, ThemeMapping
from putright.triage.stored import StoredSuggestion, stored_suggestion

KIND_WORDS = {"complaint": "a complaint", "service_request": "a service request", "compliment": "a compliment"}


def _plain(name: str) -> str:
    return re.sub(r"[^a-z]+", " ", name.lower()).strip()


def landlord_themes(builtin: str) -> list[Theme]:
    """The landlord's active themes for a built-in triage theme (its mapping, or the same name)."""
    mapped = [m.theme for m in ThemeMapping.objects.filter(builtin=builtin, theme__active=True).select_related("theme")]
    if mapped:
        return mapped
    wanted = _plain(THEME_LABELS[builtin])
    return [t for t in Theme.objects.filter(active=True) if _plain(t.name) == wanted]


def quoted(words) -> str:
    return ", ".join(f"“{w}”" for w in words)


@dataclass(frozen=True)
class LogSuggestion:
    suggestion: Suggestion
    themes: list

    @property
    def kind(self) -> str:
        return self.suggestion.kind

    @property
    def why(self) -> tuple[str, ...]:
        return self.suggestion.why

    @property
    def theme_label(self) -> str:
        return ", ".join(t.name for t in self.themes) or THEME_LABELS[self.suggestion.theme]

    @property
    def sentence(self) -> str:
        s = self.suggestion
        text = f"This reads as {KIND_WORDS[s.kind]}"
        if s.also_service_request:
            text += " that also asks for something to be done"
        text += f", about {self.theme_label.lower()}"
        if s.kind_why:
            text += f", because of the words {quoted(s.kind_why)}"
        return text + "."


def suggest_for_log(text: str) -> LogSuggestion:
    s = suggest(text)
    return LogSuggestion(suggestion=s, themes=landlord_themes(s.theme))


def reads_as_dissatisfied(case, *, later_messages: bool = True) -> Suggestion | StoredSuggestion | None:
    """For an open service request with no complaint raised from it yet: the suggestion if what
    the resident said (its description, or with later_messages the last three messages received
    from them first) reads as a complaint (Code 1.5), else None.

    The description is read as stored when the request was logged (putright.triage.stored). A
    page showing many cases may set ``case.complaint_raised`` (True/False) for each, from one
    query, so that this asks nothing of the database; a page that has read the case's
    correspondence already may set ``case.messages_received``, the (subject, body) of the last
    three messages received, newest first (the case page)."""
    if case.kind != "service_request" or case.state != "open":
        return None
    found = None
    if later_messages:
        received = getattr(case, "messages_received", None)
        if received is None:
            received = case.correspondence.filter(direction="in").order_by("-occurred_on", "-id").values_list("subject", "body")[:3]
        for subject, body in received:
            s = suggest(f"{subject}. {body}")
            if s.kind == "complaint":
                found = s
                break
    if found is None:
        found = stored_suggestion(case)
    if found is None:
        return None
    # Asked only now, so a queue of requests that read as requests costs no query.
    raised = getattr(case, "complaint_raised", None)
    if raised is None:
        raised = case.complaints_raised.exists()
    return None if raised else found


def dissatisfied_requests(start, end) -> dict:
    """Service requests received from start to end (inclusive) whose words read as dissatisfaction,
    and what became of them (Code 1.4: recorded, monitored and reviewed; 1.5: a complaint raised).

    Read from what triage made of each request when it was logged (putright.triage.stored), or
    now for any not worked out yet (about a millisecond each).
    """
    from django.db.models import Count, Q

    from putright.cases.models import Case

    requests = Case.objects.filter(kind="service_request", received_on__gte=start, received_on__lte=end)
    counts = {"received": requests.count(), "dissatisfied": 0, "complaint_raised": 0, "open_without_complaint": 0, "closed_without_complaint": 0}
    # Only those that read as dissatisfied (stored when logged), and any not worked out yet.
    candidates = (
        requests.filter(Q(reads_as_complaint=True) | Q(reads_as_complaint__isnull=True))
        .annotate(raised=Count("complaints_raised"))
        .only("id", "description", "state", "reads_as_complaint")
    )
    for case in candidates.iterator():
        if case.reads_as_complaint is None and suggest(case.description).kind != "complaint":
            continue
        counts["dissatisfied"] += 1
        if case.raised:
            counts["complaint_raised"] += 1
        elif case.state == "open":
            counts["open_without_complaint"] += 1
        else:
            counts["closed_without_complaint"] += 1
    return counts
