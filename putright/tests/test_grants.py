"""Every URL pattern, as anonymous, each staff role and two residents: no grant docs/roles.md
does not list (security issue 14).

Each pattern's identifiers are filled with resident A's records. A page is *granted* to a persona
when it answers 200 to GET. GRANTS says, for every URL name, who may be granted it, following the
rows of docs/roles.md (and docs/portal.md for residents). A persona granted a page not listed for
it fails the test; so does a new URL pattern until it is added here (and to docs/roles.md).
Resident B must never be granted anything of resident A's.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from putright.cases import actions
from putright.cases.tests.factories import complaint_at
from putright.cases.views.case import STEPS as CASE_STEPS
from putright.letters.models import Letter
from putright.ombudsman import actions as ombudsman_actions
from putright.ombudsman.views import STEPS as OMBUDSMAN_STEPS
from putright.portal import access
from putright.portal.models import PublishedReport
from putright.residents import actions as resident_actions
from putright.residents.models import Representative
from putright.rules.lifecycle import State

pytestmark = pytest.mark.django_db

ANON, ADMIN, MANAGER, HANDLER, OVERSIGHT, RES_A, RES_B = "anonymous", "administrator", "manager", "handler", "oversight", "resident A", "resident B"
PERSONAS = [ANON, ADMIN, MANAGER, HANDLER, OVERSIGHT, RES_A, RES_B]
STAFF = {ADMIN, MANAGER, HANDLER, OVERSIGHT}          # "See the queue, every case…": every role
CASEWORK = {ADMIN, MANAGER, HANDLER}                   # log, steps, remedies, correspondence, notes
MANAGERS = {ADMIN, MANAGER}                            # allocate, refuse, reopen; Settings
ADMINS = {ADMIN}                                       # staff accounts; the access log
PUBLIC = set(PERSONAS)                                 # the residents' site's public pages
MANAGER_STEPS = {slug for slug, step in CASE_STEPS.items() if step.manage}

GRANTS: dict[str, set[str]] = {
    # Signing in, one's own password and second factor.
    "accounts:sign-in": {ANON, RES_A, RES_B},  # staff already signed in go to the queue
    "accounts:sign-out": set(),  # POST only
    "accounts:change-password": STAFF,
    "accounts:password-changed": STAFF,
    "twofactor:set-up": {HANDLER, OVERSIGHT},  # not yet set up (administrators and managers have an app)
    "twofactor:verify": MANAGERS,  # those with an app (here administrators and managers)
    "twofactor:recovery-codes": MANAGERS,
    # Single sign-on: not found unless configured; then a redirect to the provider, and its answer
    # (a redirect in, or a refusal page), never a page of PutRight's for anyone.
    "sso:start": set(),
    "sso:callback": set(),
    # Cases: every role reads; casework roles change; managers allocate, refuse, reopen.
    "cases:queue": STAFF,
    "cases:detail": STAFF,
    "cases:attachment": STAFF,
    "cases:log": CASEWORK,
    "cases:action": CASEWORK,  # per step: see MANAGER_STEPS below
    "cases:late_entries": MANAGERS,  # steps recorded late or back-dated (docs/roles.md)
    "cases:worklists": STAFF,
    # Named complaints roles and the governing body's receipt of reports: read by all, recorded by managers.
    "governance:index": STAFF,
    "governance:appoint": MANAGERS,
    "governance:receipt": MANAGERS,  # updates, actions and remedies due or overdue (docs/roles.md)
    # Letters are correspondence: read by all, drafted by casework roles (POST).
    "letters:letter": STAFF,
    "letters:preview": STAFF,
    "letters:pdf": STAFF,
    "letters:draft": set(),  # POST only
    "letters:bundle": set(),  # POST only
    "letters:issue": CASEWORK,  # confirming the issue of a draft: casework roles
    "None:None": set(),  # /favicon.ico: a redirect to the static icon, nobody's page
    # Residents: read by all staff; adjustments and representatives' consent by casework roles;
    # restrictions by managers.
    "residents:detail": STAFF,
    "residents:add-adjustment": CASEWORK,
    "residents:review-adjustment": CASEWORK,
    "residents:record-consent": CASEWORK,
    "residents:restrict": MANAGERS,
    "residents:review-restriction": MANAGERS,
    "residents:end-restriction": MANAGERS,
    # The access log is the data protection officer's: administrators.
    "audit:search": ADMINS,
    # Ombudsman cases, reviews and learning: read by all, worked by casework roles; exceptional
    # circumstances (8.5) recorded by administrators.
    "ombudsman:list": STAFF,
    "ombudsman:reviews": STAFF,
    "ombudsman:detail": STAFF,
    "ombudsman:new": CASEWORK,
    "ombudsman:step": CASEWORK,
    "ombudsman:exceptional": STAFF,
    "ombudsman:exceptional-new": ADMINS,
    "ombudsman:exceptional-edit": ADMINS,
    "learning:list": STAFF,
    "learning:improvement": STAFF,
    "learning:improvement-new": CASEWORK,
    "learning:record": CASEWORK,
    # Reports and self-assessment: read by all (oversight above all); written by managers.
    "reports:index": STAFF,
    "reports:year": STAFF,
    "reports:quarter": STAFF,
    "reports:cases": STAFF,
    "reports:annual-report": STAFF,
    "reports:annual-report-pdf": STAFF,
    "reports:quarter-report": STAFF,
    "reports:quarter-report-pdf": STAFF,
    "reports:narrative": MANAGERS,
    "selfassessment:index": STAFF,
    "selfassessment:detail": STAFF,
    "selfassessment:download-pdf": STAFF,
    "selfassessment:download-csv": STAFF,
    "selfassessment:download-html": STAFF,
    "selfassessment:new": MANAGERS,
    "selfassessment:answer": MANAGERS,
    "selfassessment:approve": MANAGERS,
    # The residents' site: public pages for everyone, a resident's own case for them alone.
    "portal:start": PUBLIC,
    "portal:question": PUBLIC,
    "portal:check-answers": set(),  # sends back to the first question until it is answered
    "portal:sent": set(),  # only after sending
    "portal:sign-in": PUBLIC - {RES_A, RES_B},  # signed-in residents go to their cases
    "portal:code": set(),  # only after asking for a code
    "portal:link": PUBLIC,  # the confirm button (a real token of resident A's)
    "portal:sign-out": set(),  # POST only
    "portal:my-cases": {RES_A, RES_B},  # each sees their own
    "portal:case": {RES_A},
    "portal:add-information": {RES_A},
    "portal:stage-two": {RES_A},
    "portal:not-received": {RES_A},
    "portal:survey": set(),  # only after closure
    "portal:representative": set(),  # POST only
    "portal:attachment": {RES_A},
    "portal:how-to-complain": PUBLIC,
    "portal:stages": PUBLIC,
    "portal:ombudsman": PUBLIC,
    "portal:reports": PUBLIC,
    "portal:report-file": PUBLIC,
    # Data protection requests (docs/data-protection): read by all staff, worked by casework
    # roles (some steps by managers: their own checks); the subject access download is a POST.
    "privacy:requests": STAFF,
    "privacy:request": STAFF,
    "privacy:step": CASEWORK,
    "privacy:new": CASEWORK,
    "privacy:download": set(),
    "privacy:retention": MANAGERS,
    # Hazards (Awaab's Law): read by all staff, worked by casework roles; residents report online.
    "hazards:worklist": STAFF,
    "hazards:detail": STAFF,
    "hazards:step": CASEWORK,
    "hazards:raise": CASEWORK,
    "hazards-portal:report": PUBLIC,
    "hazards-portal:sent": set(),  # only after sending
    # The mailbox: read by all staff, logged or set aside by casework roles.
    "mailbox:inbox": STAFF,
    "mailbox:message": STAFF,
    "mailbox:log": CASEWORK,
    "mailbox:set-aside": CASEWORK,
    # Noticing complaints: the residents' "report a problem" pages.
    "triage:report": PUBLIC,
    "triage:choose": set(),  # only after describing the problem
    "triage:request": set(),
    # The API answers API keys only: no sign-in of the site is granted anything but its documents.
    "api:openapi-json": PUBLIC,
    "api:openapi-view": PUBLIC,
    "api:api-root": PUBLIC,
}
API_WITH_KEYS_ONLY = "api:"


def patterns() -> list[tuple[str, str, list[str]]]:
    """(name, route, parameter names) of every URL pattern outside the Django admin."""
    found = []

    def walk(items, prefix, namespace):
        for p in items:
            if isinstance(p, URLResolver):
                if p.namespace == "admin":
                    continue  # walked separately: test_the_admin_is_for_managers_and_administrators
                walk(p.url_patterns, prefix + str(p.pattern), p.namespace or namespace)
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                found.append((f"{namespace}:{p.name}", route, re.findall(r"<(?:\w+:)?(\w+)>", route)))

    walk(get_resolver().url_patterns, "", None)
    return found


@pytest.fixture
def world(admin_user, manager, handler, oversight, resident, other_resident, today):
    case = complaint_at(State.STAGE1_RESPONDED, handler=handler, resident=resident, today=today)
    complaint_at(State.STAGE1_LOGGED, handler=handler, resident=other_resident, today=today)
    item = actions.add_correspondence(case, direction="out", occurred_on=today, subject="Response", actor=handler, today=today,
                                      files=[actions.NewFile("response.pdf", "application/pdf", b"%PDF-1.4 r")])
    from putright.letters import actions as letter_actions
    from putright.letters.models import LetterKind

    from putright.rules.errors import RuleViolation

    letter = Letter.objects.filter(case=case).first()
    for kind in LetterKind.values:
        if letter is not None:
            break
        try:
            letter = letter_actions.draft_letter(case, kind, actor=handler)
        except RuleViolation:
            continue
    oc = ombudsman_actions.open_ombudsman_case(case=case, category="property_condition", opened_on=today, their_reference="HOS-1", actor=handler, today=today)
    ec = ombudsman_actions.record_exceptional_circumstance(title="Outage", description="Down.", starts_on=today, compliance_returns_by=today + dt.timedelta(days=14), actor=admin_user, today=today)
    restriction = resident_actions.add_restriction(resident, reasons="r", evidence="e", restricted="Email only.", equality_considerations="None known.",
                                                   starts_on=today, review_by=today + dt.timedelta(days=30), actor=manager, today=today)
    adjustment = resident_actions.add_adjustment(resident, kind="reasonable_adjustment", description="Large print.", agreed_on=today,
                                                 review_by=today + dt.timedelta(days=30), actor=handler, today=today)
    rep = Representative.objects.create(resident=resident, name="Ann", email="ann@example.org")
    from putright.learning import actions as learning

    item_l = learning.record_learning(case, recorded_on=today, what_went_wrong="Late.", root_cause="No triage.", actor=handler, today=today)
    improvement = learning.add_improvement(title="Triage", due_by=today + dt.timedelta(days=30), owner=manager, learning_items=[item_l], actor=manager)
    from putright.selfassessment.models import SelfAssessment

    assessment = SelfAssessment.objects.create(title="Self-assessment 2026", year=today.year, created_by=manager)
    from putright.hazards.tests.helpers import raise_damp
    from putright.mailbox.models import InboundMessage
    from putright.privacy import requests as privacy_requests

    hazard = raise_damp(case, actor=handler)
    data_request = privacy_requests.record_request(resident, kind="access", received_on=today, actor=handler, today=today)
    message = InboundMessage.objects.create(folder="INBOX", uidvalidity=1, uid=1, sender_email=resident.email, subject="Leak", received_at=timezone.now(), fetched_at=timezone.now())
    report = PublishedReport.objects.create(title="Annual report", kind="annual_report", published_on=today)
    report.file.save("report.pdf", ContentFile(b"%PDF-1.4 report"))
    return {
        "reference": case.reference, "case_attachment": item.attachments.get().pk, "letter": letter.pk, "ombudsman": oc.pk,
        "exceptional": ec.pk, "resident": resident.pk, "restriction": restriction.pk, "adjustment": adjustment.pk,
        "representative": rep.pk, "improvement": improvement.pk, "assessment": assessment.pk, "report": report.pk,
        "year": today.year, "token": access.mint_token(resident.email)[0],
        "hazard": hazard.pk, "data_request": data_request.pk, "message": message.pk,
        "tenancy_reference": resident.tenancy_reference or "T1", "uprn": "100023336956",
    }


def fill(name: str, route: str, params: list[str], w: dict) -> list[str]:
    """Every concrete path for a pattern (several for a pattern with a `step`)."""
    by_name = {
        ("cases:attachment", "pk"): w["case_attachment"], ("portal:attachment", "pk"): w["case_attachment"],
        ("portal:report-file", "pk"): w["report"], ("ombudsman:exceptional-edit", "pk"): w["exceptional"],
        ("learning:improvement", "pk"): w["improvement"],
        ("privacy:request", "rid"): w["data_request"], ("privacy:step", "rid"): w["data_request"],
        ("privacy:new", "pk"): w["resident"], ("privacy:download", "pk"): w["resident"],
    }
    by_namespace = {
        "letters": w["letter"], "ombudsman": w["ombudsman"], "residents": w["resident"], "selfassessment": w["assessment"],
        "hazards": w["hazard"], "mailbox": w["message"],
    }
    common = {
        "reference": w["reference"], "year": w["year"], "quarter": 1, "token": w["token"], "audience": "resident", "kind": "acknowledgement",
        "rid": w["restriction"] if "restriction" in route else w["representative"], "aid": w["adjustment"], "number": "1.2",
        "key": "satisfaction.total", "section": "introduction",
        "tenancy_reference": w["tenancy_reference"], "uprn": w["uprn"],
    }
    values = {}
    for param in params:
        if (name, param) in by_name:
            values[param] = by_name[(name, param)]
        elif param == "pk" and name.split(":")[0] in by_namespace:
            values[param] = by_namespace[name.split(":")[0]]
        elif param in common:
            values[param] = common[param]
        elif param not in ("action", "step", "slug"):
            pytest.fail(f"{name}: teach this test a value for <{param}> in {route}")
    expansions = [{}]
    if "action" in params:
        expansions = [{"action": slug} for slug in CASE_STEPS]
    elif "step" in params:
        from putright.privacy.views import STEPS as PRIVACY_STEPS

        steps = {"ombudsman": OMBUDSMAN_STEPS, "privacy": PRIVACY_STEPS}.get(name.split(":")[0], ["what-happened"])
        expansions = [{"step": slug} for slug in steps]
    elif "slug" in params:
        from putright.hazards.forms import STEPS as HAZARD_STEPS

        expansions = [{"slug": slug} for slug in HAZARD_STEPS]
    paths = []
    for extra in expansions:
        merged = {**values, **extra}
        paths.append("/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(merged[m.group(1)]), route))
    return paths


def clients(admin_user, manager, handler, oversight, resident, other_resident) -> dict[str, Client]:
    made = {ANON: Client()}
    for persona, user in ((ADMIN, admin_user), (MANAGER, manager), (HANDLER, handler), (OVERSIGHT, oversight)):
        made[persona] = Client()
        made[persona].force_login(user)
    for persona, person in ((RES_A, resident), (RES_B, other_resident)):
        made[persona] = Client()
        assert made[persona].post(f"/track/link/{access.mint_token(person.email)[0]}/").status_code == 302
    return made


def test_no_persona_is_granted_a_page_docs_roles_md_does_not_list(world, admin_user, manager, handler, oversight, resident, other_resident):
    personas = clients(admin_user, manager, handler, oversight, resident, other_resident)
    unexpected, unknown = [], []
    for name, route, params in patterns():
        if name not in GRANTS and not name.startswith(API_WITH_KEYS_ONLY):
            unknown.append(f"{name} (/{route})")
            continue
        for path in fill(name, route, params, world):
            allowed = set(GRANTS.get(name, ()))
            if name == "cases:action" and path.rstrip("/").rsplit("/", 1)[-1] in MANAGER_STEPS:
                allowed &= MANAGERS
            for persona, client in personas.items():
                status = client.get(path).status_code
                if status == 200 and persona not in allowed:
                    unexpected.append(f"{persona} was granted {path} ({name})")
    assert not unknown, "URL patterns this test and docs/roles.md do not know yet:\n" + "\n".join(unknown)
    assert not unexpected, "\n".join(unexpected)


def test_the_admin_is_for_managers_and_administrators(world, admin_user, manager, handler, oversight, resident, other_resident):
    personas = clients(admin_user, manager, handler, oversight, resident, other_resident)
    for persona, client in personas.items():
        status = client.get("/admin/").status_code
        assert (status == 200) == (persona in MANAGERS), (persona, status)
    # Managers see reference data, not staff accounts.
    assert personas[MANAGER].get("/admin/accounts/user/").status_code == 403
    assert personas[ADMIN].get("/admin/accounts/user/").status_code == 200
