"""The quarterly report's line on service requests that read as dissatisfied (Code 1.4, 1.5)."""

import pytest

from putright.cases import actions
from putright.reports import periods
from putright.reports.render import quarter_html

pytestmark = pytest.mark.django_db


def test_it_counts_dissatisfied_requests_and_what_became_of_them(handler, resident, today):
    year, number = periods.quarter_of(today)

    def request(text):
        return actions.log_case(kind="service_request", received_on=today, description=text, channel="phone", resident=resident, actor=handler)

    request("Please could you fix my kitchen tap, it drips.")
    raised = request("Still no heating after three visits and nobody has called me back.")
    actions.convert_to_complaint(raised, received_on=today, description="Unhappy with the wait", channel="phone", actor=handler)
    request("Reported the broken lock twice since September, nobody has come.")  # still open, no complaint
    closed = request("This is the third time I've asked about the fence, nobody replies.")
    actions.close(closed, closed_on=today, actor=handler)

    html = quarter_html(year, number, today=today)
    line = html.split('id="triage-dissatisfied-requests">', 1)[1].split("</p>", 1)[0]
    assert "3 of the 4 received" in line
    assert "A complaint was raised for 1; 1 is still open without one, and 1 was closed without one" in line
