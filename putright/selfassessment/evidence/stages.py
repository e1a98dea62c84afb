"""The stages: acknowledgements, definitions, responses, extensions and escalation (5.6, 5.7,
5.9, 6.2–6.19)."""

from __future__ import annotations

from django.db.models import Count, Exists, F, OuterRef, Q

from putright.cases.models import DecisionPoint, Extension, Stage
from putright.learning.models import LearningItem
from putright.letters.models import Letter, LetterKind, LetterStatus
from putright.reports.periods import Period
from putright.rules.lifecycle import Decision

from .base import (
    IMPORTED,
    REFERENCES_SHOWN,
    STAGES,
    Evidence,
    case_list,
    flag,
    has,
    imported_note,
    only_if,
    plural,
)


def acknowledged_in_time(n: int, block: dict, label: str) -> Evidence:
    total, within = block["acknowledged"], block["acknowledged_within_timescale"]
    late = total - within
    what = "stage 1 complaints" if n == 1 else "stage 2 escalation requests"
    return Evidence(
        provision="6.2" if n == 1 else "6.11",
        sentence=f"{within} of {total} {what} acknowledged within 5 working days in {label}; {late} late.",
        counts={"acknowledged": total, "within_timescale": within, "late": late},
        failures=late, failure_text=plural(late, "late acknowledgement"),
        list_key=f"stage{n}.acknowledged",
    )


def responded_in_time(n: int, block: dict, label: str) -> Evidence:
    total, within, late = block["responded"], block["within_timescale"], block["late"]
    days = block["timescales"]["respond_working_days"]
    what = "stage 1 responses" if n == 1 else "stage 2 (final) responses"
    return Evidence(
        provision="6.3" if n == 1 else "6.14",
        sentence=(f"{within} of {total} {what} sent in {label} were within the timescale "
                  f"({days} working days from acknowledgement, or an extension the Code allows); {late} late."),
        counts={"responded": total, "within_timescale": within, "late": late,
                "within_timescale_percent": block["within_timescale_percent"]},
        failures=late, failure_text=plural(late, "late response"),
        list_key=f"stage{n}.late",
    )


def extensions(figures: dict, period: Period, label: str) -> list[Evidence]:
    """6.4 and 6.15 (the length of extensions), 6.5 and 6.16 (the Ombudsman's details given).

    Counted over the extensions of the stages answered in the year, as `responded_with_extension`."""
    of_year = Extension.objects.filter(stage__responded_on__range=(period.start, period.end), stage__number__in=STAGES)
    beyond = list(of_year.filter(beyond_code_limit=True)
                  .values_list("stage__number", "stage__case__reference", "good_reason").distinct().order_by())
    not_given = Q(ombudsman_details_given=False)
    aggregates = {}
    for n in STAGES:  # one query for both stages: each count under its stage's filter
        at = Q(stage__number=n)
        aggregates |= {
            f"total{n}": Count("pk", filter=at),
            f"not_given{n}": Count("pk", filter=at & not_given),
            f"imported{n}": Count("pk", filter=at & not_given & Q(stage__case__imported=True)),
        }
    row = of_year.aggregate(**aggregates)
    out = []
    for n in STAGES:
        block = figures[f"stage{n}"]
        rows = [(ref, reason) for number, ref, reason in beyond if number == n]
        without_reason = sorted({ref for ref, reason in rows if not reason.strip()})
        beyond_limit = len({ref for ref, _ in rows})
        limit = block["timescales"]["extension_limit_working_days"]
        out.append(Evidence(
            provision="6.4" if n == 1 else "6.15",
            sentence=(f"{block['responded_with_extension']} of {block['responded']} stage {n} responses sent in {label} "
                      f"had been extended; {plural(beyond_limit, 'extension')} went beyond the Code's "
                      f"limit of {limit} working days, {len(without_reason)} of them with no good reason recorded."),
            counts={"responded": block["responded"], "extended": block["responded_with_extension"],
                    "beyond_limit": beyond_limit, "beyond_limit_without_reason": len(without_reason)},
            failures=len(without_reason),
            failure_text=plural(len(without_reason), "extension") + " beyond the Code's limit with no good reason recorded",
            list_key=f"stage{n}.responded_with_extension",
            references=tuple(without_reason[:REFERENCES_SHOWN]),
            more_references=max(0, len(without_reason) - REFERENCES_SHOWN),
        ))
        total, missing, imported = row[f"total{n}"], row[f"not_given{n}"], row[f"imported{n}"]
        if total:
            sentence = (f"{total - missing} of the {plural(total, 'extension')} to the stage {n} responses sent in {label} "
                        f"record that the resident was given the Ombudsman's contact details; {missing} "
                        f"{'does' if missing == 1 else 'do'} not{imported_note(imported)}.")
        else:
            sentence = f"No stage {n} response sent in {label} had been extended."
        out.append(Evidence(
            provision="6.5" if n == 1 else "6.16",
            sentence=sentence,
            counts={"extensions": total, "ombudsman_details_given": total - missing, "not_recorded": missing, "imported": imported},
            failures=missing,
            failure_text=plural(missing, "extension") + " with no record of the Ombudsman's contact details being given" + imported_note(imported),
            list_key=f"stage{n}.responded_with_extension",
            **(case_list(of_year.filter(not_given, stage__number=n).values("stage__case_id")) if missing else {}),
        ))
    return out


def same_handler(period: Period, label: str) -> Evidence:
    """6.13: stage 2 complaints dealt with by anyone who acted on stage 1: its handler at any
    time, or who acknowledged (defined), extended or responded to it (StageParticipant), as well
    as the handlers recorded on imported stages."""
    from collections import defaultdict

    from putright.cases.models import StageParticipant

    stage2 = dict(Stage.objects.filter(number=2, requested_on__range=(period.start, period.end)).order_by().values_list("pk", "case_id"))
    people: dict[tuple[int, int], set[int]] = defaultdict(set)  # (case id, stage number) -> users
    stages = Stage.objects.filter(case_id__in=stage2.values(), number__in=(1, 2)).order_by()
    for case_id, number, handler_id in stages.filter(handler__isnull=False).values_list("case_id", "number", "handler_id"):
        people[case_id, number].add(handler_id)
    for case_id, number, user_id in (StageParticipant.objects.filter(stage__in=stages).order_by()
                                     .values_list("stage__case_id", "stage__number", "user_id")):
        people[case_id, number].add(user_id)
    acted = [case_id for case_id in stage2.values() if people.get((case_id, 2))]
    same = sorted(case_id for case_id in acted if people[case_id, 2] & people.get((case_id, 1), set()))
    total, n = len(acted), len(same)
    return Evidence(
        provision="6.13",
        sentence=(f"{n} of {total} stage 2 complaints received in {label} with someone recorded as dealing with them "
                  f"were dealt with at stage 2 by someone who acted on stage 1 (its handler, or who acknowledged, "
                  f"extended or responded to it)."),
        counts={"stage2_with_handler": total, "same_handler": n},
        failures=n, failure_text=plural(n, "stage 2 complaint") + " dealt with by someone who acted on stage 1",
        **(case_list(Stage.objects.filter(number=2, case_id__in=same).values("case_id")) if n else {}),
    )


UPHELD = (Decision.UPHELD.value, Decision.PARTLY_UPHELD.value)
RESPONSE_LETTERS = (LetterKind.STAGE1_RESPONSE.value, LetterKind.STAGE2_RESPONSE.value)
INFORMED = Extension.objects.filter(stage_id=OuterRef("pk"), update_every_working_days__isnull=False)
POINTS = DecisionPoint.objects.filter(stage_id=OuterRef("pk"))


def response_counts(period: Period) -> dict[int, dict[str, int]]:
    """The year's responses at each stage, sorted by what their records hold, in one query.

    Each response is marked (a comparison, or an EXISTS through an index, worked out once per row
    and only where it matters) and the rows are grouped by those marks, so the database returns a
    few dozen groups, which are added up here: later than the Code's date and whether an update
    interval was agreed (5.9); with decisions on the points (6.7, 6.18); a response letter issued
    in PutRight (6.9, 6.19); escalated (6.10); upholding the complaint, and learning recorded on it
    (9.1); imported, for the sentences. The points without reasons are counted by `responses`.
    """
    late = Q(responded_on__gt=F("code_respond_by"))
    upheld = Q(decision__in=UPHELD)
    marks = {
        "late": flag(late),
        "informed": only_if(late, Exists(INFORMED)),
        "pointed": Exists(POINTS),
        "lettered": Exists(Letter.objects.filter(case_id=OuterRef("case_id"), stage_number=OuterRef("number"),
                                                 kind__in=RESPONSE_LETTERS, status=LetterStatus.ISSUED)),
        "escalated": only_if(Q(number=1), Exists(Stage.objects.filter(case_id=OuterRef("case_id"), number=2))),
        "upheld": flag(upheld),
        "learned": only_if(upheld, Exists(LearningItem.objects.filter(case_id=OuterRef("case_id")))),
        "imported": only_if(late | ~Q(Exists(POINTS)), Exists(IMPORTED)),
    }
    rows = (
        Stage.objects.filter(responded_on__range=(period.start, period.end), number__in=STAGES)
        .annotate(**{f"m_{k}": v for k, v in marks.items()})
        .values_list("number", *(f"m_{k}" for k in marks))
        .annotate(n=Count("pk"))
        .order_by()
    )
    keys = ("responded", "late", "uninformed", "uninformed_imported", "no_points", "no_points_imported",
            "letters", "escalated", "upheld", "upheld_learned")
    out = {n: dict.fromkeys(keys, 0) for n in STAGES}
    for number, *values, n in rows:
        m = dict(zip(marks, values))
        c = out[number]
        c["responded"] += n
        if m["late"]:
            c["late"] += n
            if not m["informed"]:
                c["uninformed"] += n
                c["uninformed_imported"] += n * bool(m["imported"])
        if not m["pointed"]:
            c["no_points"] += n
            c["no_points_imported"] += n * bool(m["imported"])
        c["letters"] += n * bool(m["lettered"])
        c["escalated"] += n * bool(m["escalated"])
        if m["upheld"]:
            c["upheld"] += n
            c["upheld_learned"] += n * bool(m["learned"])
    return out


def responses(counts: dict, figures: dict, period: Period, label: str) -> list[Evidence]:
    """5.9, 6.7 and 6.18, 6.9 and 6.19, 6.10 from the year's responses."""
    stages = Stage.objects.filter(responded_on__range=(period.start, period.end))
    points = {
        number: (n, unreasoned)
        for number, n, unreasoned in DecisionPoint.objects.filter(
            stage__responded_on__range=(period.start, period.end), stage__number__in=STAGES)
        .values_list("stage__number")
        .annotate(n=Count("pk"), unreasoned=Count("stage_id", filter=Q(reasons=""), distinct=True))
        .order_by()
    }
    one, two = counts[1], counts[2]
    out = []

    late, missing = one["late"] + two["late"], one["uninformed"] + two["uninformed"]
    imported = one["uninformed_imported"] + two["uninformed_imported"]
    responded = one["responded"] + two["responded"]
    if late:
        sentence = (f"{late} of the {responded} stage 1 and 2 responses sent in {label} came after the Code's date; "
                    f"for {late - missing} of them an interval for keeping the resident informed was agreed with an "
                    f"extension, for {missing} none is recorded{imported_note(imported)}.")
    else:
        sentence = f"None of the {responded} stage 1 and 2 responses sent in {label} came after the Code's date."
    out.append(Evidence(
        provision="5.9",
        sentence=sentence,
        counts={"responded": responded, "after_code_date": late,
                "update_interval_agreed": late - missing, "no_update_interval": missing, "imported": imported},
        failures=missing,
        failure_text=plural(missing, "response") + " after the Code's date with no agreed interval for updates recorded" + imported_note(imported),
        **(case_list(stages.filter(responded_on__gt=F("code_respond_by"), number__in=STAGES)
                       .exclude(Exists(INFORMED))
                       .values("case_id")) if missing else {}),
    ))

    for n, c in counts.items():
        recorded, unreasoned = points.get(n, (0, 0))
        failures = c["no_points"] + unreasoned
        what = "stage 1 responses" if n == 1 else "stage 2 (final) responses"
        sentence = (f"{c['responded'] - failures} of {c['responded']} {what} sent in {label} have a decision with reasons "
                    f"recorded on each point of the complaint ({plural(recorded, 'point')} in all)")
        if c["no_points"]:
            sentence += f"; {c['no_points']} {has(c['no_points'])} no decision recorded on the points{imported_note(c['no_points_imported'])}"
        if unreasoned:
            sentence += f"; {unreasoned} {has(unreasoned)} a point with no reasons recorded"
        unanswered = Q(number=n) & (~Q(Exists(POINTS)) | Q(Exists(POINTS.filter(reasons=""))))
        out.append(Evidence(
            provision="6.7" if n == 1 else "6.18",
            sentence=sentence + ".",
            counts={"responded": c["responded"], "points": recorded, "no_points": c["no_points"],
                    "no_points_imported": c["no_points_imported"], "point_without_reasons": unreasoned},
            failures=failures,
            failure_text=(plural(failures, "response") + " without a decision and reasons recorded on every point"
                          + imported_note(c["no_points_imported"])),
            list_key=f"stage{n}.responded",
            **(case_list(stages.filter(unanswered).values("case_id")) if failures else {}),
        ))
        letter = "stage 1 response letter" if n == 1 else "stage 2 final response letter"
        parts = "6.9 a–g" if n == 1 else "6.19 a–g"
        out.append(Evidence(
            provision="6.9" if n == 1 else "6.19",
            sentence=(f"{c['letters']} of {c['responded']} {what} sent in {label} went out as a PutRight {letter}, "
                      f"which is checked for the parts {parts} before it can be issued; the other "
                      f"{c['responded'] - c['letters']} {has(c['responded'] - c['letters'])} no response letter issued in PutRight."),
            counts={"responded": c["responded"], "letters": c["letters"], "without_letter": c["responded"] - c["letters"]},
            list_key=f"stage{n}.responded",
        ))

    received, refused = figures["stage2"]["received"], figures["refused"]["by_stage"].get("stage2", {"total": 0})["total"]
    out.append(Evidence(
        provision="6.10",
        sentence=(f"Stage 2 in {label}: {plural(received, 'request')} logged and {plural(refused, 'escalation')} refused "
                  f"(see 5.11); {one['escalated']} of the {one['responded']} stage 1 responses sent in {label} have been "
                  f"followed by a request for stage 2."),
        counts={"stage2_received": received, "escalations_refused": refused, "stage1_responded": one["responded"],
                "stage1_escalated": one["escalated"]},
        list_key="stage2.received",
    ))
    return out


def acknowledgements(period: Period, label: str) -> list[Evidence]:
    """5.6 (the complaint definition and the outcomes sought) and 5.7 (what the landlord is and is
    not responsible for), recorded at the year's acknowledgements, both stages, in one query."""
    stages = Stage.objects.filter(acknowledged_on__range=(period.start, period.end), number__in=STAGES)
    undefined = Q(definition="") | Q(outcomes_sought="")
    aggregates = {}
    for n in STAGES:
        at = Q(number=n)
        aggregates |= {
            f"total{n}": Count("pk", filter=at),
            f"undefined{n}": Count("pk", filter=at & undefined),
            f"imported{n}": Count("pk", filter=at & undefined & Q(Exists(IMPORTED))),
            f"responsible{n}": Count("pk", filter=at & ~Q(responsible_for="")),
            f"not_responsible{n}": Count("pk", filter=at & ~Q(not_responsible_for="")),
        }
    row = stages.aggregate(**aggregates)
    total = row["total1"] + row["total2"]
    missing, imported = row["undefined1"] + row["undefined2"], row["imported1"] + row["imported2"]
    defined = {n: row[f"total{n}"] - row[f"undefined{n}"] for n in STAGES}
    responsible = row["responsible1"] + row["responsible2"]
    not_responsible = row["not_responsible1"] + row["not_responsible2"]
    return [
        Evidence(
            provision="5.6",
            sentence=(f"{defined[1]} of {row['total1']} stage 1 and {defined[2]} of {row['total2']} stage 2 acknowledgements "
                      f"in {label} recorded the complaint definition and the outcomes the resident seeks; {missing} did not"
                      f"{imported_note(imported)}."),
            counts={"acknowledged": total, "stage1_defined": defined[1], "stage2_defined": defined[2],
                    "not_defined": missing, "imported": imported},
            failures=missing,
            failure_text=plural(missing, "acknowledgement") + " with no complaint definition or outcomes sought recorded" + imported_note(imported),
            **(case_list(stages.filter(undefined).values("case_id")) if missing else {}),
        ),
        Evidence(
            provision="5.7",
            sentence=(f"Of the {plural(total, 'acknowledgement')} at stage 1 or 2 in {label}, {responsible} recorded "
                      f"which aspects of the complaint the landlord is responsible for and {not_responsible} recorded "
                      f"aspects it is not responsible for."),
            counts={"acknowledged": total, "responsible_for": responsible, "not_responsible_for": not_responsible},
        ),
    ]
