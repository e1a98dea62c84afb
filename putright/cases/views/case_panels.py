"""The case page's record of the complaint, written out in Python: each stage (its dates,
extensions and decision), the refusal, the remedies and the outstanding actions.

These panels were template loops with a date filter and a condition per line: at about 60
template nodes a stage, they cost more than reading the case. They are written here with
format_safe (escaping.py: Django's format_html, less its checks for lazy strings), which escapes
everything the records hold, and say exactly what the template said
(`cases/tests/test_case_panels.py` keeps the template and compares).
"""

from __future__ import annotations

from django.template.defaultfilters import linebreaksbr
from django.utils import timezone
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe

from putright.cases.templatetags.wording import clause
from putright.cases.views.case_lists import day
from putright.cases.views.escaping import format_safe, format_safe_join

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
NOTHING = mark_safe("")


def weekday(value) -> str:
    """As the template's `date:"D j M Y"` writes it: Sat 5 Dec 2026."""
    return f"{DAYS[value.weekday()]} {day(value)}"


def local_day(at) -> str:
    """A moment as `date:"j M Y"` writes it: the day in the landlord's time zone."""
    return day(timezone.localtime(at))


def _row(key, value) -> SafeString:
    return format_safe(
        '<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">{}</dt><dd class="govuk-summary-list__value">{}</dd></div>',
        key, value,
    )


def _tag(colour: str, words: str) -> SafeString:
    return format_safe('<strong class="govuk-tag govuk-tag--{}">{}</strong>', colour, words)


def _join(*parts) -> SafeString:
    return mark_safe("".join(str(p) for p in parts if p))


def _acknowledgement(stage, due) -> SafeString:
    done = NOTHING
    if stage.acknowledged_on:
        done = _join(
            format_safe("<br>Acknowledged {}", weekday(stage.acknowledged_on)),
            format_safe(" (recorded {})", local_day(stage.acknowledged_recorded_at)) if stage.acknowledged_recorded_at else "",
            _join(" ", _tag("red", "Late")) if stage.acknowledged_late or stage.acknowledgement_counts_late else "",
            _join(" ", _tag("orange", "Recorded late")) if stage.acknowledgement_counts_late else "",
        )
    return _join(weekday(stage.acknowledge_by), done, _join("<br>", _tag(due.colour, due.words)) if due else "")


def _response(stage, due) -> SafeString:
    done = NOTHING
    if stage.responded_on:
        if stage.response_issued_on:
            sent = _join(" ", _tag("red", "Late")) if stage.responded_late or stage.response_counts_late else ""
        else:
            sent = _join("<br>", _tag("yellow", "Response recorded, letter not sent"))
        done = _join(
            format_safe("<br>Responded {}", weekday(stage.responded_on)),
            format_safe(" (recorded {})", local_day(stage.responded_recorded_at)) if stage.responded_recorded_at else "",
            sent,
            _join(" ", _tag("orange", "Recorded late")) if stage.response_entered_late else "",
        )
    return _join(
        weekday(stage.respond_by),
        " (projected)" if not stage.acknowledged_on else "",
        format_safe("<br>Extended from the Code's date, {}", weekday(stage.code_respond_by)) if stage.is_extended else "",
        done,
        _join("<br>", _tag(due.colour, due.words)) if due else "",
    )


def _extension(ext) -> SafeString:
    if ext.issued_on:
        sent = _join(format_safe("<br>Sent {}", day(ext.issued_on)), ", with the Ombudsman's details" if ext.ombudsman_details_given else "")
    else:
        sent = _join("<br>", _tag("yellow", "Extension recorded, letter not sent"))
    return _row("Extension", _join(
        format_safe("To {}: {}", weekday(ext.new_respond_by), ext.reason),
        format_safe("<br>Resident told {}", day(ext.resident_told_on)) if ext.resident_told_on else "",
        sent,
        format_safe("; updates every {} working days", localize(ext.update_every_working_days)) if ext.update_every_working_days else "",
        _join("<br>", _tag("orange", mark_safe("Beyond the Code's limit")), format_safe(" {}", ext.good_reason or "(no reason recorded)"))
        if ext.beyond_code_limit else "",
    ))


def _decision(stage) -> SafeString:
    points = format_safe_join(
        "", '<p class="govuk-body govuk-!-margin-top-2">{}. {} — <strong>{}</strong>: {}</p>',
        ((i, clause(p.point), p.get_decision_display(), p.reasons) for i, p in enumerate(stage.points.all(), 1)),
    )
    decision = stage.get_decision_display()
    return _row("Decision", _join(format_safe("<strong>{}</strong>", decision[:1].upper() + decision[1:]), points))


def _stage(row) -> SafeString:
    stage = row["stage"]
    rows = [
        _row("Received" if stage.number == 1 else "Asked for", _join(
            weekday(stage.requested_on), format_safe("<br>{}", stage.escalation_reason) if stage.escalation_reason else "",
        )),
        _row("Acknowledge by", _acknowledgement(stage, row["acknowledge_due"])),
        _row("Respond by", _response(stage, row["respond_due"])),
        _row("Handler", str(stage.handler) if stage.handler else "Not allocated"),
    ]
    if stage.definition:
        rows.append(_row("Complaint definition (5.6)", linebreaksbr(stage.definition, autoescape=True)))
        rows.append(_row("Outcomes wanted", linebreaksbr(stage.outcomes_sought, autoescape=True)))
    if stage.responsible_for or stage.not_responsible_for:
        rows.append(_row("Responsibility (5.7)", _join(
            format_safe("Ours: {}", stage.responsible_for) if stage.responsible_for else "",
            format_safe("<br>Not ours: {}", stage.not_responsible_for) if stage.not_responsible_for else "",
        )))
    rows += [_extension(ext) for ext in stage.extensions.all()]
    if stage.decision:
        rows.append(_decision(stage))
    return format_safe(
        '<h2 class="govuk-heading-m" id="stage-{}">Stage {}</h2>\n<dl class="govuk-summary-list">\n{}\n</dl>',
        localize(stage.number), localize(stage.number), _join(*rows),
    )


def _refusal(refusal) -> SafeString:
    return format_safe(
        '<h2 class="govuk-heading-m">Refusal</h2>\n<p class="govuk-body">{} ({}): {}{}{}</p>',
        refusal.get_reason_display(), day(refusal.refused_on), refusal.explanation,
        " The resident was told of their right to go to the Ombudsman." if refusal.ombudsman_rights_given else "",
        format_safe(" Sent {}.", day(refusal.issued_on)) if refusal.issued_on
        else _join(" ", _tag("yellow", "Refusal recorded, letter not sent")),
    )


def _due(item, today) -> SafeString:
    """"done 5 Dec 2026", or the date it is due by, marked when overdue."""
    if item.completed_on:
        return format_safe("done {}", day(item.completed_on))
    return _join(
        format_safe("<strong>due by {}</strong>", day(item.due_by)),
        _join(" ", _tag("red", "Overdue")) if item.due_by < today else "",
    )


def _remedies(remedies, today) -> SafeString:
    items = [
        format_safe(
            "<li>{}{}: {} —\n{}</li>",
            r.get_kind_display(),
            format_safe(" £{} ({})", localize(r.amount), r.get_payment_method_display().lower()) if r.amount else "",
            r.description, _due(r, today),
        )
        for r in remedies
    ]
    return format_safe('<h2 class="govuk-heading-m">Remedies</h2>\n<ul class="govuk-list govuk-list--bullet">\n{}\n</ul>', _join(*items))


def _actions(actions, today) -> SafeString:
    items = [
        format_safe(
            "<li>{} ({}) —\n{}\n{}</li>",
            a.description, str(a.owner) if a.owner else a.owner_name, _due(a, today),
            format_safe_join("", '<br><span class="govuk-body-s">Update {}: {}</span>', ((day(u.given_on), u.note) for u in a.updates.all())),
        )
        for a in actions
    ]
    return format_safe('<h2 class="govuk-heading-m">Outstanding actions</h2>\n<ul class="govuk-list govuk-list--bullet">\n{}\n</ul>', _join(*items))


def record_html(case, stages: list[dict], today) -> SafeString:
    """Each stage, the refusal, the remedies and the outstanding actions, as the page shows them.
    `stages` are the page's rows: each stage with its acknowledgement and response due status."""
    remedies, actions = case.remedies.all(), case.actions.all()
    refusal = case.latest_refusal
    return _join(
        *(_stage(row) for row in stages),
        _refusal(refusal) if refusal else "",
        _remedies(remedies, today) if remedies else "",
        _actions(actions, today) if actions else "",
    )
