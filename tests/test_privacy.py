"""Data protection (issue 9): the privacy notice and consents, deletion requests and the erasure of a person
(Art. 17 DSGVO) with a scan of the whole database, retention periods, contact persons, the feedback throttle."""

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import JSON, String, Text, func, select

from netzwerk import clock
from netzwerk.audit.models import AuditEntry
from netzwerk.auth.models import AccountStatus, User
from netzwerk.extensions import db
from netzwerk.legal.models import LegalPage
from netzwerk.mail.models import OutgoingMail
from netzwerk.privacy.models import Consent, DeletionRequest
from tests import factories
from tests.conftest import csrf_token_from, login, post_form

FORMER = "ehemaliges Mitglied"


def consents_of(app, user_id) -> list[tuple[str, bool, str]]:
    with app.app_context():
        rows = db.session.execute(
            select(Consent.kind, Consent.given, Consent.text_version)
            .where(Consent.user_id == user_id)
            .order_by(Consent.id)
        )
        return [tuple(row) for row in rows]


def notice_version(app) -> str:
    with app.app_context():
        return str(db.session.scalar(select(LegalPage.version).where(LegalPage.slug == "datenschutz")))


# --- Privacy notice and consents ------------------------------------------------------------------------


def test_a_user_without_acknowledgement_confirms_the_notice_before_using_the_tool(app, make_user):
    user = make_user(acknowledged=False)
    client = app.test_client()
    assert login(client, user.email).status_code == 302
    response = client.get("/profil")
    assert response.status_code == 302 and response.headers["Location"] == "/datenschutz/bestaetigen?next=/profil"
    for exempt in ("/datenschutz", "/impressum", "/barrierefreiheit", "/leichte-sprache"):
        assert client.get(exempt).status_code == 200, exempt
    page = client.get("/datenschutz/bestaetigen?next=/profil")
    assert page.status_code == 200
    assert "Was das Werkzeug über Sie speichert" in page.text and "Datenschutzerklärung" in page.text
    assert (
        'name="share_contact_details"' in page.text
        and "checked" not in page.text.split("share_contact_details")[1][:80]
    )

    refused = post_form(client, "/datenschutz/bestaetigen?next=/profil", {})
    assert refused.status_code == 422 and "Bitte bestätigen Sie" in refused.text
    assert consents_of(app, user.id) == []

    done = post_form(client, "/datenschutz/bestaetigen?next=/profil", {"acknowledged": "y"})
    assert done.status_code == 302 and done.headers["Location"] == "/profil"
    assert consents_of(app, user.id) == [("privacy_notice", True, notice_version(app))]
    assert client.get("/profil").status_code == 200
    with app.app_context():
        assert db.session.get(User, user.id).share_contact_details is False
        assert (
            db.session.scalar(select(AuditEntry.action).order_by(AuditEntry.id.desc())) == "privacy.notice_acknowledged"
        )


def test_demo_logins_have_confirmed_the_notice(app):
    from netzwerk.demo import load_demo
    from netzwerk.privacy.services.consent import needs_acknowledgement

    with app.app_context():
        users = load_demo()
        db.session.commit()
        active = [user for user in users if user.status == AccountStatus.ACTIVE]
        assert active and not any(needs_acknowledgement(user) for user in active)


def test_logout_works_before_the_acknowledgement(app, make_user):
    user = make_user(acknowledged=False)
    client = app.test_client()
    login(client, user.email)
    token_page = client.get("/datenschutz/bestaetigen")
    response = post_form(client, "/logout", {}, get_url="/datenschutz/bestaetigen")
    assert token_page.status_code == 200 and response.status_code == 302
    assert client.get("/profil").headers["Location"].startswith("/login")


def test_contact_consent_given_at_the_notice_and_withdrawn_on_the_profile(app, make_user):
    user = make_user(acknowledged=False)
    client = app.test_client()
    login(client, user.email)
    post_form(client, "/datenschutz/bestaetigen", {"acknowledged": "y", "share_contact_details": "y"})
    version = notice_version(app)
    assert consents_of(app, user.id) == [("privacy_notice", True, version), ("contact_details", True, version)]

    with app.app_context():
        current = db.session.get(User, user.id)
        data = {"name": current.name, "language": "de", "version": current.version}  # checkbox left empty
    assert post_form(client, "/profil", data).status_code == 302
    assert consents_of(app, user.id)[-1] == ("contact_details", False, version)
    with app.app_context():
        assert db.session.get(User, user.id).share_contact_details is False
    profile = client.get("/profil").text
    assert "Ihre Einwilligungen und Bestätigungen" in profile
    assert profile.count("widerrufen</td>") == 1 and "Einwilligung: Kontaktdaten anderen Mitgliedern zeigen" in profile


def test_a_changed_privacy_notice_is_confirmed_again(app, make_user, as_role):
    member = make_user()
    client = app.test_client()
    login(client, member.email)
    assert client.get("/profil").status_code == 200
    manager, _ = as_role("admin")
    with app.app_context():
        page = db.session.scalar(select(LegalPage).where(LegalPage.slug == "datenschutz"))
        data = {"title": page.title, "body": page.body + "\n\nNeu: Kalender-Abos.", "version": page.version}
    assert post_form(manager, "/seiten/datenschutz/bearbeiten", data).status_code == 302
    assert "/datenschutz/bestaetigen" in client.get("/profil").headers["Location"]
    post_form(client, "/datenschutz/bestaetigen", {"acknowledged": "y"})
    versions = [version for kind, _given, version in consents_of(app, member.id) if kind == "privacy_notice"]
    assert versions == [str(data["version"]), str(data["version"] + 1)]
    assert client.get("/profil").status_code == 200


# --- Erasure (Art. 17 DSGVO) --------------------------------------------------------------------------

NAME, EMAIL, PHONE = "Jürgen Löschmann", "juergen.loeschmann@example.org", "0871 4711815"
OLD_NAME = "Jürgen Altnamer"  # the name the person was invited under, changed later on the profile


def text_hits(needles: list[str]) -> list[str]:
    """Every text (and JSON) column of every table that still holds one of the needles (case-insensitive)."""
    hits = []
    lowered = [needle.lower() for needle in needles]
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text | JSON)]
        if not columns:
            continue
        for row in db.session.execute(select(*columns)):
            for column, value in zip(columns, row, strict=True):
                if value is None:
                    continue
                texts = (
                    [value] if isinstance(value, str) else [json.dumps(value), json.dumps(value, ensure_ascii=False)]
                )
                for needle in lowered:
                    if any(needle in text.lower() for text in texts):
                        hits.append(f"{table.name}.{column.name}: {needle}")
    return hits


def build_history(app, make_user, make_actor, mailbox):
    """A person with an invitation, memberships, answers, attendance, minutes, poll answers, mails, consents,
    audit entries, a contact person entry and a deletion request, as the tool's flows leave them."""
    from netzwerk.groups.models import GroupMessage, JoinRequest
    from netzwerk.meetings.models import Task
    from netzwerk.polls.models import Poll, PollSlot, PollVote

    manager = make_user(role="admin", name="Maria Managerin")
    lead = make_user(name="Lea Leitung")
    manager_client = app.test_client()
    login(manager_client, manager.email)
    data = {"name": OLD_NAME, "email": EMAIL, "role": "member", "organisation": "Löschmann Beratung"}
    assert post_form(manager_client, "/benutzer/einladen", data).status_code == 302
    link = mailbox.link_in(mailbox.messages[0], "/einladung/")
    person = app.test_client()
    assert (
        post_form(
            person,
            link,
            {"password": "ein sicheres passwort fuer juergen", "confirm": "ein sicheres passwort fuer juergen"},
        ).status_code
        == 302
    )
    post_form(person, "/datenschutz/bestaetigen", {"acknowledged": "y", "share_contact_details": "y"})
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == EMAIL))
        profile = {
            "name": NAME,
            "phone": PHONE,
            "language": "de",
            "share_contact_details": "y",
            "version": user.version,
        }
    assert post_form(person, "/profil", profile).status_code == 302
    app.test_client().post("/login", data={"email": EMAIL, "password": "falsch"})  # a throttle row with the address
    actor = make_actor(name="Löschtest GmbH", contacts=[{"name": NAME, "email": EMAIL, "phone": PHONE}])

    now = clock.now()
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == EMAIL))
        from netzwerk.actors.models import ContactPerson

        db.session.scalar(select(ContactPerson).where(ContactPerson.email == EMAIL)).user_id = user.id
        group = factories.group(name="AK Datenschutz", is_public=True)
        factories.membership(group, user, start=date(2025, 1, 1))
        factories.membership(group, lead, role="lead")
        held = factories.meeting(
            group,
            title="Rückblick",
            starts_at=now - timedelta(days=7),
            minutes="## TOP 1\nBericht aus dem Arbeitskreis",
            minutes_published_at=now,
            organizer_id=user.id,
        )
        held.tasks = [Task(what="Flyer drucken", who=NAME, due_on=date(2027, 1, 15))]
        coming = factories.meeting(group, title="Ausblick", starts_at=now + timedelta(days=7))
        factories.invitation(held, user, answer="yes", comment=f"Gruß, {NAME}", attendance="present")
        factories.invitation(held, lead, answer="yes", attendance="represented", represented_by=NAME)
        factories.invitation(coming, user, answer="maybe")
        factories.invitation(coming, lead)
        poll = Poll(
            group=group,
            title="Termin",
            slots=[PollSlot(starts_at=now + timedelta(days=9), ends_at=now + timedelta(days=9, hours=1))],
        )
        db.session.add_all(
            [
                GroupMessage(
                    group_id=group.id, author_id=user.id, subject="Einladung zum Stammtisch", body="Bis bald!"
                ),
                JoinRequest(group=group, user_id=user.id, message=f"Ich bin {NAME}, Tel. {PHONE}"),
                poll,
                OutgoingMail(
                    kind="test",
                    recipient="lea@example.org",
                    subject=f"{NAME} hat zugesagt",
                    body_text=f"{NAME} ({EMAIL}) kommt.",
                    body_html=f"<p>{NAME} kommt.</p>",
                    message_id="<andere@localhost>",
                ),
            ]
        )
        db.session.flush()
        db.session.add(PollVote(poll_id=poll.id, slot_id=poll.slots[0].id, user_id=user.id, value="yes"))
        db.session.commit()
        ids = {"user": user.id, "group": group.id, "held": held.id, "coming": coming.id, "actor": actor.id}
    response = post_form(person, "/profil/loeschantrag", {"message": f"Bitte alles löschen. {NAME}", "confirm": "y"})
    assert response.status_code == 302
    return manager_client, manager, lead, ids


def test_the_manager_erases_a_person_and_nothing_personal_is_left(app, make_user, make_actor, mailbox):
    manager_client, manager, lead, ids = build_history(app, make_user, make_actor, mailbox)
    with app.app_context():
        before = text_hits([NAME, EMAIL, PHONE, OLD_NAME, "Löschmann Beratung"])
        counts = {
            "invitations": db.session.scalar(
                select(func.count())
                .select_from(db.metadata.tables["invitation"])
                .where(db.metadata.tables["invitation"].c.meeting_id == ids["held"])
            ),
            "memberships": db.session.scalar(select(func.count()).select_from(db.metadata.tables["membership"])),
            "votes": db.session.scalar(select(func.count()).select_from(db.metadata.tables["poll_vote"])),
        }
    assert len(before) >= 10, before  # the history really holds the person in many places

    # the open request is on the user list and mailed to the manager
    users_page = manager_client.get("/benutzer/").text
    assert "Offene Löschanträge" in users_page and NAME in users_page
    assert any(message["Subject"] == "Löschantrag nach Art. 17 DSGVO" for message in mailbox.messages)

    refused = post_form(manager_client, f"/benutzer/{ids['user']}/loeschen", {})
    assert refused.status_code == 422
    response = post_form(manager_client, f"/benutzer/{ids['user']}/loeschen", {"confirm": "y"})
    assert response.status_code == 302

    with app.app_context():
        assert text_hits([NAME, EMAIL, PHONE, OLD_NAME, "Löschmann Beratung"]) == []
        user = db.session.get(User, ids["user"])
        assert user.name == FORMER and user.deleted_at and user.status == AccountStatus.DEACTIVATED
        assert user.password_hash is None
        table = db.metadata.tables
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(table["invitation"])
                .where(table["invitation"].c.meeting_id == ids["held"])
            )
            == counts["invitations"]
        )
        assert db.session.scalar(select(func.count()).select_from(table["membership"])) == counts["memberships"]
        assert db.session.scalar(select(func.count()).select_from(table["poll_vote"])) == counts["votes"]
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(table["invitation"])
                .where(table["invitation"].c.meeting_id == ids["coming"])
            )
            == 1
        )
        assert (
            db.session.scalar(select(func.count()).select_from(OutgoingMail).where(OutgoingMail.user_id == ids["user"]))
            == 0
        )
        assert db.session.scalar(select(DeletionRequest.status)) == "done"
        erased = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "privacy.user_erased"))
        assert erased.actor_id == manager.id and erased.target_id == ids["user"]

    lead_client = app.test_client()
    login(lead_client, lead.email)
    pages = {
        f"/arbeitskreise/{ids['group']}": True,
        f"/termine/{ids['held']}": True,
        f"/termine/{ids['held']}/protokoll": False,
        "/benutzer/": False,
        "/aenderungsprotokoll/": True,
        f"/akteure/{ids['actor']}": False,
    }
    for url, shows_former in pages.items():
        page = manager_client.get(url)
        assert page.status_code == 200, url
        assert NAME not in page.text and EMAIL not in page.text, url
        if shows_former:
            assert FORMER in page.text, url
    for url in (f"/arbeitskreise/{ids['group']}", f"/termine/{ids['held']}", f"/akteure/{ids['actor']}"):
        page = lead_client.get(url)
        assert page.status_code == 200 and NAME not in page.text, url
    assert FORMER in lead_client.get(f"/termine/{ids['held']}").text
    assert manager_client.get(f"/benutzer/{ids['user']}/bearbeiten").status_code == 404
    assert login(app.test_client(), EMAIL, "ein sicheres passwort fuer juergen").status_code == 422  # no login


def test_the_last_active_manager_cannot_be_erased(app, as_role):
    manager_client, manager = as_role("admin")
    response = post_form(manager_client, f"/benutzer/{manager.id}/loeschen", {"confirm": "y"})
    assert response.status_code == 422
    assert "mindestens ein aktives Konto des Regionalmanagements" in response.text
    with app.app_context():
        assert db.session.get(User, manager.id).deleted_at is None


def test_a_deletion_request_declined_with_a_reason(app, as_role, make_user, mailbox):
    manager_client, _manager = as_role("admin")
    member = make_user(name="Doris Daten", email="doris@example.org")
    client = app.test_client()
    login(client, member.email)
    assert post_form(client, "/profil/loeschantrag", {}).status_code == 422  # not confirmed
    assert post_form(client, "/profil/loeschantrag", {"confirm": "y"}).status_code == 302
    assert "Ihr Löschantrag vom" in client.get("/profil").text
    assert post_form(client, "/profil/loeschantrag", {"confirm": "y"}).status_code == 200  # one open request
    with app.app_context():
        request_id = db.session.scalar(select(DeletionRequest.id))
        assert db.session.scalar(select(func.count()).select_from(DeletionRequest)) == 1
    url = f"/benutzer/loeschantraege/{request_id}/ablehnen"
    assert post_form(manager_client, url, {"reason": ""}).status_code == 422
    reason = "Aufbewahrungspflicht nach Art. 17 Abs. 3 Buchst. b DSGVO bis Ende 2027."
    assert post_form(manager_client, url, {"reason": reason}).status_code == 302
    declined = [m for m in mailbox.messages if m["To"] == "doris@example.org"]
    assert declined and reason in mailbox.text_of(declined[-1])
    with app.app_context():
        assert db.session.scalar(select(DeletionRequest.status)) == "declined"
        assert db.session.get(User, member.id).deleted_at is None
        assert reason not in " ".join(db.session.scalars(select(AuditEntry.summary)))  # audit without the text
    assert "Offene Löschanträge" not in manager_client.get("/benutzer/").text


# --- Retention -----------------------------------------------------------------------------------------


def test_the_retention_page_flags_and_erases_old_invitations_and_inactive_accounts(app, as_role, make_user):
    manager_client, _manager = as_role("admin")
    old = clock.now() - timedelta(days=800)
    stale = make_user(
        status="invited", password=None, name="Ina Eingeladen", created_at=clock.now() - timedelta(days=40)
    )
    fresh = make_user(status="invited", password=None, name="Frida Frisch")
    idle = make_user(name="Ida Inaktiv", created_at=old, last_login_at=old)
    active = make_user(name="Aktiv Anton", created_at=old, last_login_at=clock.now())
    page = manager_client.get("/benutzer/aufbewahrung")
    assert page.status_code == 200
    assert "Ina Eingeladen" in page.text and "Ida Inaktiv" in page.text
    assert "Frida Frisch" not in page.text and "Aktiv Anton" not in page.text
    assert post_form(manager_client, "/benutzer/aufbewahrung", {}).status_code == 422
    response = post_form(manager_client, "/benutzer/aufbewahrung", {"user_ids": [stale.id, idle.id, fresh.id]})
    assert response.status_code == 422  # fresh is not offered
    response = post_form(manager_client, "/benutzer/aufbewahrung", {"user_ids": [stale.id, idle.id]})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, stale.id).deleted_at and db.session.get(User, idle.id).deleted_at
        assert db.session.get(User, fresh.id).deleted_at is None and db.session.get(User, active.id).deleted_at is None
        reasons = db.session.scalars(select(AuditEntry.summary).where(AuditEntry.action == "privacy.user_erased")).all()
    assert reasons == ["Aufbewahrungsfrist abgelaufen"] * 2
    assert "Keine Konten über der Frist." in manager_client.get("/benutzer/aufbewahrung").text


def test_the_daily_job_purges_old_mails_and_audit_entries(app):
    from netzwerk.privacy.services.retention import purge_expired
    from netzwerk.scheduler import build_scheduler, run_job

    def mail(n, status, age_days):
        return OutgoingMail(
            kind="test",
            recipient="x@example.org",
            subject=f"Mail {n}",
            body_text="",
            body_html="",
            message_id=f"<{n}@localhost>",
            status=status,
            created_at=clock.now() - timedelta(days=age_days),
        )

    with app.app_context():
        db.session.add_all(
            [
                mail(1, "sent", 200),
                mail(2, "failed", 200),
                mail(3, "sent", 10),
                mail(4, "queued", 200),  # still to be sent: kept
                AuditEntry(action="auth.login", created_at=clock.now() - timedelta(days=1200)),
                AuditEntry(action="auth.login", created_at=clock.now() - timedelta(days=30)),
            ]
        )
        db.session.commit()
    run_job(app, purge_expired)
    with app.app_context():
        assert sorted(db.session.scalars(select(OutgoingMail.subject))) == ["Mail 3", "Mail 4"]
        actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
        assert actions == ["auth.login", "privacy.purged"]
    assert "retention" in {job.id for job in build_scheduler(app).get_jobs()}


def test_retention_periods_come_from_the_environment(monkeypatch):
    import importlib

    import config

    monkeypatch.setenv("RETENTION_MAIL_DAYS", "90")
    monkeypatch.setenv("RETENTION_AUDIT_DAYS", "365")
    try:
        reloaded = importlib.reload(config)
        assert reloaded.Config.RETENTION_MAIL_DAYS == 90 and reloaded.Config.RETENTION_AUDIT_DAYS == 365
        assert reloaded.Config.RETENTION_INVITATION_DAYS == 30 and reloaded.Config.RETENTION_INACTIVE_DAYS == 730
    finally:
        monkeypatch.undo()
        importlib.reload(config)


# --- Contact persons without an account ---------------------------------------------------------------


def test_a_contact_person_is_deleted_on_request_and_appears_nowhere(app, as_role, make_actor):
    manager_client, _manager = as_role("admin")
    actor = make_actor(
        name="Kontakt GmbH",
        contacts=[
            {"name": "Karla Kontakt", "email": "karla@kontakt.example", "phone": "0871 222333", "source": "Messe 2026"},
            {"name": "Bleibt Bestehen", "email": "bleibt@kontakt.example"},
        ],
    )
    detail = manager_client.get(f"/akteure/{actor.id}").text
    assert "Herkunft der Daten: Messe 2026" in detail and "Auf Wunsch löschen" in detail
    with app.app_context():
        from netzwerk.actors.models import Actor, ContactPerson

        contact_id = db.session.scalar(select(ContactPerson.id).where(ContactPerson.name == "Karla Kontakt"))
        assert "karla" in db.session.get(Actor, actor.id).contact_search
    url = f"/akteure/{actor.id}/ansprechpersonen/{contact_id}/loeschen"
    assert post_form(manager_client, url, {"reason": ""}).status_code == 422
    assert post_form(manager_client, url, {"reason": "Löschbitte per E-Mail vom 3. Dezember"}).status_code == 302
    with app.app_context():
        assert text_hits(["Karla Kontakt", "karla@kontakt.example", "0871 222333"]) == []
        assert db.session.scalar(select(func.count()).select_from(ContactPerson)) == 1
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "privacy.contact_erased"))
        assert entry.summary == "Löschbitte per E-Mail vom 3. Dezember" and entry.target_id == actor.id
    page = manager_client.get(f"/akteure/{actor.id}")
    assert page.status_code == 200 and "Karla" not in page.text and "Bleibt Bestehen" in page.text
    assert "Karla" not in manager_client.get("/aenderungsprotokoll/").text


def test_the_source_of_a_contact_person_is_required_in_the_managers_form(app, as_role, make_actor):
    manager_client, _manager = as_role("admin")
    actor = make_actor(name="Quelle AG", contacts=[{"name": "Quentin Quelle"}])
    form = manager_client.get(f"/akteure/{actor.id}/bearbeiten").text
    assert 'name="contacts-0-source"' in form and "Eingabe Regionalmanagement" in form
    with app.app_context():
        from netzwerk.actors.models import Actor

        version = db.session.get(Actor, actor.id).version
    data = {"name": "Quelle AG", "kind": "company", "municipality_id": "", "version": version}
    blank = {**data, "contacts-0-id": "", "contacts-0-name": "Neue Person", "contacts-0-source": ""}
    response = post_form(manager_client, f"/akteure/{actor.id}/bearbeiten", blank)
    assert response.status_code == 422 and "Bitte angeben, woher die Daten stammen." in response.text
    given = {**blank, "contacts-0-source": "Telefonat am 1. Dezember"}
    assert post_form(manager_client, f"/akteure/{actor.id}/bearbeiten", given).status_code == 302
    with app.app_context():
        from netzwerk.actors.models import ContactPerson

        assert db.session.scalar(select(ContactPerson.source)) == "Telefonat am 1. Dezember"


# --- The public feedback form ---------------------------------------------------------------------------


def test_the_barrier_feedback_form_is_throttled_per_address(app, as_role, mailbox):
    as_role("admin")
    visitor = app.test_client()
    for n in range(app.config["FEEDBACK_MAX_PER_ADDRESS"]):
        response = post_form(visitor, "/barrierefreiheit", {"message": f"Barriere {n}"})
        assert response.status_code == 302, n
    response = post_form(visitor, "/barrierefreiheit", {"message": "eine zu viel"})
    assert response.status_code == 429 and "Zu viele Versuche" in response.text
    other = app.test_client()
    page = other.get("/barrierefreiheit", environ_base={"REMOTE_ADDR": "192.0.2.77"})
    from tests.conftest import csrf_token_from

    response = other.post(
        "/barrierefreiheit",
        data={"csrf_token": csrf_token_from(page.text), "message": "andere Adresse"},
        environ_base={"REMOTE_ADDR": "192.0.2.77"},
    )
    assert response.status_code == 302
    with app.app_context():
        assert (
            db.session.scalar(select(func.count()).select_from(OutgoingMail))
            == app.config["FEEDBACK_MAX_PER_ADDRESS"] + 1
        )


def test_erasure_finds_the_name_in_free_text_and_calendars_but_only_as_a_whole_name(app, make_user):
    """Minutes and Rundmails that name the person lose the name; a longer name that merely starts the same stays;
    an invitation's calendar file (folded lines) loses the organiser's address."""
    from netzwerk.groups.models import GroupMessage
    from netzwerk.meetings.models import Meeting
    from netzwerk.privacy.services.erasure import erase_user

    person = make_user(name="Anna Berg", email="anna.berg@example.org")
    start = clock.now() - timedelta(days=3)
    folded = "BEGIN:VCALENDAR\r\nORGANIZER;CN=Anna Berg:mailto:anna.be\r\n rg@example.org\r\nEND:VCALENDAR\r\n"
    with app.app_context():
        group = factories.group(name="AK Text")
        factories.meeting(
            group, title="Sitzung", starts_at=start, hours=1, minutes="Anna Berg berichtet. Anna Bergmann ergänzt."
        )
        db.session.add(GroupMessage(group_id=group.id, subject="Dank an Anna Berg", body="Gruß"))
        db.session.add(
            OutgoingMail(
                kind="invitation",
                recipient="dritte@example.org",
                subject="Einladung",
                body_text="",
                body_html="",
                calendar=folded,
                message_id="<kalender@example.org>",
            )
        )
        db.session.commit()
        erase_user(db.session.get(User, person.id))
        db.session.commit()
        minutes = db.session.scalar(select(Meeting.minutes))
        assert "Anna Berg " not in minutes and "ehemaliges Mitglied berichtet" in minutes
        assert "Anna Bergmann ergänzt" in minutes
        assert "Anna Berg" not in db.session.scalar(select(GroupMessage.subject))
        calendar = db.session.scalar(select(OutgoingMail.calendar))
        assert "anna" not in calendar.lower() and calendar.startswith("BEGIN:VCALENDAR")


# --- The decisions live in privacy.services.erasure (unit of work, issue 16) ------------------------------


def open_deletion_request(app, make_user) -> int:
    from netzwerk.privacy.services.erasure import request_deletion

    make_user(role="admin")
    member = make_user(name="Doris Daten", email="doris@example.org")
    with app.test_request_context():
        request_id = request_deletion(db.session.get(User, member.id), "Bitte löschen.").id
        db.session.commit()
    return request_id


def test_a_second_open_deletion_request_is_a_conflict(app, make_user):
    from netzwerk.errors import Conflict
    from netzwerk.privacy.services.erasure import request_deletion

    request_id = open_deletion_request(app, make_user)
    with app.test_request_context():
        person = db.session.get(DeletionRequest, request_id).user
        with pytest.raises(Conflict):
            request_deletion(person, "Noch einmal.")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(DeletionRequest)) == 1


def test_a_request_another_manager_decided_a_moment_ago_is_not_declined_again(app, make_user, mailbox):
    """Both managers read the open request; the first declines. The second one's decline is refused by the
    UPDATE of the open request (Finished), even though its copy still says "open": one decision, one mail."""
    from netzwerk.errors import Finished
    from netzwerk.privacy.services.erasure import decline_request

    request_id = open_deletion_request(app, make_user)
    first, second = make_user(role="admin"), make_user(role="admin")
    first_id = first.id
    with app.test_request_context():
        read_by_second = db.session.get(DeletionRequest, request_id)
        assert read_by_second.status == "open"
        with app.app_context(), app.test_request_context():  # the first manager: a request (and session) of its own
            decline_request(db.session.get(DeletionRequest, request_id), "Erster Grund.", first)
            db.session.commit()
        with pytest.raises(Finished) as refused:
            decline_request(read_by_second, "Zweiter Grund.", second)
        assert str(refused.value.message) == "Dieser Löschantrag ist bereits entschieden."
        db.session.rollback()
    with app.app_context():
        decided = db.session.get(DeletionRequest, request_id)
        assert (decided.decision_reason, decided.decided_by_id) == ("Erster Grund.", first_id)
        actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.action == "privacy.deletion_declined"))
        assert len(actions.all()) == 1


def test_a_decided_request_shows_the_reason_instead_of_the_form(app, as_role, make_user):
    request_id = open_deletion_request(app, make_user)
    manager, _ = as_role("admin")
    url = f"/benutzer/loeschantraege/{request_id}/ablehnen"
    page = manager.get(url)
    assert post_form(manager, url, {"reason": "Aufbewahrungspflicht."}).status_code == 302
    again = manager.post(url, data={"csrf_token": csrf_token_from(page.text), "reason": "Noch einmal."})
    assert again.status_code == 302
    assert "Dieser Löschantrag ist bereits entschieden." in manager.get("/benutzer/").text
    with app.app_context():
        assert db.session.get(DeletionRequest, request_id).decision_reason == "Aufbewahrungspflicht."


def test_erasing_the_last_manager_is_refused_by_the_service_before_anything_changes(app, make_user):
    from netzwerk.errors import NotAllowed
    from netzwerk.privacy.services.erasure import erase_user

    only_manager = make_user(role="admin", name="Einzige Managerin")
    with app.test_request_context():
        with pytest.raises(NotAllowed):
            erase_user(db.session.get(User, only_manager.id), reason="Test")
        assert db.session.get(User, only_manager.id).name == "Einzige Managerin"
        assert not db.session.dirty and not db.session.new
