"""The complaints received: service requests and surveys (1.4–1.6), acceptance and refusals
(2.1–2.4, 5.11), channels, staff, volumes and representatives (3.1–3.3, 3.6), the record (5.12)
and linked complaints (6.8)."""

from __future__ import annotations

from django.db.models import Count, Q

from putright.cases.interchange import NOT_RECORDED
from putright.cases.models import Case, Channel, Correspondence, Direction, Refusal
from putright.reports.periods import Period
from putright.rules.exclusions import REFUSAL_REASON_LABELS, RefusalReason
from putright.rules.lifecycle import Kind, State

from .base import Evidence, case_list, imported_note, lower_first, plural, were


def received_counts(period: Period) -> dict:
    """Counts over the complaints received in the year (refused ones included), in one query."""
    complaints = Case.objects.filter(kind=Kind.COMPLAINT, received_on__range=(period.start, period.end))
    unrecorded = Q(description__in=("", NOT_RECORDED))
    return complaints.aggregate(
        total=Count("pk"),
        **{f"channel:{c}": Count("pk", filter=Q(channel=c)) for c in Channel.values},
        passed_on=Count("pk", filter=~Q(received_by="") | Q(channel=Channel.COLLEAGUE)),
        colleagues=Count("received_by", filter=~Q(received_by=""), distinct=True),
        represented=Count("pk", filter=Q(representative__isnull=False) | Q(channel=Channel.REPRESENTATIVE)),
        consent=Count("pk", filter=Q(representative__consent_given_on__isnull=False)),
        from_requests=Count("pk", filter=Q(from_service_request__isnull=False)),
        requests=Count("from_service_request", distinct=True),
        **{f"requests:{s}": Count("from_service_request", filter=Q(from_service_request__state=s), distinct=True)
           for s in (State.OPEN, State.CLOSED, State.WITHDRAWN)},
        linked=Count("pk", filter=Q(related_to__isnull=False)),
        unrecorded=Count("pk", filter=unrecorded),
        unrecorded_imported=Count("pk", filter=unrecorded & Q(imported=True)),
    )


def received(c: dict, figures: dict, period: Period, label: str) -> list[Evidence]:
    total = c["total"]
    out = []

    n = c["from_requests"]
    if n:
        sentence = (f"{plural(n, 'complaint')} received in {label} {were(n)} raised about the handling of a service request "
                    f"({plural(c['requests'], 'request')}); of those requests, {c['requests:open']} still open, "
                    f"{c['requests:closed']} closed since and {c['requests:withdrawn']} withdrawn.")
    else:
        sentence = f"No complaint received in {label} was raised from a service request."
    out.append(Evidence(
        provision="1.5", sentence=sentence,
        counts={"complaints": n, "service_requests": c["requests"], "requests_open": c["requests:open"],
                "requests_closed": c["requests:closed"], "requests_withdrawn": c["requests:withdrawn"]},
    ))

    accepted = figures["stage1"]["received"]
    out.append(Evidence(
        provision="2.1",
        sentence=(f"Of the {plural(total, 'complaint')} received in {label}, {accepted} were accepted at stage 1 and "
                  f"{max(0, total - accepted)} not accepted, each refusal with one of the Code's reasons recorded (2.2)."),
        counts={"received": total, "accepted": accepted, "not_accepted": max(0, total - accepted)},
        list_key="stage1.received",
    ))

    used = sorted(((c[f"channel:{ch}"], Channel(ch).label) for ch in Channel.values if c[f"channel:{ch}"]),
                  key=lambda item: (-item[0], item[1]))  # most used first
    if total:
        sentence = (f"The {plural(total, 'complaint')} received in {label} (including any not accepted) came by "
                    f"{plural(len(used), 'channel')}: " + ", ".join(f"{lower_first(name)} {count}" for count, name in used) + ".")
    else:
        sentence = f"No complaints were received in {label}."
    out.append(Evidence(provision="3.1", sentence=sentence,
                        counts={"received": total, "channels": len(used),
                                **{ch: c[f"channel:{ch}"] for ch in Channel.values}}))

    online = c[f"channel:{Channel.ONLINE}"]
    out.append(Evidence(
        provision="3.2",
        sentence=(f"{c['passed_on']} of the {plural(total, 'complaint')} received in {label} were taken by a colleague and "
                  f"passed on to be logged ({plural(c['colleagues'], 'colleague or team', 'colleagues or teams')} named); "
                  f"{online} came in through the online form."),
        counts={"received": total, "passed_on": c["passed_on"], "colleagues_named": c["colleagues"], "online": online},
    ))

    s1, s2 = figures["stage1"], figures["stage2"]
    earlier = [y for y in figures.get("three_year", []) if y["year"] != figures["period"]["year"]]
    sentence = f"{s1['received']} stage 1 and {s2['received']} stage 2 complaints received in {label}"
    if earlier:
        sentence += " (" + "; ".join(f"{y['label']}: {y['stage1']['received']} and {y['stage2']['received']}" for y in reversed(earlier)) + ")"
    if figures["homes"]["total"]:
        sentence += (f": {s1['per_1000_homes']['total']} and {s2['per_1000_homes']['total']} per 1,000 homes owned "
                     f"(CH01, {figures['homes']['total']:,} homes).")
    else:
        sentence += "; the homes owned that year are not set, so the rate per 1,000 homes (CH01) cannot be worked out."
    out.append(Evidence(
        provision="3.3", sentence=sentence,
        counts={"stage1_received": s1["received"], "stage2_received": s2["received"],
                "stage1_per_1000_homes": s1["per_1000_homes"]["total"], "stage2_per_1000_homes": s2["per_1000_homes"]["total"]},
        list_key="stage1.received",
    ))

    out.append(Evidence(
        provision="3.6",
        sentence=(f"{c['represented']} of the {plural(total, 'complaint')} received in {label} were made through a "
                  f"representative ({c['consent']} with the resident's consent to the representative recorded)."),
        counts={"received": total, "represented": c["represented"], "consent_recorded": c["consent"]},
    ))

    corr = _correspondence(period)
    missing, imported = c["unrecorded"], c["unrecorded_imported"]
    sentence = f"{total - missing} of the {plural(total, 'complaint')} received in {label} have the resident's original complaint on record"
    if missing:
        sentence += f", {missing} {'does' if missing == 1 else 'do'} not{imported_note(imported)}"
    sentence += (f"; the records hold {plural(corr['total'], 'item')} of correspondence on them ({corr['in']} received, "
                 f"{corr['out']} sent, {plural(corr['notes'], 'internal note')}) and {plural(corr['attachments'], 'attached document')}.")
    complaints = Case.objects.filter(kind=Kind.COMPLAINT, received_on__range=(period.start, period.end))
    out.append(Evidence(
        provision="5.12", sentence=sentence,
        counts={"received": total, "original_not_recorded": missing, "imported": imported, **{f"correspondence_{k}": v for k, v in corr.items()}},
        failures=missing,
        failure_text=plural(missing, "complaint") + " without the resident's original complaint recorded" + imported_note(imported),
        **(case_list(complaints.filter(description__in=("", NOT_RECORDED)).values("pk")) if missing else {}),
    ))

    out.append(Evidence(
        provision="6.8",
        sentence=(f"{plural(c['linked'], 'new issue')} raised during a complaint {were(c['linked'])} logged in {label} as "
                  f"a new complaint linked to it."),
        counts={"linked_complaints": c["linked"]},
    ))
    return out


def _correspondence(period: Period) -> dict:
    rows = Correspondence.objects.filter(case__kind=Kind.COMPLAINT, case__received_on__range=(period.start, period.end))
    return rows.aggregate(
        total=Count("pk", distinct=True),
        **{key: Count("pk", filter=Q(direction=d), distinct=True) for key, d in (("in", Direction.IN), ("out", Direction.OUT), ("notes", Direction.NOTE))},
        attachments=Count("attachments"),
    )


def from_figures(figures: dict, label: str) -> list[Evidence]:
    """1.4 (service requests) and 1.6 (survey answers): counted by `annual_figures` already."""
    requests = figures["service_requests"]["total"]
    survey = figures["satisfaction"]
    unhappy = survey["by_rating"]["dissatisfied"] + survey["by_rating"]["very_dissatisfied"]
    return [
        Evidence(
            provision="1.4",
            sentence=f"Service requests received in {label} and recorded as such, apart from complaints: {requests}.",
            counts={"service_requests": requests}, list_key="service_requests.total",
        ),
        Evidence(
            provision="1.6",
            sentence=(f"{plural(survey['total'], 'answer')} to the satisfaction survey for cases closed in {label}, "
                      f"{unhappy} of them dissatisfied or very dissatisfied, recorded as survey feedback, not as complaints."),
            counts={"survey_answers": survey["total"], "dissatisfied": unhappy},
        ),
    ]


# --- refusals (section 2, 5.11) --------------------------------------------------------------------


def refusals(figures: dict, period: Period, label: str) -> list[Evidence]:
    refused = figures["refused"]
    parts = [f"{refused['by_reason'].get(r.value, 0)} {lower_first(REFUSAL_REASON_LABELS[r])}" for r in RefusalReason]
    by_reason = Evidence(
        provision="2.2",
        sentence=f"{plural(refused['total'], 'complaint')} refused in {label}, by reason: " + "; ".join(parts) + ".",
        counts={"total": refused["total"], **{r.value: refused["by_reason"].get(r.value, 0) for r in RefusalReason}},
        list_key="refused.total",
    )
    over = refused["by_reason"].get(RefusalReason.OVER_12_MONTHS.value, 0)
    time_limit = Evidence(
        provision="2.3",
        sentence=f"{plural(over, 'complaint')} refused in {label} because the issue arose more than 12 months ago.",
        counts={"over_12_months": over}, list_key="refused.by_reason.over_12_months",
    )
    refs = case_list(Refusal.objects.filter(refused_on__range=(period.start, period.end), ombudsman_rights_given=False)
                       .values("case_id"))
    no_rights = len(refs.get("references", ())) + refs.get("more_references", 0)
    explained = Evidence(
        provision="2.4",
        sentence=(f"{plural(refused['total'], 'complaint')} refused in {label}; for {no_rights} of them the "
                  f"resident was not recorded as told of their right to go to the Ombudsman."),
        counts={"refused": refused["total"], "without_ombudsman_rights": no_rights},
        failures=no_rights, failure_text=plural(no_rights, "refusal") + " without the Ombudsman's details recorded",
        list_key="refused.total", **refs,
    )
    stage2 = refused["by_stage"].get("stage2", {"total": 0})["total"]
    escalation = Evidence(
        provision="5.11",
        sentence=f"{plural(stage2, 'escalation')} to stage 2 refused in {label}.",
        counts={"escalations_refused": stage2}, list_key="refused.by_stage.stage2.total",
    )
    return [by_reason, time_limit, explained, escalation]
