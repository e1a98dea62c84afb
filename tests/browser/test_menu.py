"""The staff menu (issue 16): the work in the menu, the account (change password, sign out) with
the name in the header; every destination still reachable, by role; axe-core and 320 px reflow."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.support import assert_accessible, sign_in

WORK = {
    "administrator": ["Cases", "Log a case", "Inbox to log", "Reviews and Ombudsman", "Reports", "Settings", "Late entries", "Access log"],
    "manager": ["Cases", "Log a case", "Inbox to log", "Reviews and Ombudsman", "Reports", "Settings", "Late entries"],
    "handler": ["Cases", "Log a case", "Inbox to log", "Reviews and Ombudsman", "Reports"],
    "oversight": ["Cases", "Reviews and Ombudsman", "Reports"],
}


def test_the_menu_holds_the_work_and_the_header_holds_the_account(page, admin_user, manager, handler, oversight):
    for user in (admin_user, manager, handler, oversight):
        page.context.clear_cookies()
        sign_in(page, user)
        menu = page.get_by_role("navigation", name="Menu")
        expect(menu.get_by_role("link")).to_have_text(WORK[user.role])
        account = page.get_by_role("navigation", name="Your account")
        expect(account).to_contain_text(user.display_name)
        expect(account.get_by_role("link", name="Change password")).to_be_visible()
        expect(account.get_by_role("button", name="Sign out")).to_be_visible()
    assert_accessible(page, "queue with the regrouped menu (oversight)")

    account.get_by_role("link", name="Change password").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("password")
    page.get_by_role("navigation", name="Your account").get_by_role("button", name="Sign out").click()
    expect(page.get_by_label("Password")).to_be_visible()  # back at signing in


def test_the_header_reflows_at_320px(narrow_page, handler):
    sign_in(narrow_page, handler)
    expect(narrow_page.get_by_role("navigation", name="Your account").get_by_role("button", name="Sign out")).to_be_visible()
    widths = narrow_page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], widths
    assert_accessible(narrow_page, "header at 320 px")
