"""Answers from mail clients count: iTIP replies as Outlook, Thunderbird and Apple Mail send them (tests/mail_samples)
set the member's answer; what must change nothing is listed for the manager with its reason; written replies go
on to the organiser. Through the real CLI (`flask mail receive`) and a real IMAP server (Dovecot)."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from netzwerk import clock
from netzwerk.audit.models import AuditEntry
from netzwerk.auth.models import Role
from netzwerk.extensions import db
from netzwerk.mail.imap import poll_mailbox
from netzwerk.mail.incoming import receive
from netzwerk.mail.models import IncomingMail, IncomingOutcome, OutgoingMail
from netzwerk.meetings.models import Answer, Invitation, Meeting, MeetingStatus
from netzwerk.meetings.services.scheduling import MeetingData, answer, schedule_meeting
from netzwerk.scheduler import build_scheduler, run_job
from netzwerk.unit_of_work import unit_of_work
from tests import factories
from tests.conftest import free_port, login
from tests.dovecot import dovecot_server, imap_session

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = Path(__file__).resolve().parent / "mail_samples"
UID = "7c1f0a52-3d4e-4b8a-9e61-2f5d8c0b9a17@netzwerk-landshut"  # the UID in every sample
ANNA = "anna.beispiel@example.org"  # the attendee of the samples


@pytest.fixture
def world(app, make_user):
    """A group with a lead (the organiser), Anna and Max; a meeting in ten days with the samples' UID, scheduled
    by the service (so the invitation mails exist in the outbox)."""
    lead = make_user(name="Lea Leitung", email="lea.leitung@example.org")
    anna = make_user(name="Anna Beispiel", email=ANNA)
    max_ = make_user(name="Max Mitglied", email="max.mitglied@example.org")
    make_user(name="Bernd Fremd", email="bernd.fremd@example.org")  # has an account, not invited
    with app.test_request_context(base_url=app.config["BASE_URL"]):
        group = factories.group(name="AK Energie", short_name="AK E", leads=[lead], members=[anna, max_])
        start = clock.now().replace(microsecond=0) + timedelta(days=10)
        data = MeetingData(title="Frühjahrstreffen", starts_at=start, ends_at=start + timedelta(hours=2))
        meeting, _invited = schedule_meeting(group, data, db.session.get(type(lead), lead.id))
        meeting.uid = UID
        db.session.commit()
        return {"meeting": meeting.id, "anna": anna.id, "lead": lead, "max": max_.id}


def handle(app, raw: bytes):
    """What `flask mail receive` and the IMAP poll do with one mail: handle it as a unit of work (committed,
    then the mails it caused are sent)."""
    with app.test_request_context(base_url=app.config["BASE_URL"]):
        with unit_of_work():
            handled = receive(raw)
        return handled.entry.outcome, handled.entry.reason


def sample(name: str, invitation_id: str | None = None) -> bytes:
    raw = (SAMPLES / name).read_bytes()
    return raw.replace(b"<INVITATION-MESSAGE-ID>", invitation_id.encode()) if invitation_id else raw


def invitation_of(app, meeting_id: int, user_id: int) -> Invitation:
    with app.app_context():
        invitation = db.session.scalar(
            select(Invitation).where(Invitation.meeting_id == meeting_id, Invitation.user_id == user_id)
        )
        db.session.expunge(invitation)
        return invitation


def answer_entries(app) -> list[AuditEntry]:
    with app.app_context():
        return db.session.scalars(select(AuditEntry).where(AuditEntry.action == "meeting.answered")).all()


def incoming_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(IncomingMail.id)))


def update_meeting(app, meeting_id: int, **values) -> None:
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        for name, value in values.items():
            setattr(meeting, name, value)
        db.session.commit()


# --- Replies that count ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("outlook_accepted.eml", Answer.YES),  # multipart/alternative, calendar base64, VTIMEZONE W. Europe
        ("outlook_tentative_comment.eml", Answer.MAYBE),  # quoted-printable, windows-1252, with a comment
        ("thunderbird_accepted.eml", Answer.YES),  # multipart/mixed, text/calendar 8bit + invite.ics
        ("thunderbird_declined.eml", Answer.NO),
        ("apple_accepted.eml", Answer.YES),  # partstat=accepted in lower case, MAILTO: in mixed case
        ("apple_tentative.eml", Answer.MAYBE),  # PARTSTAT "Tentative", no VTIMEZONE
    ],
)
def test_a_reply_from_a_mail_client_sets_the_answer_once(app, world, name, expected):
    raw = sample(name)
    assert handle(app, raw)[0] == IncomingOutcome.ANSWERED
    invitation = invitation_of(app, world["meeting"], world["anna"])
    assert invitation.answer == expected
    (entry,) = answer_entries(app)
    assert entry.summary == "Anna Beispiel (per E-Mail-Antwort)" and entry.changes == {"answer": [None, expected]}
    assert entry.actor_id == world["anna"]  # she answered, by mail
    if name == "outlook_tentative_comment.eml":
        assert invitation.comment == "Ich komme voraussichtlich, muss aber früher gehen."

    assert handle(app, raw)[0] == IncomingOutcome.ANSWERED  # the same mail again: the stored outcome, no change
    assert len(answer_entries(app)) == 1 and incoming_count(app) == 1
    assert invitation_of(app, world["meeting"], world["anna"]).answered_at == invitation.answered_at


def test_a_second_mail_with_the_same_answer_changes_nothing(app, world):
    handle(app, sample("outlook_accepted.eml"))
    outcome, reason = handle(app, sample("thunderbird_accepted.eml"))
    assert (outcome, reason) == (IncomingOutcome.UNCHANGED, "Zusage war schon eingetragen.")
    assert len(answer_entries(app)) == 1
    outcome, _reason = handle(app, sample("thunderbird_declined.eml"))  # a different answer counts
    assert outcome == IncomingOutcome.ANSWERED
    assert invitation_of(app, world["meeting"], world["anna"]).answer == Answer.NO


def test_a_decline_by_mail_gives_the_place_to_the_first_on_the_waiting_list(app, world, mailbox):
    update_meeting(app, world["meeting"], capacity=1)
    with app.test_request_context(base_url=app.config["BASE_URL"]):
        meeting = db.session.get(Meeting, world["meeting"])
        anna, max_ = (
            db.session.scalar(select(Invitation).filter_by(meeting_id=meeting.id, user_id=u))
            for u in (world["anna"], world["max"])
        )
        answer(anna, Answer.YES)
        answer(max_, Answer.YES)
        db.session.commit()
        assert max_.waitlisted_at is not None
    mailbox.messages.clear()
    assert handle(app, sample("thunderbird_declined.eml"))[0] == IncomingOutcome.ANSWERED
    assert invitation_of(app, world["meeting"], world["max"]).has_place
    (moved_up,) = mailbox.messages
    assert moved_up["To"] == "max.mitglied@example.org" and "Platz" in moved_up["Subject"]


def test_an_accept_beyond_the_capacity_waits_on_the_list(app, world):
    update_meeting(app, world["meeting"], capacity=1)
    with app.app_context():
        max_ = db.session.scalar(select(Invitation).filter_by(meeting_id=world["meeting"], user_id=world["max"]))
        answer(max_, Answer.YES)
        db.session.commit()
    assert handle(app, sample("apple_accepted.eml")) == (
        IncomingOutcome.ANSWERED,
        "Zusage (Warteliste) per E-Mail-Antwort übernommen.",
    )
    assert invitation_of(app, world["meeting"], world["anna"]).waitlisted_at is not None


# --- Replies that change nothing, listed for the manager -----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "meeting_change", "reason"),
    [
        ("thunderbird_other_person.eml", {}, "bernd.fremd@example.org ist zu dieser Sitzung nicht eingeladen."),
        ("apple_for_someone_else.eml", {}, "Absender und antwortender Teilnehmer (carla.dritte@example.org)"),
        ("outlook_accepted.eml", {"uid": "etwas-anderes@netzwerk-landshut"}, "unbekannten Termin"),
        ("thunderbird_accepted.eml", {"past": True}, "schon begonnen oder ist vorbei"),
        ("apple_accepted.eml", {"status": MeetingStatus.CANCELLED}, "Die Sitzung ist abgesagt"),
        ("outlook_counter.eml", {}, "Gegenvorschlag"),
        ("malformed_calendar.eml", {}, "Kalenderteil der E-Mail ist nicht lesbar"),
        ("apple_unknown_partstat.eml", {}, "PARTSTAT X-PROBABLY"),
    ],
)
def test_a_reply_that_must_not_count_changes_nothing_and_is_listed(app, world, name, meeting_change, reason):
    if meeting_change.pop("past", False):
        start = clock.now() - timedelta(days=2)
        meeting_change.update(starts_at=start, ends_at=start + timedelta(hours=2))
    update_meeting(app, world["meeting"], **meeting_change)
    outcome, stored_reason = handle(app, sample(name))
    assert outcome == IncomingOutcome.REJECTED and reason in stored_reason
    assert invitation_of(app, world["meeting"], world["anna"]).answer is None
    assert answer_entries(app) == []

    client = app.test_client()
    login(client, world["lead"].email)
    assert client.get("/postausgang/eingang").status_code == 403  # the manager's page
    with app.app_context():
        from netzwerk.auth.models import User

        db.session.get(User, world["lead"].id).role = Role.ADMIN
        db.session.commit()
    page = client.get("/postausgang/eingang?ergebnis=rejected")
    assert page.status_code == 200
    assert reason.replace("(", "").split()[0] in page.text and "nicht übernommen" in page.text
    if "uid" not in meeting_change and name != "malformed_calendar.eml":
        assert f'href="/termine/{world["meeting"]}"' in page.text  # the meeting, when known


# --- Written replies ---------------------------------------------------------------------------------------


def invitation_message_id(app, user_id: int) -> str:
    with app.app_context():
        return db.session.scalar(
            select(OutgoingMail.message_id).where(
                OutgoingMail.user_id == user_id, OutgoingMail.kind == "meeting_invitation"
            )
        )


@pytest.mark.parametrize("by_reference", [True, False])
def test_a_written_reply_goes_on_to_the_organiser(app, world, mailbox, by_reference):
    raw = sample("thunderbird_written_reply.eml", invitation_message_id(app, world["anna"]))
    if not by_reference:  # found by the sender: the latest invitation to that address
        raw = b"\r\n".join(line for line in raw.split(b"\r\n") if not line.startswith((b"In-Reply-To", b"References")))
    mailbox.messages.clear()
    outcome, reason = handle(app, raw)
    assert outcome == IncomingOutcome.FORWARDED and reason.startswith("Weitergeleitet an die Sitzungsleitung")
    (forwarded,) = mailbox.messages
    assert forwarded["To"] == "lea.leitung@example.org"
    assert forwarded["Subject"] == "Antwort zu Frühjahrstreffen von Anna Beispiel"
    text = mailbox.text_of(forwarded)
    assert "ich komme etwas später, etwa 18:30 Uhr." in text and ANNA in text
    assert "etwas später" in mailbox.html_of(forwarded)
    assert invitation_of(app, world["meeting"], world["anna"]).answer is None
    with app.app_context():
        assert db.session.scalar(select(IncomingMail.meeting_id)) == world["meeting"]


def test_an_out_of_office_note_is_listed_not_forwarded(app, world, mailbox):
    mailbox.messages.clear()
    raw = sample("outlook_out_of_office.eml", invitation_message_id(app, world["anna"]))
    assert handle(app, raw)[0] == IncomingOutcome.AUTO_REPLY
    assert mailbox.messages == []


def test_a_written_reply_without_a_meeting_is_listed(app, world, mailbox):
    mailbox.messages.clear()
    raw = b"From: Unbekannt <wer@example.net>\r\nSubject: Hallo\r\nMessage-ID: <x1@example.net>\r\n\r\nHallo?\r\n"
    assert handle(app, raw) == (IncomingOutcome.REJECTED, "Keiner Sitzung zuzuordnen; nicht weitergeleitet.")
    assert mailbox.messages == []


# --- The mail server's pipe: flask mail receive ---------------------------------------------------------------


def receive_cli(database_url: str, smtp_port: int, raw: bytes) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "NETZWERK_CONFIG": "testing",
        "TEST_DATABASE_URL": database_url,
        "TEST_MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp_port),
    }
    flask = Path(sys.executable).parent / "flask"
    return subprocess.run(
        [str(flask), "--app", "wsgi", "mail", "receive"], input=raw, cwd=ROOT, env=env, capture_output=True, timeout=60
    )


def test_the_pipe_command_answers_and_asks_to_retry_on_a_database_error(app, world, smtp_server, tmp_path):
    database_url = app.config["SQLALCHEMY_DATABASE_URI"]
    result = receive_cli(database_url, smtp_server.port, sample("outlook_accepted.eml"))
    assert result.returncode == 0, result.stderr.decode()
    assert invitation_of(app, world["meeting"], world["anna"]).answer == Answer.YES
    result = receive_cli(database_url, smtp_server.port, sample("thunderbird_other_person.eml"))
    assert result.returncode == 0  # listed counts as handled: the mail server must not bounce it

    unreachable = f"sqlite:///{tmp_path}/kein/ordner/db.sqlite"  # the database cannot be opened
    result = receive_cli(unreachable, smtp_server.port, sample("thunderbird_declined.eml"))
    assert result.returncode == 75, result.stderr.decode()  # EX_TEMPFAIL: the mail server tries again
    assert invitation_of(app, world["meeting"], world["anna"]).answer == Answer.YES


# --- IMAP: the scheduler polls the tool's mailbox -----------------------------------------------------------


@pytest.fixture(scope="session")
def imap_server():
    with dovecot_server(free_port()) as server:
        yield server


@pytest.fixture
def imap(app, imap_server):
    """An empty mailbox, and the app configured to poll it (plain IMAP on localhost, as MAIL_IMAP_TLS=false)."""
    host, port, user, password = imap_server
    with imap_session(*imap_server) as connection:
        for folder in ("INBOX", "Netzwerk/Erledigt"):
            if connection.select(f'"{folder}"')[0] == "OK" and connection.search(None, "ALL")[1][0]:
                connection.store("1:*", "+FLAGS.SILENT", r"(\Deleted)")
                connection.expunge()
    app.config.update(
        MAIL_IMAP_HOST=host,
        MAIL_IMAP_PORT=port,
        MAIL_IMAP_USERNAME=user,
        MAIL_IMAP_PASSWORD=password,
        MAIL_IMAP_TLS=False,
    )
    return imap_server


def append(server, *names: str) -> None:
    with imap_session(*server) as connection:
        for name in names:
            assert connection.append("INBOX", None, None, sample(name))[0] == "OK"


def folder_count(server, folder: str, criterion: str = "ALL") -> int:
    with imap_session(*server) as connection:
        connection.select(f'"{folder}"', readonly=True)
        return len(connection.search(None, criterion)[1][0].split())


def test_the_scheduler_fetches_replies_by_imap_and_files_them(app, world, imap):
    assert build_scheduler(app).get_job("imap") is not None  # the job exists once MAIL_IMAP_HOST is set
    append(imap, "apple_tentative.eml", "thunderbird_other_person.eml")
    run_job(app, poll_mailbox)  # as the scheduler calls it, one poll
    assert invitation_of(app, world["meeting"], world["anna"]).answer == Answer.MAYBE
    assert incoming_count(app) == 2
    assert folder_count(imap, "INBOX") == 0 and folder_count(imap, "Netzwerk/Erledigt") == 2
    run_job(app, poll_mailbox)  # nothing left, nothing twice
    assert incoming_count(app) == 2 and len(answer_entries(app)) == 1


def test_a_message_that_hit_a_database_error_stays_for_the_next_poll(app, world, imap, tmp_path, smtp_server):
    from tests.conftest import make_app

    append(imap, "outlook_accepted.eml")
    broken = make_app(f"sqlite:///{tmp_path}/kein/ordner/db.sqlite", smtp_server.port)
    broken.config.update({key: app.config[key] for key in app.config if key.startswith("MAIL_IMAP_")})
    run_job(broken, poll_mailbox)
    assert folder_count(imap, "INBOX", "UNSEEN") == 1  # still there, still unseen
    run_job(app, poll_mailbox)
    assert folder_count(imap, "INBOX") == 0
    assert invitation_of(app, world["meeting"], world["anna"]).answer == Answer.YES


def test_the_copy_fallback_without_move(app, world, imap):
    """Servers without MOVE (RFC 6851): COPY, \\Deleted, EXPUNGE."""
    from netzwerk.mail import imap as imap_module

    append(imap, "thunderbird_declined.eml")
    with app.test_request_context(base_url=app.config["BASE_URL"]):
        with imap_module.mailbox_connection() as connection:
            connection.select("INBOX")
            (uid,) = connection.uid("SEARCH", None, "ALL")[1][0].split()
            imap_module.ensure_folder(connection, "Netzwerk/Erledigt")
            imap_module.move(connection, uid, "Netzwerk/Erledigt", can_move=False)
    assert folder_count(imap, "INBOX") == 0 and folder_count(imap, "Netzwerk/Erledigt") == 1


# --- Personal data -----------------------------------------------------------------------------------------


def test_incoming_mails_are_purged_after_the_retention_period(app, world):
    from netzwerk.privacy.services.retention import purge_expired

    handle(app, sample("outlook_accepted.eml"))
    handle(app, sample("thunderbird_other_person.eml"))
    with app.app_context():
        old = db.session.scalar(select(IncomingMail).where(IncomingMail.sender_email == "bernd.fremd@example.org"))
        old.received_at = clock.now() - timedelta(days=app.config["RETENTION_MAIL_DAYS"] + 1)
        db.session.commit()
    run_job(app, purge_expired)
    with app.app_context():
        assert db.session.scalars(select(IncomingMail.sender_email)).all() == [ANNA]
