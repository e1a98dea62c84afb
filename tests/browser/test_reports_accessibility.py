"""axe-core (WCAG 2.2 A and AA) on the reports pages, with real figures behind them."""

from __future__ import annotations

from putright.reports.periods import year_of
from tests.browser.support import acknowledged_complaint, axe_violations, overdue_complaint, sign_in


def test_it_passes_axe_on_the_report_pages(page, manager, handler, resident, other_resident, today):
    overdue_complaint(handler=handler, resident=resident, today=today)
    acknowledged_complaint(handler=handler, resident=other_resident, today=today)
    year = year_of(today)

    sign_in(page, manager)
    problems = []
    for url, what in [
        ("/reports/", "reports index"),
        (f"/reports/{year}/", "annual figures"),
        (f"/reports/{year}/q1/", "quarter figures"),
        (f"/reports/{year}/cases/stage1.received/", "cases behind a figure"),
        (f"/reports/{year}/annual-report/", "annual report"),
        (f"/reports/{year}/q1/board-report/", "quarterly board report"),
    ]:
        response = page.goto(url)
        assert response is not None and response.status == 200, (url, response and response.status)
        problems += axe_violations(page, what)
    assert not problems, "Accessibility violations:\n" + "\n".join(problems)
