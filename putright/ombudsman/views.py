"""Staff pages for Ombudsman cases, the reviews list, and exceptional circumstances (8.5)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from putright.cases.access import get_case_for_staff, require_change, staff_view
from putright.learning.queries import improvements_open
from putright.ombudsman import forms, queries
from putright.ombudsman.models import Determination, ExceptionalCircumstance, OmbudsmanCase, Order
from putright.residents.actions import DUE_SOON_DAYS
from putright.residents.models import Adjustment, Restriction


def form_page(request, form, *, back_url: str, caption: str = "", done_url: str | None = None):
    """Render a form page (GOV.UK markup), or run the form on POST and go back with a message."""
    if request.method == "POST" and form.run():
        messages.success(request, f"{form.title}: saved.")
        return redirect(done_url or back_url)
    return render(request, "ombudsman/form_page.html", {"form": form, "back_url": back_url, "caption": caption})


def _require_admin(user) -> None:
    require_change(user)
    if not user.is_administrator:
        raise PermissionDenied("Only an administrator can record exceptional circumstances.")


# --- Ombudsman cases -----------------------------------------------------------------------------


@staff_view
def case_list(request):
    today = timezone.localdate()
    qs = OmbudsmanCase.objects.select_related("case", "resident").prefetch_related("orders", "information_requests", "determinations")
    show = request.GET.get("show", "open")
    if show != "all":
        qs = qs.filter(closed_on__isnull=True)
    rows = []
    for oc in qs:
        rows.append(
            {
                "oc": oc,
                "overdue_orders": sum(1 for o in oc.orders.all() if o.kind == "order" and o.is_overdue(today)),
                "overdue_requests": sum(1 for r in oc.information_requests.all() if r.is_overdue(today)),
                "determined": bool(oc.determinations.all()),
            }
        )
    return render(request, "ombudsman/list.html", {"rows": rows, "show": show, "today": today})


@staff_view
def new_case(request):
    require_change(request.user)
    case = None
    if request.GET.get("case"):
        case = get_case_for_staff(request.user, request.GET["case"])
    posted = request.method == "POST"
    form = forms.OmbudsmanCaseForm(request.POST if posted else None, case=case, user=request.user)
    if posted and form.run():
        messages.success(request, "Ombudsman case added.")
        return redirect("ombudsman:detail", form.result.pk)
    back = reverse("cases:detail", args=[case.reference]) if case else reverse("ombudsman:list")
    return render(request, "ombudsman/form_page.html", {"form": form, "back_url": back, "caption": case.reference if case else ""})


def _get_oc(pk) -> OmbudsmanCase:
    return get_object_or_404(
        OmbudsmanCase.objects.select_related("case", "resident").prefetch_related(
            "information_requests",
            Prefetch("determinations", queryset=Determination.objects.prefetch_related("findings")),
            Prefetch("orders", queryset=Order.objects.order_by("due_by", "id")),
            "events__actor",
        ),
        pk=pk,
    )


STEPS = {
    "change-body": forms.ChangeBodyForm,
    "information-request": forms.InformationRequestForm,
    "information-sent": forms.InformationSentForm,
    "determination": forms.DeterminationForm,
    "order": forms.OrderForm,
    "compliance": forms.ComplianceForm,
    "failure-order": forms.FailureOrderForm,
    "failure-order-complied": forms.FailureOrderComplianceForm,
    "close": forms.CloseForm,
}


def available_steps(oc: OmbudsmanCase, user) -> list[tuple[str, str]]:
    if not user.can_change_cases:
        return []
    steps = []
    for slug, form in STEPS.items():
        if oc.closed_on and slug != "change-body":
            continue
        if slug == "information-sent" and not any(r.sent_on is None for r in oc.information_requests.all()):
            continue
        if slug == "compliance" and not any(o.complied_on is None for o in oc.orders.all()):
            continue
        if slug == "failure-order-complied" and not oc.failure_orders.filter(complied_on__isnull=True).exists():
            continue
        steps.append((slug, form.title))
    return steps


@staff_view
def detail(request, pk):
    oc = _get_oc(pk)
    today = timezone.localdate()
    return render(
        request,
        "ombudsman/detail.html",
        {
            "oc": oc,
            "today": today,
            "steps": available_steps(oc, request.user),
            "events": sorted(oc.events.all(), key=lambda e: (e.at, e.id), reverse=True),
        },
    )


@staff_view
def step(request, pk, step):
    form_class = STEPS.get(step)
    if form_class is None:
        raise Http404("No such step.")
    require_change(request.user)
    oc = _get_oc(pk)
    if step not in dict(available_steps(oc, request.user)):
        messages.info(request, f"“{form_class.title}” is not possible now.")
        return redirect("ombudsman:detail", oc.pk)
    posted = request.method == "POST"
    form = form_class(request.POST if posted else None, oc=oc, case=oc.case, user=request.user)
    return form_page(request, form, back_url=reverse("ombudsman:detail", args=[oc.pk]), caption=str(oc))


# --- the reviews page ------------------------------------------------------------------------


def review_lists(today: dt.date) -> dict:
    soon = today + dt.timedelta(days=DUE_SOON_DAYS)
    return {
        "overdue_orders": list(queries.overdue_orders(today)),
        "overdue_requests": list(queries.overdue_information_requests(today)),
        "adjustments_due": list(
            Adjustment.objects.filter(ended_on__isnull=True, review_by__lte=soon).select_related("resident").order_by("review_by", "id")
        ),
        "restrictions_lapsed": list(Restriction.objects.lapsed(today).select_related("resident").order_by("review_by", "id")),
        "restrictions_due": list(Restriction.objects.due_for_review(today, DUE_SOON_DAYS).select_related("resident").order_by("review_by", "id")),
        "improvements": [i for i in improvements_open(today) if i.overdue],
        "soon": soon,
    }


def review_querysets(today: dt.date) -> dict:
    """What the queue's "Reviews and Ombudsman" banner counts, as querysets (counted in one query
    with the queue's own counts: putright.performance.counting)."""
    soon = today + dt.timedelta(days=DUE_SOON_DAYS)
    return {
        "orders": queries.overdue_orders(today),
        "requests": queries.overdue_information_requests(today),
        "adjustments": Adjustment.objects.filter(ended_on__isnull=True, review_by__lte=soon),
        "lapsed": Restriction.objects.lapsed(today),
        "due": Restriction.objects.due_for_review(today, DUE_SOON_DAYS),
    }


def review_counts(today: dt.date, counted: dict | None = None) -> dict:
    """The banner's counts; ``counted``: review_querysets(today) already counted."""
    if counted is None:
        from putright.performance.counting import count_each

        counted = count_each(review_querysets(today))
    counts = {k: counted[k] for k in ("orders", "requests", "adjustments")}
    counts["restrictions"] = counted["lapsed"] + counted["due"]
    counts["total"] = sum(counts.values())
    return counts


@staff_view
def reviews(request):
    today = timezone.localdate()
    lists = review_lists(today)
    lists["restrictions_count"] = len(lists["restrictions_lapsed"]) + len(lists["restrictions_due"])
    return render(request, "ombudsman/reviews.html", {"today": today, "days": DUE_SOON_DAYS, **lists})


# --- exceptional circumstances (8.5) ----------------------------------------------------------


@staff_view
def exceptional_list(request):
    items = ExceptionalCircumstance.objects.prefetch_related("affected_cases")
    can_admin = request.user.is_administrator
    return render(request, "ombudsman/exceptional.html", {"items": items, "can_admin": can_admin and request.user.can_change_cases})


@staff_view
def exceptional_new(request):
    _require_admin(request.user)
    posted = request.method == "POST"
    form = forms.ExceptionalCircumstanceForm(request.POST if posted else None, user=request.user)
    return form_page(request, form, back_url=reverse("ombudsman:exceptional"))


@staff_view
def exceptional_edit(request, pk):
    _require_admin(request.user)
    ec = get_object_or_404(ExceptionalCircumstance, pk=pk)
    posted = request.method == "POST"
    form = forms.ExceptionalCircumstanceForm(request.POST if posted else None, ec=ec, user=request.user)
    return form_page(request, form, back_url=reverse("ombudsman:exceptional"), caption=ec.title)
