"""`{% data_requests_due %}`: the outstanding data protection requests and their deadlines, for
the reviews page (the privacy app's part of it, without changing that page's view)."""

from django import template
from django.utils import timezone

from putright.privacy.models import DataRequest

register = template.Library()


@register.inclusion_tag("privacy/_reviews.html")
def data_requests_due():
    rows = list(DataRequest.objects.outstanding().select_related("resident").order_by("due_by", "id"))
    rows.sort(key=lambda r: (r.answer_by, r.pk))
    return {"data_requests": rows, "today": timezone.localdate()}


@register.inclusion_tag("privacy/_resident.html")
def resident_data_protection(resident, can_change):
    """The resident page's data protection box: their requests, record a new one, the bundle."""
    return {"resident": resident, "can_change": can_change, "requests": resident.data_requests.order_by("-received_on", "-id")[:10]}
