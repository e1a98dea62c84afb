"""Residents' safeguards: adjustments kept under review (5.10), restrictions on contact reviewed
and with regard to the Equality Act 2010 (5.14, 5.15)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, Q

from putright.reports.periods import Period
from putright.residents.models import Adjustment, AdjustmentKind, Restriction

from .base import Evidence, has, plural


def adjustments(period: Period, as_of: dt.date, label: str) -> Evidence:
    """Adjustments and disclosures that applied in the year, and those whose review date passed
    (by the end of the year, or today) without a review. A review moves the review date on, so a
    date still in the past was missed; one ended after its review date was reviewed late."""
    applied = (Q(agreed_on__isnull=True) | Q(agreed_on__lte=period.end)) & (Q(ended_on__isnull=True) | Q(ended_on__gte=period.start))
    missed = Q(review_by__lt=as_of) & (Q(ended_on__isnull=True) | Q(ended_on__gt=F("review_by")))
    row = Adjustment.objects.filter(applied).aggregate(
        total=Count("pk"),
        **{f"kind:{k}": Count("pk", filter=Q(kind=k)) for k in AdjustmentKind.values},
        new=Count("pk", filter=Q(agreed_on__range=(period.start, period.end))),
        missed=Count("pk", filter=missed),
        undated=Count("pk", filter=Q(review_by__isnull=True)),
    )
    failures = row["missed"] + row["undated"]
    kinds = {AdjustmentKind.REASONABLE_ADJUSTMENT: ("agreed adjustment", None),
             AdjustmentKind.DISCLOSED_DISABILITY: ("disclosed disability", "disclosed disabilities"),
             AdjustmentKind.VULNERABILITY: ("vulnerability", "vulnerabilities")}
    parts = ", ".join(plural(row[f"kind:{k}"], *names) for k, names in kinds.items())
    sentence = (f"{plural(row['total'], 'adjustment or disclosure', 'adjustments and disclosures')} recorded for residents "
                f"applied during {label} ({parts}; {row['new']} recorded in the year); {row['missed']} passed "
                f"{'its' if row['missed'] == 1 else 'their'} review date without a review")
    sentence += f", {row['undated']} {has(row['undated'])} no review date." if row["undated"] else "."
    failure_text = " and ".join(filter(None, [
        plural(row["missed"], "adjustment or disclosure", "adjustments and disclosures") + " not reviewed by the review date" if row["missed"] else "",
        plural(row["undated"], "adjustment or disclosure", "adjustments and disclosures") + " with no review date" if row["undated"] else "",
    ]))
    return Evidence(
        provision="5.10", sentence=sentence,
        counts={"applied": row["total"], "new": row["new"], "review_missed": row["missed"], "no_review_date": row["undated"],
                **{k: row[f"kind:{k}"] for k in AdjustmentKind.values}},
        failures=failures, failure_text=failure_text,
    )


def restrictions(period: Period, as_of: dt.date, label: str) -> list[Evidence]:
    """Restrictions that applied in the year: started by its end, not ended before it, and not
    lapsed before it. A restriction lapses when its review date passes without a review."""
    applied = (Q(starts_on__lte=period.end, review_by__gte=period.start)
               & (Q(ended_on__isnull=True) | Q(ended_on__gte=period.start)))
    lapsed = Q(review_by__lt=as_of) & (Q(ended_on__isnull=True) | Q(ended_on__gt=F("review_by")))
    row = Restriction.objects.filter(applied).aggregate(
        total=Count("pk"),
        started=Count("pk", filter=Q(starts_on__gte=period.start)),
        ended=Count("pk", filter=Q(ended_on__lte=period.end)),
        lapsed=Count("pk", filter=lapsed),
        unevidenced=Count("pk", filter=Q(reasons="") | Q(evidence="")),
        unconsidered=Count("pk", filter=Q(equality_considerations="")),
    )
    total = row["total"]
    if not total:
        none = f"No restrictions on contact for unacceptable behaviour applied during {label}."
        return [Evidence(provision="5.14", sentence=none, counts=row),
                Evidence(provision="5.15", sentence=none, counts={"applied": 0, "equality_considered": 0})]
    sentence = (f"{plural(total, 'restriction')} on contact for unacceptable behaviour applied during {label} "
                f"({row['started']} started and {row['ended']} ended in the year); {row['lapsed']} passed "
                f"{'its' if row['lapsed'] == 1 else 'their'} review date without a review and lapsed")
    sentence += f"; {row['unevidenced']} {has(row['unevidenced'])} no reasons or evidence recorded." if row["unevidenced"] else "."
    failure_text = " and ".join(filter(None, [
        plural(row["lapsed"], "restriction") + " not reviewed by the review date" if row["lapsed"] else "",
        plural(row["unevidenced"], "restriction") + " without reasons and evidence recorded" if row["unevidenced"] else "",
    ]))
    considered = total - row["unconsidered"]
    return [
        Evidence(provision="5.14", sentence=sentence, counts=row, failures=row["lapsed"] + row["unevidenced"], failure_text=failure_text),
        Evidence(
            provision="5.15",
            sentence=(f"{considered} of the {plural(total, 'restriction')} on contact that applied during {label} "
                      f"record how the Equality Act 2010 was considered."),
            counts={"applied": total, "equality_considered": considered},
            failures=row["unconsidered"],
            failure_text=plural(row["unconsidered"], "restriction") + " with no record of how the Equality Act 2010 was considered",
        ),
    ]
