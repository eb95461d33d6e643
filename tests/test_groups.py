"""Working groups: the manager runs them, leads manage their own members, memberships keep their history."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select, update

from netzwerk import clock
from netzwerk.actors.models import FieldOfAction
from netzwerk.audit.models import AuditEntry
from netzwerk.auth.models import User
from netzwerk.errors import Conflict, Finished
from netzwerk.extensions import db
from netzwerk.groups.models import JoinRequest, Membership, RequestStatus, WorkingGroup
from netzwerk.groups.services import (
    GROUPS_PER_PAGE,
    GroupData,
    NameTaken,
    decide_request,
    request_to_join,
    save_group,
)
from netzwerk.mail.models import OutgoingMail
from netzwerk.unit_of_work import unit_of_work
from tests import factories
from tests.conftest import count_queries, login, post_form
from tests.html_forms import form_with


@pytest.fixture
def make_group(app):
    def make(name="AK Fachkräfte", is_public=True, members=(), **fields):
        with app.app_context():
            group = factories.group(name=name, is_public=is_public, **fields)
            for user, role in members:
                factories.membership(group, user, role=role)
            db.session.commit()
            return group.id

    return make


def test_manager_creates_edits_and_closes_a_group(app, as_role):
    manager, _ = as_role("admin")
    data = {
        "name": "AK Innovation",
        "short_name": "AK Inno",
        "field_of_action_id": "6",
        "description": "Neue Ideen für die Region.",
        "goals": "Drei Projekte bis 2027.",
        "is_public": "y",
    }
    response = post_form(manager, "/arbeitskreise/neu", data)
    assert response.status_code == 302
    group_id = int(response.headers["Location"].rsplit("/", 1)[1])
    page = manager.get("/arbeitskreise/").text
    assert "AK Innovation" in page and "Innovation" in page and "0 Mitglieder" in page
    assert (
        post_form(
            manager, f"/arbeitskreise/{group_id}/bearbeiten", {**data, "goals": "Vier.", "version": "1"}
        ).status_code
        == 302
    )
    post_form(manager, f"/arbeitskreise/{group_id}/status", {"status": "closed"}, get_url=f"/arbeitskreise/{group_id}")
    assert "beendet" in manager.get(f"/arbeitskreise/{group_id}").text
    with app.app_context():
        actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.target_type == "WorkingGroup")).all()
    assert actions == ["group.created", "group.updated", "group.status_changed"]
    duplicate = post_form(manager, "/arbeitskreise/neu", data)
    assert duplicate.status_code == 422 and "Es gibt schon einen Arbeitskreis mit diesem Namen." in duplicate.text


def test_visitors_see_public_groups_without_members(client, make_group, make_user):
    member = make_user(name="Maria Mitglied")
    public = make_group("AK Offen", members=[(member, "member")], description="Für alle.", goals="Geheimes Ziel")
    internal = make_group("AK Intern", is_public=False)
    page = client.get("/arbeitskreise/").text
    assert "AK Offen" in page and "AK Intern" not in page
    detail = client.get(f"/arbeitskreise/{public}").text
    assert "Für alle." in detail and "Maria Mitglied" not in detail and "Geheimes Ziel" not in detail
    assert client.get(f"/arbeitskreise/{internal}").status_code == 404


def test_members_see_their_internal_groups_and_contacts_only_by_consent(app, make_group, make_user):
    viewer = make_user(name="Vera Viewer")
    shy = make_user(name="Stefan Still", phone="0871 1")
    open_person = make_user(name="Olga Offen", phone="0871 2", share_contact_details=True)
    mine = make_group(
        "AK Meiner", is_public=False, members=[(viewer, "member"), (shy, "member"), (open_person, "lead")]
    )
    other = make_group("AK Fremd", is_public=False)
    client = app.test_client()
    login(client, viewer.email)
    page = client.get("/arbeitskreise/").text
    assert "AK Meiner" in page and "AK Fremd" not in page
    detail = client.get(f"/arbeitskreise/{mine}").text
    assert "Stefan Still" in detail and shy.email not in detail
    assert open_person.email in detail and "Leitung (Sprecher:in)" in detail
    assert client.get(f"/arbeitskreise/{other}").status_code == 404


def test_a_lead_manages_the_own_group_and_nothing_else(app, make_group, make_user):
    lead = make_user(name="Lea Leitung")
    newcomer = make_user(name="Nico Neu")
    own = make_group("AK Eigen", members=[(lead, "lead")])
    other = make_group("AK Anders")
    client = app.test_client()
    login(client, lead.email)
    response = post_form(
        client,
        f"/arbeitskreise/{own}/mitglieder",
        {
            "aufnehmen-user_id": str(newcomer.id),
            "aufnehmen-role": "member",
            "aufnehmen-actor_id": "",
            "aufnehmen-submit": "Hinzufügen",
        },
    )
    assert response.status_code == 302
    assert "Nico Neu" in client.get(f"/arbeitskreise/{own}").text
    assert client.get(f"/arbeitskreise/{other}/mitglieder").status_code == 403
    assert client.get(f"/arbeitskreise/{own}/bearbeiten").status_code == 403
    with app.app_context():
        foreign = factories.membership(other, newcomer)
        db.session.commit()
        foreign_id = foreign.id
    token_page = client.get(f"/arbeitskreise/{own}/mitglieder")
    response = post_form(
        client, f"/arbeitskreise/{own}/mitglieder/{foreign_id}/beenden", {}, get_url=f"/arbeitskreise/{own}/mitglieder"
    )
    assert token_page.status_code == 200 and response.status_code == 404  # another group's membership


def test_memberships_keep_their_history(app, as_role, make_group, make_user):
    manager, _ = as_role("admin")
    person = make_user(name="Hanna Historie")
    group_id = make_group("AK Verlauf", members=[(person, "member")])
    with app.app_context():
        membership = db.session.scalar(select(Membership))
        membership.start_date = clock.today() - timedelta(days=400)
        db.session.commit()
        membership_id = membership.id
    members_url = f"/arbeitskreise/{group_id}/mitglieder"
    post_form(manager, f"{members_url}/{membership_id}/rolle", {"role": "lead"}, get_url=members_url)
    with app.app_context():
        rows = db.session.scalars(select(Membership).order_by(Membership.id)).all()
        assert [(m.role, m.end_date is not None) for m in rows] == [("member", True), ("lead", False)]
        new_id = rows[1].id
    # a new role is a current member with a history, not a former member
    assert "Ehemalige Mitglieder" not in manager.get(f"/arbeitskreise/{group_id}").text
    post_form(manager, f"{members_url}/{new_id}/beenden", {}, get_url=members_url)
    detail = manager.get(f"/arbeitskreise/{group_id}").text
    assert "Ehemalige Mitglieder" in detail and detail.count("<li>Hanna Historie") == 1  # once, the last role
    started = (clock.today() - timedelta(days=400)).strftime("%d.%m.%Y")
    assert f"Hanna Historie – Leitung (Sprecher:in) ({started} – " in detail  # from the first day
    assert "0 Mitglieder" in manager.get("/arbeitskreise/").text


def test_members_can_leave(app, make_group, make_user):
    person = make_user()
    group_id = make_group("AK Tschüss", members=[(person, "member")])
    client = app.test_client()
    login(client, person.email)
    response = post_form(client, f"/arbeitskreise/{group_id}/austreten", {}, get_url=f"/arbeitskreise/{group_id}")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Membership.end_date)) == clock.today()
    again = post_form(client, f"/arbeitskreise/{group_id}/austreten", {}, get_url=f"/arbeitskreise/{group_id}")
    assert again.status_code == 404


def test_an_actor_represented_in_a_group_can_only_be_archived(app, as_role, make_actor, make_group, make_user):
    manager, _ = as_role("admin")
    actor = make_actor(name="Vertreten GmbH")
    person = make_user()
    group_id = make_group("AK Vertretung")
    with app.app_context():
        factories.membership(group_id, person, actor_id=actor.id)
        db.session.commit()
    assert post_form(manager, f"/akteure/{actor.id}/loeschen", {}).status_code == 409


def test_leads_invite_a_new_person_into_the_group(app, make_group, make_user, mailbox):
    lead = make_user(name="Lea Leitung")
    group_id = make_group("AK Einladung", members=[(lead, "lead")])
    client = app.test_client()
    login(client, lead.email)
    data = {
        "einladen-name": "Ina Neu",
        "einladen-email": "ina@example.org",
        "einladen-organisation": "LINK",
        "einladen-role": "guest",
    }
    response = post_form(
        client, f"/arbeitskreise/{group_id}/einladen", data, get_url=f"/arbeitskreise/{group_id}/mitglieder"
    )
    assert response.status_code == 302
    (message,) = mailbox.messages
    assert "Sie sind Mitglied im Arbeitskreis „AK Einladung“." in mailbox.text_of(message)
    page = client.get(f"/arbeitskreise/{group_id}").text
    assert "Ina Neu" in page and "Gast" in page
    again = post_form(
        client, f"/arbeitskreise/{group_id}/einladen", data, get_url=f"/arbeitskreise/{group_id}/mitglieder"
    )
    assert again.status_code == 422 and "gibt es schon ein Konto" in again.text


def test_join_requests_are_decided_by_the_leads_with_mail_either_way(app, make_group, make_user, mailbox):
    lead = make_user(name="Lea Leitung")
    quiet_lead = make_user(name="Quentin Quiet", notify_by_email=False)
    applicant = make_user(name="Anton Anfrage")
    other = make_user(name="Olivia Other")
    group_id = make_group("AK Offen", members=[(lead, "lead"), (quiet_lead, "deputy")])
    internal_id = make_group("AK Intern", is_public=False)
    detail_url = f"/arbeitskreise/{group_id}"
    for person in (applicant, other):
        client = app.test_client()
        login(client, person.email)
        assert "Mitgliedschaft anfragen" in client.get(detail_url).text
        response = post_form(client, f"{detail_url}/anfragen", {"message": "Ich möchte mitmachen."}, get_url=detail_url)
        assert response.status_code == 302
        assert "Ihre Anfrage liegt der Leitung vor." in client.get(detail_url).text
        assert client.post(f"/arbeitskreise/{internal_id}/anfragen").status_code in (400, 404)
    assert [m["To"] for m in mailbox.messages] == [lead.email, lead.email]  # the quiet lead asked for no mail
    assert "Anton Anfrage möchte im Arbeitskreis „AK Offen“ mitarbeiten." in mailbox.text_of(mailbox.messages[0])
    mailbox.messages.clear()

    lead_client = app.test_client()
    login(lead_client, lead.email)
    members_url = f"{detail_url}/mitglieder"
    page = lead_client.get(members_url).text
    assert "Offene Anfragen" in page and "Ich möchte mitmachen." in page
    with app.app_context():
        first, second = db.session.scalars(select(JoinRequest.id).order_by(JoinRequest.id)).all()
    post_form(lead_client, f"{detail_url}/anfragen/{first}/annehmen", {}, get_url=members_url)
    post_form(lead_client, f"{detail_url}/anfragen/{second}/ablehnen", {}, get_url=members_url)
    subjects = [m["Subject"] for m in mailbox.messages]
    assert subjects == ["Willkommen im AK Offen", "Ihre Anfrage an AK Offen"]
    assert "Anton Anfrage" in lead_client.get(detail_url).text.split("Mitglieder", 1)[1]
    assert post_form(lead_client, f"{detail_url}/anfragen/{first}/annehmen", {}, get_url=members_url).status_code == 404


def test_rundmail_goes_to_members_who_want_mail_and_stays_on_the_page(app, make_group, make_user, mailbox):
    lead = make_user(name="Lea Leitung")
    reader = make_user(name="Rita Reader")
    no_mail = make_user(name="Norbert Nomail", notify_by_email=False)
    outsider_lead = make_user(name="Otto Other")
    group_id = make_group("AK Post", members=[(lead, "lead"), (reader, "member"), (no_mail, "member")])
    make_group("AK Nachbar", members=[(outsider_lead, "lead")])
    client = app.test_client()
    login(client, lead.email)
    url = f"/arbeitskreise/{group_id}/rundmail"
    empty = post_form(client, url, {"subject": "", "body": ""})
    assert empty.status_code == 422 and "Bitte geben Sie einen Betreff ein." in empty.text
    response = post_form(client, url, {"subject": "Nächste Schritte", "body": "Liebe Mitglieder,\nbis bald."})
    assert response.status_code == 302
    assert sorted(m["To"] for m in mailbox.messages) == sorted([lead.email, reader.email])
    assert mailbox.messages[0]["Subject"] == "[AK Post] Nächste Schritte"
    page = client.get(f"/arbeitskreise/{group_id}").text
    assert "Nächste Schritte" in page and "2 Empfänger" in page
    other = app.test_client()
    login(other, outsider_lead.email)
    assert other.get(url).status_code == 403


def test_the_manager_adds_members_and_is_not_offered_to_ask_for_membership(app, as_role, make_group):
    group_id = make_group()
    manager, _ = as_role("admin")
    assert "Mitgliedschaft anfragen" not in manager.get(f"/arbeitskreise/{group_id}").text
    member, _ = as_role("member")
    assert "Mitgliedschaft anfragen" in member.get(f"/arbeitskreise/{group_id}").text
    response = post_form(manager, f"/arbeitskreise/{group_id}/anfragen", {"message": "?"}, get_url="/")
    assert response.status_code == 404


def test_a_lead_finds_people_by_name_and_sees_only_emails_they_may_see(app, make_group, make_user):
    """Adding members: a search by name, not a list of every account; an address only where the person agreed
    to show it or already works with the lead in another group the lead leads."""
    lead = make_user(name="Lea Leitung")
    secret = make_user(name="Sandra Still", email="sandra.still@example.org", organisation="Stadtwerke")
    make_user(name="Sven Offen", email="sven.offen@example.org", share_contact_details=True)
    colleague = make_user(name="Sina Kollegin", email="sina.kollegin@example.org")
    own = make_group("AK Eigen", members=[(lead, "lead")])
    make_group("AK Zweit", members=[(lead, "lead"), (colleague, "member")])
    client = app.test_client()
    login(client, lead.email)

    page = client.get(f"/arbeitskreise/{own}/mitglieder")
    assert "Sandra Still" not in page.text and "sandra.still@" not in page.text  # no list without a search
    found = client.get(f"/arbeitskreise/{own}/mitglieder?suche=s")  # too short: no results
    assert "Sandra Still" not in found.text
    found = client.get(f"/arbeitskreise/{own}/mitglieder?suche=S%25")  # a LIKE wildcard is a plain character
    assert "Sandra Still" not in found.text
    found = client.get(f"/arbeitskreise/{own}/mitglieder?suche=SA")  # any case
    assert "Sandra Still" in found.text and "Stadtwerke" in found.text
    for query in ("Sandra", "Sven", "Sina"):
        assert query in client.get(f"/arbeitskreise/{own}/mitglieder?suche={query}").text
    everyone = (
        client.get(f"/arbeitskreise/{own}/mitglieder?suche=S").text
        + client.get(f"/arbeitskreise/{own}/mitglieder?suche=an").text
    )
    pages = [client.get(f"/arbeitskreise/{own}/mitglieder?suche={q}").text for q in ("Sandra", "Sven", "Sina")]
    assert all("sandra.still@" not in text for text in [*pages, everyone])
    assert "sven.offen@example.org" in pages[1] and "sina.kollegin@example.org" in pages[2]

    form = form_with(pages[0], "aufnehmen-role")
    response = client.post(
        f"/arbeitskreise/{own}/mitglieder?suche=Sandra", data=form.data(**{"aufnehmen-user_id": str(secret.id)})
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Membership).where(Membership.group_id == own, Membership.user_id == secret.id))
    assert "sandra.still@" not in client.get(f"/arbeitskreise/{own}/mitglieder").text  # the member list: names only


def test_the_manager_sees_the_addresses_in_the_search(app, make_group, make_user, as_role):
    make_user(name="Sandra Still", email="sandra.still@example.org")
    group = make_group("AK Eigen")
    manager, _ = as_role("admin")
    assert "sandra.still@example.org" in manager.get(f"/arbeitskreise/{group}/mitglieder?suche=Sandra").text


def test_a_paused_or_closed_group_takes_no_requests_and_members_need_none(app, make_group, make_user, mailbox):
    """The rules live in request_to_join; the page says why instead of a bare 404."""
    lead = make_user(name="Lea Leitung")
    member = make_user(name="Mia Mitglied")
    applicant = make_user(name="Anton Anfrage")
    closed_id = make_group("AK Zu", members=[(lead, "lead")], status="closed")
    open_id = make_group("AK Auf", members=[(lead, "lead"), (member, "member")])
    with app.test_request_context():
        closed, open_ = db.session.get(WorkingGroup, closed_id), db.session.get(WorkingGroup, open_id)
        with pytest.raises(Finished):
            request_to_join(closed, db.session.get(User, applicant.id), "")
        with pytest.raises(Conflict):
            request_to_join(open_, db.session.get(User, member.id), "")
    for person, group_id, reason in (
        (applicant, closed_id, "nimmt derzeit keine neuen Mitglieder auf"),
        (member, open_id, "Sie gehören diesem Arbeitskreis bereits an."),
    ):
        client = app.test_client()
        login(client, person.email)
        url = f"/arbeitskreise/{group_id}"
        response = post_form(client, f"{url}/anfragen", {"message": "Darf ich?"}, get_url=url)
        assert response.status_code == 302 and response.headers["Location"].endswith(url)
        assert reason in client.get(url).text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(JoinRequest)) == 0
        assert db.session.scalar(select(func.count()).select_from(OutgoingMail)) == 0
    assert mailbox.messages == []


def test_asking_twice_makes_one_request_and_one_mail(app, make_group, make_user, mailbox):
    lead = make_user(name="Lea Leitung")
    applicant = make_user(name="Anton Anfrage")
    group_id = make_group("AK Doppelklick", members=[(lead, "lead")])
    client = app.test_client()
    login(client, applicant.email)
    url = f"/arbeitskreise/{group_id}"
    for _click in range(2):
        assert post_form(client, f"{url}/anfragen", {"message": "Hallo"}, get_url=url).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(JoinRequest)) == 1
    assert [m["To"] for m in mailbox.messages] == [lead.email]


def test_a_join_request_is_decided_once_when_two_leads_decide_at_once(app, make_group, make_user, mailbox):
    """The second lead still sees the request pending (loaded before the first decision was saved): one
    conditional UPDATE decides, so the applicant becomes a member once and hears once."""
    lead, deputy = make_user(name="Lea Leitung"), make_user(name="Dora Deputy")
    applicant = make_user(name="Anton Anfrage")
    group_id = make_group("AK Gleichzeitig", members=[(lead, "lead"), (deputy, "deputy")])
    with app.test_request_context():
        join_request = JoinRequest(group_id=group_id, user_id=applicant.id)
        db.session.add(join_request)
        db.session.commit()
        request_id = join_request.id
    with app.test_request_context():
        seen_by_deputy = db.session.get(JoinRequest, request_id)
        assert seen_by_deputy.status == RequestStatus.PENDING
        with db.engine.begin() as other:  # the lead's decision, saved meanwhile
            other.execute(update(JoinRequest).where(JoinRequest.id == request_id).values(status=RequestStatus.DECLINED))
        with pytest.raises(Finished, match="bereits entschieden"), unit_of_work():
            decide_request(seen_by_deputy, True, db.session.get(User, deputy.id))
    with app.app_context():
        assert db.session.get(JoinRequest, request_id).status == RequestStatus.DECLINED
        members = select(Membership).where(Membership.group_id == group_id, Membership.user_id == applicant.id)
        assert db.session.scalars(members).all() == []
    assert mailbox.messages == []


def test_a_taken_name_is_refused_by_the_service(app, make_group):
    make_group("AK Einmalig")
    with app.test_request_context():
        with pytest.raises(NameTaken):
            save_group(None, GroupData(name="AK Einmalig"))
        other = db.session.get(WorkingGroup, make_group("AK Anders"))
        with pytest.raises(NameTaken, match="schon einen Arbeitskreis"):
            save_group(other, GroupData(name="AK Einmalig"))


def test_two_renames_to_one_name_at_the_same_moment_name_the_taken_name(app, make_group):
    """The other rename is saved between this save's name check and its write: the unique constraint answers,
    and the manager reads that the name is taken, not that the group was changed meanwhile."""
    first, second = make_group("AK Eins"), make_group("AK Zwei")
    with app.test_request_context():
        group = db.session.get(WorkingGroup, second)

        def rename_the_other_meanwhile(session, flush_context, instances):
            with db.engine.begin() as other:
                other.execute(update(WorkingGroup).where(WorkingGroup.id == first).values(name="AK Neu"))

        event.listen(db.session(), "before_flush", rename_the_other_meanwhile, once=True)
        with pytest.raises(NameTaken, match="schon einen Arbeitskreis"):
            save_group(group, GroupData(name="AK Neu"))
    with app.app_context():
        assert db.session.get(WorkingGroup, second).name == "AK Zwei"


def test_a_crossed_group_save_is_a_conflict_and_saves_nothing(app, make_group):
    group_id = make_group("AK Vorher")
    with app.test_request_context():
        group = db.session.get(WorkingGroup, group_id)
        db.session.execute(  # another save committed meanwhile: the version read here is old
            update(WorkingGroup)
            .where(WorkingGroup.id == group_id)
            .values(version=WorkingGroup.version + 1)
            .execution_options(synchronize_session=False)
        )
        with pytest.raises(Conflict):
            save_group(group, GroupData(name="AK Nachher"))
    with app.app_context():
        assert db.session.get(WorkingGroup, group_id).name == "AK Vorher"


def test_the_groups_list_comes_in_pages_in_field_order_with_constant_queries(app, make_user):
    member = make_user()
    with app.app_context():
        fields = db.session.scalars(select(FieldOfAction).order_by(FieldOfAction.position)).all()
        field_names = [field.name for field in fields]
        for n in range(GROUPS_PER_PAGE + 5):  # the last five have no field of action
            field = fields[n % len(fields)] if n < GROUPS_PER_PAGE else None
            factories.group(name=f"AK Seite {n:02d}", field_of_action=field, is_public=True, members=[member])
        db.session.commit()
    client = app.test_client()
    first = client.get("/arbeitskreise/").text
    shown = re.findall(r">AK Seite (\d+)</a>", first)
    assert len(shown) == GROUPS_PER_PAGE and '/arbeitskreise/?page=2#inhalt"' in first
    headings = re.findall(r"<h2>([^<]+)</h2>", first)
    assert headings == field_names  # each field once, in its order
    second = client.get("/arbeitskreise/?page=2").text
    assert re.findall(r">AK Seite (\d+)</a>", second) == [str(n) for n in range(GROUPS_PER_PAGE, GROUPS_PER_PAGE + 5)]
    assert "Ohne Handlungsfeld" in second and "1 Mitglied" in second and "Nächste Seite" not in second
    few = count_queries(app, client, "/arbeitskreise/")
    with app.app_context():
        for n in range(100):
            factories.group(name=f"AK Mehr {n:03d}", field_of_action_id=1, is_public=True, members=[member])
        db.session.commit()
    assert count_queries(app, client, "/arbeitskreise/") == few


# --- The actor picker on the members page ---------------------------------------------------------------


def add_member_with_actor(client, group_id, person, actor_text, choice=None):
    data = {
        "aufnehmen-user_id": str(person.id),
        "aufnehmen-role": "member",
        "aufnehmen-actor_id": actor_text,
        **({"aufnehmen-actor_id-wahl": str(choice)} if choice else {}),
    }
    return post_form(client, f"/arbeitskreise/{group_id}/mitglieder?suche=Neu", data)


def represented(app, group_id, person):
    with app.app_context():
        membership = db.session.scalar(
            select(Membership).where(Membership.group_id == group_id, Membership.user_id == person.id)
        )
        return membership and (membership.actor.name if membership.actor else "")


def test_the_represented_actor_is_found_by_name_without_javascript(app, as_role, make_group, make_user, make_actor):
    """A unique name is taken as typed; several matches come back as a choice (nothing else typed is lost);
    an unknown name is refused with the reason; the page lists no actors until asked."""
    manager, _ = as_role("admin")
    group_id = make_group("AK Picker")
    for name in ("Brauerei Wittmann", "Brauerei Koller", "Stadtwerke Landshut"):
        make_actor(name=name)
    assert "Brauerei Wittmann" not in manager.get(f"/arbeitskreise/{group_id}/mitglieder?suche=Neu").text

    first, second, third = (make_user(name=f"Nina Neu {n}") for n in range(3))
    assert add_member_with_actor(manager, group_id, first, "stadtwerke").status_code == 302
    assert represented(app, group_id, first) == "Stadtwerke Landshut"

    response = add_member_with_actor(manager, group_id, second, "Brauerei")
    assert response.status_code == 422 and represented(app, group_id, second) is None
    assert "Mehrere Akteure passen zu „Brauerei“" in response.text
    assert 'value="Brauerei"' in response.text  # what was typed stays in the field
    choices = dict(
        re.findall(r'name="aufnehmen-actor_id-wahl" type="radio" value="(\d+)"> <label[^>]*>([^<]+)<', response.text)
    )
    koller = next(actor_id for actor_id, name in choices.items() if name == "Brauerei Koller")
    assert set(choices.values()) == {"Brauerei Koller", "Brauerei Wittmann"}
    assert add_member_with_actor(manager, group_id, second, "Brauerei", choice=koller).status_code == 302
    assert represented(app, group_id, second) == "Brauerei Koller"

    response = add_member_with_actor(manager, group_id, third, "Bäckerei Nirgends")
    assert response.status_code == 422 and "Kein Akteur gefunden, der zu „Bäckerei Nirgends“ passt." in response.text
    assert add_member_with_actor(manager, group_id, third, "").status_code == 302  # represents no one
    assert represented(app, group_id, third) == ""


def test_the_picker_suggests_actors_as_people_type(app, as_role, make_actor):
    """The suggestion URL answers with the labels of the first matches, umlauts written out or not; only the
    registry's readers may ask it."""
    make_actor(name="Müller Präzision GmbH")
    make_actor(name="Mueller Consulting")
    manager, _ = as_role("admin")
    answer = manager.get("/akteure/auswahl", query_string={"q": "Mueller"})
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "private, no-store"
    assert sorted(answer.json["vorschlaege"]) == ["Mueller Consulting", "Müller Präzision GmbH"]
    assert manager.get("/akteure/auswahl", query_string={"q": "M"}).json == {"vorschlaege": []}
    partner, _ = as_role("partner")
    assert partner.get("/akteure/auswahl", query_string={"q": "Mueller"}).status_code == 403


def test_the_members_page_reads_the_same_at_any_registry_size(app, as_role, make_group, make_user):
    """No select of every actor or account: the page's queries and size do not grow with the registry."""
    from tests.test_actors import add_actors

    manager, _ = as_role("admin")
    group_id = make_group("AK Groß")
    make_user(name="Nina Neu")
    url = f"/arbeitskreise/{group_id}/mitglieder?suche=Neu"
    small_queries, small_size = count_queries(app, manager, url), len(manager.get(url).data)
    add_actors(app, 500)
    with app.app_context():
        for n in range(200):
            factories.user(name=f"Person {n}")
        db.session.commit()
    assert count_queries(app, manager, url) == small_queries
    assert len(manager.get(url).data) == small_size


def test_the_member_list_goes_out_as_page_csv_and_xlsx_with_contact_details_only_where_agreed(
    app, make_group, make_user, make_actor
):
    """Name, organisation, role, since, represented actor; e-mail and phone only of who agreed to share them.
    The lead may take it; a member may not."""
    import io

    from openpyxl import load_workbook

    lead = make_user(name="Lea Leitung", phone="0871 1")
    open_member = make_user(name="Olga Offen", organisation="=HYPERLINK(1)", phone="0871 2")
    shy = make_user(name="Sepp Still", phone="0871 3")
    make_actor(name="Stadtwerke Landshut")
    with app.app_context():
        db.session.get(User, open_member.id).share_contact_details = True
        db.session.commit()
    group_id = make_group(
        "AK Liste", short_name="AK Liste", members=[(lead, "lead"), (open_member, "member"), (shy, "member")]
    )
    client = app.test_client()
    login(client, lead.email)
    page = client.get(f"/arbeitskreise/{group_id}/mitgliederliste").text
    assert "Olga Offen" in page and open_member.email in page and "0871 2" in page
    assert "Sepp Still" in page and shy.email not in page and "0871 3" not in page

    response = client.get(f"/arbeitskreise/{group_id}/mitgliederliste.csv")
    assert response.mimetype == "text/csv" and response.headers["Cache-Control"] == "private, no-store"
    assert f'filename="mitglieder-ak-liste-{clock.today():%Y-%m-%d}.csv"' in response.headers["Content-Disposition"]
    lines = response.data.decode("utf-8-sig").splitlines()
    assert lines[0] == "Name;Organisation;Rolle;seit;vertritt (Akteur);E-Mail;Telefon"
    olga = next(line for line in lines if line.startswith("Olga Offen"))
    assert f"'=HYPERLINK(1);Mitglied;{clock.today():%d.%m.%Y};;{open_member.email};0871 2" in olga  # no formula
    assert next(line for line in lines if line.startswith("Sepp Still")).endswith(";;")

    sheet = load_workbook(io.BytesIO(client.get(f"/arbeitskreise/{group_id}/mitgliederliste.xlsx").data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Name" and len(rows) == 4
    olga_row = next(row for row in rows if row[0] == "Olga Offen")
    assert olga_row[1] == "=HYPERLINK(1)" and olga_row[3].date() == clock.today()  # text stays text, a date a date

    member = app.test_client()
    login(member, shy.email)
    assert member.get(f"/arbeitskreise/{group_id}/mitgliederliste").status_code == 403
    assert member.get(f"/arbeitskreise/{group_id}/mitgliederliste.xlsx").status_code == 403
