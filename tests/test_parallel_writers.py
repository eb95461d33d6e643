"""Twenty writers at once for a while, against the app under real gunicorn (3 workers): ten people change
their answer through the answer link again and again (a meeting with 10 places: Zusagen, Absagen, the waiting
list moving up, mails), ten managers each edit an actor of their own in a loop (form GET, then POST). On
SQLite, WAL and busy_timeout alone are not enough for this: every write transaction starts with BEGIN
IMMEDIATE (netzwerk/factory.py). No request may fail with "database is locked" or any 5xx.

The suite runs it for WRITERS_SECONDS (8 s); ``make bench`` runs it for 30 s (NETZWERK_WRITERS_SECONDS)."""

import os
import threading
import time
from collections import Counter

from sqlalchemy import select

from netzwerk.extensions import db
from netzwerk.meetings.models import Invitation
from tests import factories
from tests.answers import add_meeting, answer_links
from tests.conftest import PASSWORD
from tests.gunicorn import Browser, gunicorn_server
from tests.html_forms import form_with
from tests.ops_report import report

WRITERS_SECONDS = float(os.environ.get("NETZWERK_WRITERS_SECONDS", "8"))


def answering(browser: Browser, link: str, stop: float, codes: Counter, lock: threading.Lock) -> None:
    n = 0
    while time.monotonic() < stop:
        status, page = browser.get(link)
        token = form_with(page, "answer").data()["csrf_token"] if status == 200 else ""
        answer = ("yes", "no", "maybe")[n % 3]
        posted, _ = browser.post(link, {"answer": answer, "comment": f"Runde {n}", "csrf_token": token})
        with lock:
            codes[status] += 1
            codes[posted] += 1
        n += 1


def editing(browser: Browser, url: str, stop: float, codes: Counter, lock: threading.Lock) -> None:
    n = 0
    while time.monotonic() < stop:
        status, page = browser.get(url)
        posted = None
        if status == 200:
            posted, _ = browser.post(url, form_with(page, "version").data(name=f"{url} Fassung {n}"))
        with lock:
            codes[status] += 1
            if posted is not None:
                codes[posted] += 1
        n += 1


def test_twenty_parallel_writers_get_no_locked_database_and_no_5xx(app, make_user, make_actor, smtp_server, tmp_path):
    people = [make_user(name=f"Schreiberin {n}") for n in range(10)]
    managers = [make_user(role="admin", name=f"Managerin {n}") for n in range(10)]
    actors = [make_actor(name=f"Betrieb {n} GmbH") for n in range(10)]
    group_id = factories.create(app, factories.group, name="AK Dauerbetrieb")
    meeting_id = add_meeting(app, group_id, people, capacity=5)
    links = answer_links(app, meeting_id)
    log = tmp_path / "gunicorn.log"
    codes, lock = Counter(), threading.Lock()
    with gunicorn_server(app.config["SQLALCHEMY_DATABASE_URI"], smtp_server.port, log, workers=3) as base:
        editors = []
        for manager, actor in zip(managers, actors, strict=True):
            browser = Browser(base)
            browser.login(manager.email, PASSWORD)
            editors.append((browser, f"/akteure/{actor.id}/bearbeiten"))
        stop = time.monotonic() + WRITERS_SECONDS
        threads = [threading.Thread(target=answering, args=(Browser(base), link, stop, codes, lock)) for link in links]
        threads += [threading.Thread(target=editing, args=(*editor, stop, codes, lock)) for editor in editors]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    output = log.read_text()
    assert "database is locked" not in output, output[-3000:]
    assert not [code for code in codes if code >= 500], (codes, output[-3000:])
    assert set(codes) <= {200, 302}, codes
    with app.app_context():
        rows = db.session.scalars(select(Invitation).where(Invitation.meeting_id == meeting_id)).all()
        confirmed = sum(1 for i in rows if i.answer == "yes" and i.waitlisted_at is None)
    assert confirmed <= 5
    total = sum(codes.values())
    report(
        f"Parallele Schreiber ({app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}, gunicorn 3 Worker): "
        f"20 Schreiber {WRITERS_SECONDS:.0f} s lang, {total} Anfragen ({codes[302]} Speicherungen, "
        f"{codes[200]} Formularaufrufe, {total / WRITERS_SECONDS:.0f}/s), kein „database is locked“, keine 5xx"
    )
