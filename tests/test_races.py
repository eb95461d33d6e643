"""Races: requests that arrive at the same moment, run in threads against the real database."""

import re
import threading

from sqlalchemy import func, select

from netzwerk.extensions import db
from netzwerk.meetings.models import Invitation
from tests import factories
from tests.answers import add_meeting, answer_links
from tests.conftest import csrf_token_from, login
from tests.gunicorn import Browser, at_once, gunicorn_server
from tests.ops_report import report


def race(calls) -> list[int]:
    """Start every call at the same moment (a barrier); the status codes they returned."""
    barrier = threading.Barrier(len(calls))
    results = []

    def run(call):
        barrier.wait()
        results.append(call())

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_the_same_guest_registering_forty_times_at_once_is_one_registration(app, make_user):
    guest = make_user(name="Gerda Doppelklick", role="partner")
    group_id = factories.create(app, factories.group, name="AK Offen für Gäste", is_public=True)
    meeting_id = add_meeting(app, group_id, [], capacity=20, guests_allowed=True)
    clients = []
    for _ in range(40):  # forty tabs of the same person, each with its own session
        client = app.test_client()
        login(client, guest.email)
        clients.append((client, csrf_token_from(client.get(f"/termine/{meeting_id}").text)))
    codes = race(
        [
            lambda c=client, t=token: c.post(f"/termine/{meeting_id}/gast", data={"csrf_token": t}).status_code
            for client, token in clients
        ]
    )
    assert codes == [302] * 40, sorted(codes)
    with app.app_context():
        count = db.session.scalar(select(func.count()).where(Invitation.meeting_id == meeting_id))
    assert count == 1
    print(f"\nguest registration race: {len(codes)} requests raced, 1 registration, no error")


def test_fifty_zusagen_at_once_under_gunicorn_with_three_workers_confirm_twenty(app, make_user, smtp_server, tmp_path):
    """The same race across processes: real gunicorn, 3 workers, each request through the signed answer link
    (no login; the CSRF token from its GET), so only the database can keep the count."""
    people = [make_user(name=f"Ansturm {n}") for n in range(50)]
    group_id = factories.create(app, factories.group, name="AK Ansturm")
    meeting_id = add_meeting(app, group_id, people, capacity=20)
    links = answer_links(app, meeting_id)
    log = tmp_path / "gunicorn.log"
    with gunicorn_server(app.config["SQLALCHEMY_DATABASE_URI"], smtp_server.port, log, workers=3) as base:
        browsers = [(Browser(base), link) for link in links]
        tokens = [browser.csrf_token(link) for browser, link in browsers]
        results = at_once(
            [
                lambda b=browser, link=link, t=token: b.post(link, {"answer": "yes", "csrf_token": t})[0]
                for (browser, link), token in zip(browsers, tokens, strict=True)
            ]
        )
    assert results == [302] * 50, (sorted(results), log.read_text()[-3000:])
    with app.app_context():
        rows = db.session.scalars(select(Invitation).where(Invitation.meeting_id == meeting_id)).all()
    confirmed = sum(1 for i in rows if i.answer == "yes" and i.waitlisted_at is None)
    waiting = sum(1 for i in rows if i.waitlisted_at is not None)
    assert (confirmed, waiting) == (20, 30)
    pids = set(re.findall(r"Booting worker with pid: (\d+)", log.read_text()))
    report(
        f"Zusagen-Wettlauf unter gunicorn ({len(pids)} Worker): {len(results)} Anfragen gleichzeitig, "
        f"{confirmed} bestätigt, {waiting} auf der Warteliste, keine 5xx"
    )
