"""Every link in Settings (the Django admin) leads somewhere its reader may go: walking it as a
complaints manager from /admin/, no link answers 403 (issue 16: a case's handler linked to the
staff account, which only administrators may open, docs/roles.md)."""

from __future__ import annotations

import re
from collections import deque

from putright.cases.models import Case
from putright.tests.test_grants import MANAGER, clients, world  # noqa: F401 (fixture)

SKIP = ("logout", "/delete/", "/history/", "?")


def walk(client, start: str = "/admin/", limit: int = 500) -> tuple[int, list[tuple[str, str, int]]]:
    """(pages read, [(page, link, status)] for every link that did not answer 200)."""
    seen, todo, bad, read = {start}, deque([(start, start)]), [], 0
    while todo and read < limit:
        parent, url = todo.popleft()
        response = client.get(url)
        read += 1
        if response.status_code != 200:
            bad.append((parent, url, response.status_code))
            continue
        for href in re.findall(r'href="(/admin/[^"#]*)"', response.content.decode()):
            href = href.replace("&amp;", "&")
            if href not in seen and not any(s in href for s in SKIP):
                seen.add(href)
                todo.append((url, href))
    return read, bad


def test_no_link_in_settings_answers_403_to_a_complaints_manager(world, admin_user, manager, handler, oversight, resident, other_resident):  # noqa: F811
    client = clients(admin_user, manager, handler, oversight, resident, other_resident)[MANAGER]
    case = Case.objects.filter(handler=handler).first()
    page = client.get(f"/admin/cases/case/{case.pk}/change/").content.decode()
    assert str(handler) in page and f"/admin/accounts/user/{handler.pk}/" not in page  # named, not linked
    read, bad = walk(client)
    assert read > 50  # the walk reached the cases, residents, letters and the rest
    assert not bad, "\n".join(f"{page} links to {link}: {status}" for page, link, status in bad)
    assert client.get("/admin/accounts/user/").status_code == 403  # the grant is unchanged
