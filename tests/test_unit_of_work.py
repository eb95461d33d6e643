"""One unit of work per request, job and command: saved and then sent, or neither (netzwerk/unit_of_work.py)."""

from types import SimpleNamespace

import pytest
from flask import abort
from flask_babel.speaklater import LazyString
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from netzwerk.auth.models import User
from netzwerk.auth.permissions import public
from netzwerk.errors import Conflict, NotAllowed
from netzwerk.extensions import csrf, db
from netzwerk.groups.models import WorkingGroup
from netzwerk.mail.models import MailStatus, OutgoingMail
from netzwerk.mail.services import queue_mail
from netzwerk.unit_of_work import flush, unit_of_work

GROUP = SimpleNamespace(id=1, name="AK Probe", short_name="")


def queue_one(recipient="probe@example.org", **options):
    return queue_mail(
        recipient,
        "group_message",
        topic="Probe",
        text="Hallo",
        author=SimpleNamespace(name="Maria"),
        group=GROUP,
        **options,
    )


def probe_route(app, view):
    """A POST route that does what ``view`` says, as any blueprint's view would; a bug answers as in production."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.add_url_rule("/probe", "probe", csrf.exempt(public(view)), methods=["POST"])


def mails_in_outbox(app) -> dict:
    with app.app_context():
        return dict(db.session.execute(select(OutgoingMail.status, func.count()).group_by(OutgoingMail.status)).all())


@pytest.mark.own_app  # adds a route
def test_a_request_that_returns_is_saved_and_then_its_mails_are_sent(app, client, mailbox):
    def view():
        queue_one()
        return "ok"

    probe_route(app, view)
    assert client.post("/probe").status_code == 200
    assert mails_in_outbox(app) == {MailStatus.SENT: 1}
    assert [message["To"] for message in mailbox.messages] == ["probe@example.org"]


@pytest.mark.own_app  # adds a route
def test_mails_left_to_the_scheduler_wait_for_the_outbox_job(app, client, mailbox):
    def view():
        queue_one(by_scheduler=True)
        return "ok"

    probe_route(app, view)
    assert client.post("/probe").status_code == 200
    assert mails_in_outbox(app) == {MailStatus.QUEUED: 1}
    assert mailbox.messages == []


@pytest.mark.parametrize(
    ("raise_", "status", "reason"),
    [
        (lambda: abort(409), 409, "Der Datensatz wurde inzwischen geändert."),
        (lambda: (_ for _ in ()).throw(NotAllowed("Das geht so nicht.")), 403, "Das geht so nicht."),
        (lambda: (_ for _ in ()).throw(Conflict()), 409, "gleichzeitig von jemand anderem geändert"),
        (lambda: [][0], 500, "Ihre Änderung wurde nicht gespeichert"),
    ],
    ids=["abort", "not-allowed", "conflict", "bug"],
)
@pytest.mark.own_app  # adds a route
def test_an_error_page_saves_nothing_and_sends_nothing(app, client, mailbox, raise_, status, reason):
    def view():
        queue_one()
        db.session.flush()  # even written to the database inside the transaction
        raise_()

    probe_route(app, view)
    response = client.post("/probe")
    assert response.status_code == status
    assert reason in response.get_data(as_text=True)
    assert mails_in_outbox(app) == {}
    assert mailbox.messages == []


def test_a_rollback_forgets_the_mails_it_took_back(app, mailbox):
    with app.test_request_context(), unit_of_work():
        queue_one("first@example.org")
        db.session.rollback()  # e.g. a form that found a crossed save starts over
        queue_one("second@example.org")
    assert [message["To"] for message in mailbox.messages] == ["second@example.org"]


def test_a_job_or_command_commits_and_sends_at_its_end_or_not_at_all(app, mailbox):
    with app.test_request_context():
        with unit_of_work():
            queue_one()
            assert mailbox.messages == []  # nothing leaves before the commit
        assert len(mailbox.messages) == 1
        with pytest.raises(RuntimeError), unit_of_work():
            queue_one("never@example.org")
            raise RuntimeError("the job failed")
    assert mails_in_outbox(app) == {MailStatus.SENT: 1}
    assert len(mailbox.messages) == 1


def test_flush_turns_a_duplicate_into_the_services_conflict(app, make_user):
    user = make_user(email="doppelt@example.org")
    with app.app_context():
        db.session.add(User(email=user.email, name="Noch einmal", role="member"))
        with pytest.raises(Conflict, match="bereits angemeldet"):
            flush(Conflict("Sie sind bereits angemeldet."))
        assert db.session.scalar(select(func.count()).select_from(User)) == 1  # rolled back, session usable


def test_a_failed_commit_of_a_job_leaves_the_session_ready_for_the_next_one(app):
    """The IMAP poll handles message after message: one whose commit fails must not break the next."""
    with app.app_context():
        with unit_of_work():
            db.session.add(WorkingGroup(name="AK Einmal"))
        with pytest.raises(IntegrityError), unit_of_work():
            db.session.add(WorkingGroup(name="AK Einmal"))  # the unique name fails at the commit
        with unit_of_work():
            db.session.add(WorkingGroup(name="AK Danach"))
        names = db.session.scalars(select(WorkingGroup.name).order_by(WorkingGroup.name)).all()
        assert names == ["AK Danach", "AK Einmal"]


def test_a_domain_errors_lazy_reason_is_translated_when_shown_not_when_built():
    """``flush(Conflict(_l(...)))`` builds the error before the flush; translating then looks up the locale,
    which loads the signed-in user and autoflushes the very INSERT the Conflict guards (the guest double click)."""
    translated = []
    reason = LazyString(lambda: translated.append(True) or "Sie sind bereits angemeldet.")
    error = Conflict(reason)
    assert translated == []
    assert error.message is reason and str(error) == "Sie sind bereits angemeldet."
