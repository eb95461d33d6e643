"""Markup the W3C checker refuses, on every page the accessibility walk visits (tests/test_browser.py), read with
the test client: a <time datetime> with more than three fractional digits of a second, an empty form action,
and a figcaption in the middle of its figure."""

import re

from tests.conftest import PASSWORD, login
from tests.test_browser import assign_to_partner, reachable_pages

TOO_FINE = re.compile(r'<time datetime="[^"]*\.\d{4,}')
EMPTY_ACTION = re.compile(r'<form[^>]*\saction=""')
FIGURE = re.compile(r"<figure\b[^>]*>(.*?)</figure>", re.DOTALL)


def misplaced_figcaption(page: str) -> str | None:
    """A figcaption must be a figure's first or last child."""
    for figure in FIGURE.finditer(page):
        inner = figure.group(1).strip()
        if "<figcaption" in inner and not (inner.startswith("<figcaption") or inner.endswith("</figcaption>")):
            return figure.group(0)[:120]
    return None


def test_every_page_has_valid_times_form_actions_and_figures(app, client, make_user, make_actor):
    problems = []
    for role, urls in reachable_pages(app, make_user, make_actor).items():
        if role:
            user = make_user(role=role)
            if role == "partner":
                assign_to_partner(app, user.id, "Faserwerk GmbH")
            assert login(client, user.email, PASSWORD).status_code == 302
        for url in urls:
            page = client.get(url).get_data(as_text=True)
            for rule in (TOO_FINE, EMPTY_ACTION):
                if found := rule.search(page):
                    problems.append(f"{role or 'visitor'} {url}: {found.group(0)}")
            if figure := misplaced_figcaption(page):
                problems.append(f"{role or 'visitor'} {url}: {figure}")
        client.post("/logout", data={})
        client.delete_cookie("session")
    assert not problems, "\n".join(problems)
