"""Auskunft nach Art. 15 DSGVO: the export holds every table's rows about the person and nothing of others, and
the declaration it is built from (netzwerk/privacy/registry.py) covers every column that points at a user."""

import json
from datetime import timedelta

from sqlalchemy import select

from netzwerk import clock
from netzwerk.extensions import db
from netzwerk.privacy.registry import NOT_ABOUT_A_USER, PERSONAL_DATA
from tests import factories
from tests.conftest import login

USER_TABLE = "user_account"


def user_columns() -> set[tuple[str, str]]:
    """Every (table, column) that is a foreign key to user_account.id."""
    return {
        (table.name, column.name)
        for table in db.metadata.sorted_tables
        for column in table.columns
        if any(fk.column.table.name == USER_TABLE for fk in column.foreign_keys)
    }


def email_columns() -> set[tuple[str, str]]:
    return {
        (table.name, column.name)
        for table in db.metadata.sorted_tables
        for column in table.columns
        if "email" in column.name or column.name == "recipient"
    }


def test_the_declaration_covers_every_column_pointing_at_a_user(app):
    declared = {(entry.table, entry.column) for entry in PERSONAL_DATA}
    assert user_columns() - declared == set(), "add these columns to netzwerk/privacy/registry.py PERSONAL_DATA"
    by_address = {(entry.table, entry.column) for entry in PERSONAL_DATA if entry.match == "email"}
    missing = {
        (table, column)
        for table, column in email_columns()
        if table != USER_TABLE and (table, column) not in by_address and (table, column) not in NOT_ABOUT_A_USER
    }
    assert missing == set(), "e-mail columns neither declared nor explained in NOT_ABOUT_A_USER"
    for entry in PERSONAL_DATA:  # and every declared column exists
        assert entry.column in db.metadata.tables[entry.table].c, entry


def populate(app, user_id: int, tag: str, neutral_id: int, shared: dict) -> None:
    """Rows about one user in every table that points at users (some decided or sent by the user, about the
    neutral third person)."""
    from netzwerk.actors.models import ContactPerson
    from netzwerk.audit.models import AuditEntry
    from netzwerk.auth.models import User, UserToken
    from netzwerk.groups.models import GroupMessage, JoinRequest
    from netzwerk.mail.models import IncomingMail, OutgoingMail
    from netzwerk.meetings.models import MeetingMessage, Task
    from netzwerk.news.models import NewsItem
    from netzwerk.polls.models import PollReminder, PollVote
    from netzwerk.privacy.models import Consent, DeletionRequest

    now = clock.now()
    with app.app_context():
        user = db.session.get(User, user_id)
        actor = factories.actor(name=f"Firma {tag}", kind="other")
        poll = factories.poll(
            shared["group"],
            title=f"Umfrage {tag}",
            created_by_id=user_id,
            slots=[(now + timedelta(days=3), now + timedelta(days=3, hours=1))],
        )
        factories.meeting(
            shared["group"], title=f"Sitzung {tag}", organizer_id=user_id, starts_at=now + timedelta(days=2), hours=1
        )
        factories.partnership(actor, contact_user_id=user_id, users=[user_id])
        factories.membership(shared["group"], user_id)
        factories.invitation(shared["meeting"], user_id, answer="yes", comment=f"Komme {tag}")
        db.session.add_all(
            [
                UserToken(user_id=user_id, purpose="invitation", token_hash=f"{tag:0<64}", expires_at=now),
                AuditEntry(actor_id=user_id, action="auth.login", ip_address="192.0.2.1"),
                AuditEntry(action="user.updated", target_type="User", target_id=user_id, summary=user.email),
                ContactPerson(actor_id=actor.id, name=user.name, email=user.email, user_id=user_id, source="Test"),
                ContactPerson(actor_id=shared["actor"], name=f"Namensvetter {tag}", email=user.email, source="Liste"),
                JoinRequest(group_id=shared["group"], user_id=user_id, message=f"Anfrage {tag}"),
                JoinRequest(group_id=shared["group"], user_id=neutral_id, status="approved", decided_by_id=user_id),
                GroupMessage(group_id=shared["group"], author_id=user_id, subject=f"Rundmail {tag}", body="Text"),
                MeetingMessage(meeting_id=shared["meeting"], author_id=user_id, subject=f"Raum {tag}", body="Text"),
                Task(meeting_id=shared["meeting"], what=f"Aufgabe {tag}", who=user.name, assignee_id=user_id),
                PollVote(poll_id=poll.id, slot_id=poll.slots[0].id, user_id=user_id, value="yes"),
                PollReminder(poll_id=poll.id, user_id=user_id, sent_by_id=neutral_id),
                PollReminder(poll_id=poll.id, user_id=neutral_id, sent_by_id=user_id),
                NewsItem(title=f"Meldung {tag}", body="Text", author_id=user_id),
                Consent(user_id=user_id, kind="contact_details", given=True, text_version="1"),
                DeletionRequest(user_id=user_id, message=f"Bitte löschen {tag}"),
                DeletionRequest(user_id=neutral_id, status="declined", decided_by_id=user_id),
                IncomingMail(
                    message_id=f"<in-{tag}@client>",
                    sender_email=user.email,
                    user_id=user_id,
                    subject=f"Antwort {tag}",
                    outcome="forwarded",
                ),
                OutgoingMail(
                    kind="test",
                    recipient=user.email,
                    user_id=user_id,
                    subject=f"An {tag}",
                    body_text="Text",
                    body_html="<p>Text</p>",
                    secret_link=f"https://localhost/einladung/geheim-{tag}",
                    message_id=f"<a-{tag}@localhost>",
                ),
                OutgoingMail(
                    kind="test",
                    recipient=user.email,  # found by the address alone
                    subject=f"Formular {tag}",
                    body_text="Text",
                    body_html="<p>Text</p>",
                    message_id=f"<b-{tag}@localhost>",
                ),
            ]
        )
        db.session.commit()


def rows_about(user) -> dict[str, set]:
    """What the export must hold, found from the schema (not from the registry): every row whose user columns,
    e-mail columns or audit target point at the user; keyed by primary key."""
    expected: dict[str, set] = {}

    def add(table, condition):
        keys = [column for column in table.primary_key.columns]
        for row in db.session.execute(select(*keys).where(condition)):
            expected.setdefault(table.name, set()).add(tuple(row))

    users = db.metadata.tables[USER_TABLE]
    add(users, users.c.id == user.id)
    for table_name, column_name in user_columns():
        table = db.metadata.tables[table_name]
        add(table, table.c[column_name] == user.id)
    for table_name, column_name in email_columns():
        if table_name != USER_TABLE and (table_name, column_name) not in NOT_ABOUT_A_USER:
            table = db.metadata.tables[table_name]
            add(table, table.c[column_name] == user.email)
    audit = db.metadata.tables["audit_entry"]
    add(audit, (audit.c.target_type == "User") & (audit.c.target_id == user.id))
    return expected


def exported_keys(data: dict) -> dict[str, set]:
    keys = {}
    for name, section in data["tabellen"].items():
        columns = [column.name for column in db.metadata.tables[name].primary_key.columns]
        if section["zeilen"]:
            keys[name] = {tuple(row[column] for column in columns) for row in section["zeilen"]}
    return keys


def test_the_export_holds_every_row_about_the_user_and_nothing_of_others(app, make_user, make_actor):
    from netzwerk.auth.models import User

    anna = make_user(name="Anna Auskunft", email="anna@example.org", phone="0871 111111")
    bernd = make_user(name="Bernd Beispiel", email="bernd@example.org", phone="0871 999999")
    neutral = make_user(name="Nora Neutral")
    actor = make_actor(name="Gemeinsame GmbH")
    with app.app_context():
        group = factories.group(name="AK Auskunft")
        meeting = factories.meeting(group, title="Gemeinsam", starts_at=clock.now(), hours=1)
        db.session.commit()
        shared = {"group": group.id, "meeting": meeting.id, "actor": actor.id}
    populate(app, anna.id, "anna", neutral.id, shared)
    populate(app, bernd.id, "bernd", neutral.id, shared)

    client = app.test_client()
    login(client, anna.email)
    response = client.get("/profil/meine-daten.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.text)

    with app.app_context():
        expected = rows_about(db.session.get(User, anna.id))
        every_user_table = {table for table, _column in user_columns()}
        assert every_user_table <= set(expected), "the test data must reach every table that points at users"
        assert exported_keys(data) == expected
        of_bernd = rows_about(db.session.get(User, bernd.id))
    for table, keys in of_bernd.items():
        assert not keys & exported_keys(data).get(table, set()), table
    text = response.text
    for secret in ("bernd", "Bernd", "0871 999999", "geheim-anna", "password_hash", "session_token"):
        assert secret not in text, secret
    assert "Anna Auskunft" in text and "Komme anna" in text and "Bitte löschen anna" in text

    page = client.get("/profil/meine-daten")
    assert page.status_code == 200
    assert "Auskunft nach Art. 15 DSGVO" in page.text and "Komme anna" in page.text and "Bernd" not in page.text
    assert "Mitgliedschaften in Arbeitskreisen" in page.text
    # readable: German headings and labels instead of column names and stored codes
    assert '<th scope="col">E-Mail-Adresse</th>' in page.text and ">Mitglied<" in page.text
    assert ">member<" not in page.text and "created_at" not in page.text


def test_only_signed_in_people_get_their_own_export(app, make_user):
    assert app.test_client().get("/profil/meine-daten.json").status_code == 302
    member = make_user(name="Mia Mitglied")
    client = app.test_client()
    login(client, member.email)
    data = client.get("/profil/meine-daten.json").json
    assert data["person_id"] == member.id
    assert [row["name"] for row in data["tabellen"][USER_TABLE]["zeilen"]] == ["Mia Mitglied"]
