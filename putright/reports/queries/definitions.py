"""What each published figure means (DEFINITIONS, written once: into the JSON and docs/reports.md)
and the fixed lists the figures are split by."""

from __future__ import annotations

from putright.cases.models import PaymentMethod
from putright.residents.models import Tenure
from putright.rules.exclusions import RefusalReason
from putright.rules.lifecycle import Decision

STAGES = (1, 2)
DECISIONS = tuple(d.value for d in Decision)
REFUSAL_REASONS = tuple(r.value for r in RefusalReason)
PAYMENT_METHODS = tuple(PaymentMethod.values)
TENURES = tuple(Tenure.values)
NOT_RECORDED = "Not recorded"
THREE_YEARS = 3

# One sentence per figure. `{n}` is the stage number, `{days}` its response timescale.
DEFINITIONS: dict[str, str] = {
    "satisfaction": (
        "Answers to the five-point survey offered after closure, for cases closed in the period "
        "(one per case); satisfied means satisfied or very satisfied. Survey feedback, not complaints (1.6)."
    ),
    "hazards": (
        "Awaab's Law: hazards the landlord became aware of in the period, by emergency and significant; each "
        "legal step counted on_time, late (done late, or not done by as_of though due) or not_yet_due; the median "
        "time to investigate (hours for emergencies, working days for significant hazards); households in "
        "alternative accommodation; complaints received in the period from households that reported a hazard, "
        "and how many were about the hazard itself. as_of is the end of the period, or today for the current one."
    ),
    "period": "The reporting year runs 1 April to 31 March (2024 means 1 April 2024 to 31 March 2025); quarter 1 is April to June and quarter 4 January to March.",
    "homes": "Homes owned in the reporting year, low cost rental (LCRA) and low cost home ownership (LCHO), as set with `putright homes`; null when not set.",
    "stage1.received": "Complaints whose stage 1 began (the complaint was received) in the period, not counting complaints refused at stage 1 (not accepted under Code section 2 and never acknowledged): the Regulator does not count refused complaints as stage 1 complaints.",
    "stage1.received_by_tenure": "stage1.received split by the tenure recorded on the case (LCRA or LCHO); cases with no tenure recorded are counted under not_recorded and in the total only.",
    "stage1.per_1000_homes": "CH01 (1): stage1.received per 1,000 homes owned, to 1 decimal place: total over all homes owned, lcra over LCRA homes counting LCRA cases only, lcho likewise; null when the homes are not set (0 or missing). For a quarter the count is the quarter's, not annualised.",
    "stage1.responded": "Stage 1 responses sent (the response date) in the period, whenever the complaint was received.",
    "stage1.within_timescale": "CH02 (1): of stage1.responded, those sent by the Code's date (10 working days after acknowledgement, 6.3) or by the date of an extension agreed with the resident that the Code allows (at most 10 working days beyond the Code's date, or further with a good reason recorded, 6.4); an extension beyond the limit with no good reason recorded counts only up to the limit.",
    "stage1.within_timescale_percent": "stage1.within_timescale as a percentage of stage1.responded, to 1 decimal place (CH02 as published).",
    "stage1.within_timescale_by_tenure": "CH02 (1) split by the tenure recorded on the case, as CH01 is: for lcra, lcho and not_recorded (no tenure recorded, its own row, never dropped), the responses, those within the timescale (the same rule as stage1.within_timescale) and the percentage; the three rows add up to the totals.",
    "stage1.within_timescale_without_extensions": "Of stage1.responded, those sent by the Code's date (10 working days after acknowledgement), ignoring every extension; shown beside CH02 so both are visible.",
    "stage1.within_timescale_without_extensions_percent": "stage1.within_timescale_without_extensions as a percentage of stage1.responded, to 1 decimal place.",
    "stage1.late": "stage1.responded minus stage1.within_timescale.",
    "stage1.responded_with_extension": "Of stage1.responded, those whose response date had been extended.",
    "stage1.acknowledged": "Stage 1 acknowledgements sent (the acknowledgement date) in the period.",
    "stage1.acknowledged_within_timescale": "Of stage1.acknowledged, those sent within 5 working days of receipt (6.2).",
    "stage1.acknowledged_within_timescale_percent": "stage1.acknowledged_within_timescale as a percentage of stage1.acknowledged, to 1 decimal place.",
    "stage1.decisions": "stage1.responded by the overall decision of the response: upheld, partly upheld or not upheld (any mixture of decisions on the points is partly upheld).",
    "stage1.average_working_days_to_respond": "The mean number of working days from acknowledgement to response over stage1.responded, the Code's own clock (6.3), to 1 decimal place.",
    "stage1.average_working_days_from_receipt": "The mean number of working days from receipt of the complaint to the response over stage1.responded, to 1 decimal place.",
    "stage1.service_areas": "stage1.received by the service area recorded on the case.",
    "stage2.received": "Stage 2 escalations asked for in the period (the escalation request date), not counting requests the landlord refused to escalate (5.11) and never acknowledged: a refused escalation is not a stage 2 complaint received; it is counted under refused with stage 2.",
    "stage2.received_by_tenure": "stage2.received split by the tenure recorded on the case; blank tenure under not_recorded, in the total only.",
    "stage2.per_1000_homes": "CH01 (2): stage2.received per 1,000 homes owned, split as for stage 1.",
    "stage2.responded": "Stage 2 (final) responses sent in the period.",
    "stage2.within_timescale": "CH02 (2): of stage2.responded, those sent by the Code's date (20 working days after acknowledgement, 6.14) or by an agreed extension the Code allows (at most 20 working days more, or further with a good reason recorded, 6.15); an extension beyond the limit with no good reason recorded counts only up to the limit.",
    "stage2.within_timescale_percent": "stage2.within_timescale as a percentage of stage2.responded, to 1 decimal place.",
    "stage2.within_timescale_by_tenure": "CH02 (2) split by tenure as stage1.within_timescale_by_tenure.",
    "stage2.within_timescale_without_extensions": "Of stage2.responded, those sent within 20 working days of acknowledgement, ignoring every extension.",
    "stage2.within_timescale_without_extensions_percent": "stage2.within_timescale_without_extensions as a percentage of stage2.responded, to 1 decimal place.",
    "stage2.late": "stage2.responded minus stage2.within_timescale.",
    "stage2.responded_with_extension": "Of stage2.responded, those whose response date had been extended.",
    "stage2.acknowledged": "Stage 2 acknowledgements sent in the period.",
    "stage2.acknowledged_within_timescale": "Of stage2.acknowledged, those sent within 5 working days of the escalation request (6.11).",
    "stage2.acknowledged_within_timescale_percent": "stage2.acknowledged_within_timescale as a percentage of stage2.acknowledged, to 1 decimal place.",
    "stage2.decisions": "stage2.responded by the overall decision of the final response.",
    "stage2.changed_from_stage1": "Of stage2.responded, those whose stage 2 decision differs from the stage 1 decision on the same complaint.",
    "stage2.average_working_days_to_respond": "The mean number of working days from the stage 2 acknowledgement to the final response over stage2.responded (6.14), to 1 decimal place.",
    "stage2.average_working_days_from_receipt": "The mean number of working days from the escalation request to the final response over stage2.responded, to 1 decimal place.",
    "stage2.service_areas": "stage2.received by the service area recorded on the case.",
    "refused": "Complaints refused in the period (the refusal date): total, by the Code's reason (2.2: over 12 months, legal proceedings, previously considered, other) and by stage (1: not accepted; 2: escalation refused); each case is counted once per group.",
    "refused.other_by_about": "Complaints refused in the period for another reason (\"other\", which needs a manager), by what they were about as recorded with the refusal, most common first; \"Not recorded\" for imported refusals (8.1 b).",
    "withdrawn": "Complaints withdrawn by the resident in the period (the withdrawal date).",
    "open_at_end": "Complaints awaiting a response at the end of the period, by stage: the stage began on or before the last day and its response had not been sent by then, leaving out complaints withdrawn by then and stages refused by then and never acknowledged.",
    "themes": "Themes of stage1.received, most common first; a complaint can have several themes, so the counts add up to more than stage1.received.",
    "service_requests": "Service requests (1.4) received in the period, in total and by service area; they are not complaints and are not in any stage figure.",
    "compliments": "Compliments received in the period, in total and by service area.",
    "compensation": "Financial remedies (7.1) offered in the period: a remedy's date is the date of the response of the stage it was recorded at, or the date it was recorded when that stage has no response (yet); counts of remedies, of complaints (each counted once per group) and the sum in pounds, in total, by payment method (money, voucher, rent credit) and by stage.",
    "three_year": "The headline figures for the year and the two before it, oldest first, with the same definitions.",
}
