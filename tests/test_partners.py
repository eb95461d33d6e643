"""Partners (issue 7): partnerships, links (Kooperationen), the partner list, partner users' self-service with
logo upload, the audit trail with undo, freshness reminders, and the rules that keep partners apart."""

import io
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from PIL import Image, PngImagePlugin
from sqlalchemy import func, select

from netzwerk import clock
from netzwerk.actors.models import Actor, ContactPerson
from netzwerk.audit.models import AuditEntry
from netzwerk.extensions import db
from netzwerk.groups.models import WorkingGroup
from netzwerk.partners.models import PartnerLink, PartnerLogo, Partnership, PartnerUser
from tests import factories
from tests.conftest import csrf_token_from, login, post_form
from tests.test_actors import count_queries


@pytest.fixture
def world(app, make_user, make_actor):
    """Two partner organisations (A public, B internal) with one partner user each, a manager, a member, an
    internal group linked to A with a meeting, and a public group."""
    people = {
        "manager": make_user(role="admin", name="Maria Manager"),
        "member": make_user(name="Mia Member"),
        "partner_a": make_user(role="partner", name="Anton A"),
        "partner_b": make_user(role="partner", name="Berta B"),
        "loose_partner": make_user(role="partner", name="Lose Partnerin"),
    }
    actor_a = make_actor(
        name="Metropolregion A e.V.",
        kind="partner",
        is_public=True,
        description="Öffentliche Beschreibung A",
        website="https://a.example.org",
        street="Marienplatz 1",
        postal_code="80331",
        contacts=[{"name": "Greta A", "function": "Geschäftsstelle", "email": "greta@a.example.org"}],
    )
    actor_b = make_actor(
        name="Flughafen B GmbH",
        kind="partner",
        is_public=False,
        description="Interne Beschreibung B",
        contacts=[{"name": "Bruno B", "email": "bruno@b.example.org"}],
    )
    target = make_actor(name="Zielakteur GmbH", is_public=True)
    with app.app_context():
        a = factories.partnership(
            actor_a,
            type="metropolitan_region",
            offers="Angebote A",
            public_fields=["description", "website"],
            users=[people["partner_a"]],
        )
        b = factories.partnership(actor_b, type="airport", offers="Angebote B", users=[people["partner_b"]])
        internal = factories.group(name="AK Intern", is_public=False, members=[people["member"]])
        public = factories.group(name="AK Offen", is_public=True)
        meeting = factories.meeting(
            internal, title="Sitzung Intern", starts_at=clock.now() + timedelta(days=2), hours=1
        )
        factories.partner_link(a, group=internal, about="Pendlerverkehr", since=date(2024, 1, 1))
        factories.partner_link(b, actor=target, about="Ausbildung", since=date(2023, 5, 1))
        db.session.commit()
        ids = {
            "a": a.id,
            "b": b.id,
            "actor_a": actor_a.id,
            "actor_b": actor_b.id,
            "target": target.id,
            "internal": internal.id,
            "public": public.id,
            "meeting": meeting.id,
            "contact_b": db.session.scalar(select(ContactPerson.id).where(ContactPerson.actor_id == actor_b.id)),
        }
    return people, ids


def client_for(app, user):
    client = app.test_client()
    if user is not None:
        assert login(client, user.email).status_code == 302
    return client


# --- Partnerships and links (manager) -------------------------------------------------------------------


def test_manager_makes_an_actor_a_partner_and_edits_the_partnership(app, world, make_actor):
    people, _ = world
    manager = client_for(app, people["manager"])
    actor = make_actor(name="IHK Test", kind="chamber", is_public=True)
    response = post_form(
        manager,
        "/partner/neu",
        {
            "actor_id": "IHK Test",  # the picker takes the name (the browser suggests it as it is typed)
            "type": "chamber",
            "since": "2019-04-01",
            "contact_user_id": people["manager"].id,
            "status": "active",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        partnership = db.session.scalar(select(Partnership).where(Partnership.actor_id == actor.id))
        assert (partnership.type, partnership.since) == ("chamber", date(2019, 4, 1))
        pid, version = partnership.id, partnership.version
    page = manager.get(f"/partner/{pid}")
    assert "IHK Test" in page.text and "Kammer" in page.text
    response = post_form(
        manager,
        f"/partner/{pid}/bearbeiten",
        {"type": "chamber", "since": "", "contact_user_id": "", "status": "dormant", "version": version},
    )
    assert response.status_code == 302
    with app.app_context():
        actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.target_type == "Partnership")).all()
        assert actions == ["partner.created", "partner.updated"]
        assert db.session.get(Partnership, pid).status == "dormant"


@pytest.mark.parametrize(
    "data",
    [
        {"actor_id": "", "type": "chamber", "status": "active"},
        {"actor_id": "Metropolregion A e.V.", "type": "chamber", "status": "active"},  # already a partner
        {"actor_id": "Zielakteur", "actor_id-wahl": "{actor_a}", "type": "chamber", "status": "active"},
        {"actor_id": "Zielakteur GmbH", "type": "boss", "status": "active", "since": "31.02.2025"},
        {"actor_id": "Zielakteur", "type": "chamber", "status": "x\x00", "contact_user_id": "99999"},
        {"actor_id": "Ziel\x00", "type": "chamber", "status": "active"},
    ],
)
def test_partnership_form_refuses_bad_input(app, world, data):
    people, ids = world
    manager = client_for(app, people["manager"])
    data = {key: value.format(**ids) for key, value in data.items()}
    response = post_form(manager, "/partner/neu", {"version": "", **data})
    assert response.status_code == 422
    assert "Bitte prüfen Sie Ihre Angaben" in response.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Partnership)) == 2


def test_manager_creates_and_ends_a_link_which_stays_as_history(app, world):
    people, ids = world
    manager = client_for(app, people["manager"])
    url = f"/partner/{ids['a']}/kooperationen/neu"
    response = post_form(
        manager, url, {"group_id": str(ids["public"]), "actor": "", "about": "Fachkräftemesse", "since": "2025-03-01"}
    )
    assert response.status_code == 302
    group_page = manager.get(f"/arbeitskreise/{ids['public']}")
    assert "Partnerorganisationen" in group_page.text and "Fachkräftemesse" in group_page.text
    with app.app_context():
        link = db.session.scalar(select(PartnerLink).where(PartnerLink.about == "Fachkräftemesse"))
        link_id = link.id
    token = csrf_token_from(manager.get(f"/partner/{ids['a']}").text)
    end = manager.post(f"/partner/{ids['a']}/kooperationen/{link_id}/beenden", data={"csrf_token": token})
    assert end.status_code == 302
    page = manager.get(f"/partner/{ids['a']}")
    assert "Fachkräftemesse" in page.text and "beendet am" in page.text
    again = manager.post(f"/partner/{ids['a']}/kooperationen/{link_id}/beenden", data={"csrf_token": token})
    assert again.status_code == 404
    wrong_partner = manager.post(f"/partner/{ids['b']}/kooperationen/{link_id}/beenden", data={"csrf_token": token})
    assert wrong_partner.status_code == 404
    with app.app_context():
        assert db.session.get(PartnerLink, link_id).ended_on == clock.today()
        assert {"partner.link_created", "partner.link_ended"} <= set(db.session.scalars(select(AuditEntry.action)))


def test_a_link_to_an_actor_is_picked_by_name(app, world):
    """The actor is typed (the form lists no actors); the partner's own actor cannot be picked."""
    people, ids = world
    manager = client_for(app, people["manager"])
    url = f"/partner/{ids['a']}/kooperationen/neu"
    assert "Zielakteur GmbH" not in manager.get(url).text
    data = {"group_id": "", "actor": "zielakteur", "about": "Ausbildungsverbund", "since": "2025-03-01"}
    assert post_form(manager, url, data).status_code == 302
    with app.app_context():
        link = db.session.scalar(select(PartnerLink).where(PartnerLink.about == "Ausbildungsverbund"))
        assert link.actor_id == ids["target"] and link.group_id is None


def test_link_form_refuses_bad_input_with_german_messages(app, world):
    people, ids = world
    manager = client_for(app, people["manager"])
    url = f"/partner/{ids['a']}/kooperationen/neu"
    for data in (
        {"group_id": "", "actor": "", "about": "", "since": ""},
        {"group_id": "999999", "about": "x", "since": "2025-01-01"},
        {"actor": "Zielakteur GmbH", "about": "Na\x00me", "since": "gestern"},
        {"group_id": str(ids["public"]), "actor": "Zielakteur GmbH", "about": "x", "since": "2025-01-01"},  # both
        {"actor": "Metropolregion A", "about": "x", "since": "2025-01-01"},  # the partner itself
    ):
        response = post_form(manager, url, data)
        assert response.status_code == 422, data
        assert "Bitte prüfen Sie Ihre Angaben" in response.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PartnerLink)) == 2


def test_actor_page_shows_the_partnership_and_links_both_ways(app, world):
    people, ids = world
    manager = client_for(app, people["manager"])
    page = manager.get(f"/akteure/{ids['actor_b']}")
    assert "Partnerschaft und Kooperationen" in page.text and "Zielakteur GmbH" in page.text
    target = client_for(app, None).get(f"/akteure/{ids['target']}")
    # B is not public: its link to the target is not shown to visitors
    assert "Flughafen B" not in target.text
    assert "Flughafen B" in manager.get(f"/akteure/{ids['target']}").text


# --- The list and what each viewer sees ------------------------------------------------------------------


def test_visitors_see_public_partners_and_only_their_public_fields(app, world):
    _, ids = world
    visitor = client_for(app, None)
    listing = visitor.get("/partner/")
    assert "Metropolregion A" in listing.text and "Flughafen B" not in listing.text
    assert "Angebote A" not in listing.text  # offers are internal for A
    assert "AK Intern" not in listing.text  # the link to an internal group stays internal
    detail = visitor.get(f"/partner/{ids['a']}")
    assert "Öffentliche Beschreibung A" in detail.text and "https://a.example.org" in detail.text
    assert "Marienplatz" not in detail.text and "Greta A" not in detail.text and "Angebote A" not in detail.text
    assert visitor.get(f"/partner/{ids['b']}").status_code == 404


def test_fields_kept_internal_are_hidden_on_the_actor_page_too(app, world):
    people, ids = world
    with app.app_context():
        db.session.get(Partnership, ids["a"]).public_fields = []
        db.session.commit()
    visitor = client_for(app, None).get(f"/akteure/{ids['actor_a']}")
    assert visitor.status_code == 200
    assert "Öffentliche Beschreibung A" not in visitor.text and "https://a.example.org" not in visitor.text
    member = client_for(app, people["member"]).get(f"/akteure/{ids['actor_a']}")
    assert "Öffentliche Beschreibung A" in member.text and "https://a.example.org" in member.text


def test_ended_partnership_is_gone_for_visitors_but_kept_for_the_manager(app, world):
    people, ids = world
    with app.app_context():
        db.session.get(Partnership, ids["a"]).status = "ended"
        db.session.commit()
    assert client_for(app, None).get(f"/partner/{ids['a']}").status_code == 404
    assert "Metropolregion A" not in client_for(app, None).get("/partner/").text
    assert client_for(app, people["manager"]).get(f"/partner/{ids['a']}").status_code == 200
    assert client_for(app, people["partner_a"]).get("/partner/profil").status_code == 200


def test_manager_sees_everything_and_filters_by_type_and_status(app, world):
    people, ids = world
    manager = client_for(app, people["manager"])
    listing = manager.get("/partner/")
    assert "Flughafen B" in listing.text and "Angebote A" in listing.text and "AK Intern" in listing.text
    only_airports = manager.get("/partner/?art=flughafen")
    assert "Flughafen B" in only_airports.text and "Metropolregion A" not in only_airports.text
    assert "Metropolregion A" not in manager.get("/partner/?status=dormant").text
    assert manager.get("/partner/?art=%00&status=x" + "y" * 500).status_code == 200


def test_partner_list_queries_do_not_grow_with_partners(app, world, make_actor):
    people, ids = world
    manager = client_for(app, people["manager"])
    few = count_queries(app, manager, "/partner/")
    with app.app_context():
        for n in range(15):
            actor = factories.actor(name=f"Partner {n}", is_public=True, kind="partner")
            factories.partner_link(factories.partnership(actor), group=ids["public"], about="x")
        db.session.commit()
    assert count_queries(app, manager, "/partner/") == few


# --- Groups and meetings for linked partners (issue 4) --------------------------------------------------


def test_linked_partner_sees_the_internal_group_but_not_its_meetings_unless_allowed(app, world):
    people, ids = world
    partner_a = client_for(app, people["partner_a"])
    partner_b = client_for(app, people["partner_b"])
    assert partner_a.get(f"/arbeitskreise/{ids['internal']}").status_code == 200
    assert "AK Intern" in partner_a.get("/arbeitskreise/").text
    assert partner_b.get(f"/arbeitskreise/{ids['internal']}").status_code == 404
    assert "AK Intern" not in partner_b.get("/arbeitskreise/").text
    assert partner_a.get(f"/termine/{ids['meeting']}").status_code == 404
    assert "Sitzung Intern" not in partner_a.get("/termine/").text
    start = partner_a.get("/")
    assert "AK Intern" in start.text and "Kooperation Ihrer Organisation" in start.text
    with app.app_context():
        db.session.get(WorkingGroup, ids["internal"]).partners_see_meetings = True
        db.session.commit()
    group_page = partner_a.get(f"/arbeitskreise/{ids['internal']}")
    assert "Sitzung Intern" in group_page.text
    assert "Mia Member" not in group_page.text  # the members list stays for members
    assert partner_a.get(f"/termine/{ids['meeting']}").status_code == 200
    assert "Sitzung Intern" in partner_a.get("/termine/").text and "Sitzung Intern" in partner_a.get("/").text
    assert partner_b.get(f"/termine/{ids['meeting']}").status_code == 404
    assert "Sitzung Intern" not in partner_b.get("/termine/").text
    assert "Sitzung Intern" not in client_for(app, people["member"]).get("/termine/").text  # not invited
    with app.app_context():
        db.session.scalar(select(PartnerLink).where(PartnerLink.group_id == ids["internal"])).ended_on = clock.today()
        db.session.commit()
    assert partner_a.get(f"/arbeitskreise/{ids['internal']}").status_code == 404
    assert partner_a.get(f"/termine/{ids['meeting']}").status_code == 404


def test_group_form_sets_the_partner_flag(app, world):
    people, ids = world
    manager = client_for(app, people["manager"])
    with app.app_context():
        version = db.session.get(WorkingGroup, ids["internal"]).version
    data = {"name": "AK Intern", "field_of_action_id": "", "partners_see_meetings": "y", "version": version}
    assert post_form(manager, f"/arbeitskreise/{ids['internal']}/bearbeiten", data).status_code == 302
    with app.app_context():
        assert db.session.get(WorkingGroup, ids["internal"]).partners_see_meetings is True


# --- Actor list filter (issue 3) ------------------------------------------------------------------------


def test_actor_filter_has_partner_link(app, world):
    people, ids = world
    manager = client_for(app, people["manager"])
    page = manager.get("/akteure/?kooperation=1")
    # A is linked to a group, B to the target actor: partners with links and the actors they are linked to
    assert "Metropolregion A" in page.text and "Flughafen B" in page.text and "Zielakteur" in page.text
    assert "3 Akteure gefunden" in page.text
    with app.app_context():
        for link in db.session.scalars(select(PartnerLink)):
            link.ended_on = clock.today()
        db.session.commit()
    assert "0 Akteure gefunden" in manager.get("/akteure/?kooperation=1").text


def test_actor_filter_counts_only_links_the_viewer_may_see(app, world):
    """A's only link is to an internal group, B is internal: visitors learn of neither through the filter."""
    people, ids = world
    visitor = client_for(app, None).get("/akteure/?kooperation=1")
    assert "0 Akteure gefunden" in visitor.text  # nor of B's link: B is not public
    linked = client_for(app, people["partner_a"]).get("/akteure/?kooperation=1")
    assert "Metropolregion A" in linked.text
    own = client_for(app, people["partner_b"]).get("/partner/")
    assert "Flughafen B" in own.text and "Metropolregion A" in own.text  # its own internal one, and the public one


def test_actor_filter_queries_stay_constant(app, world):
    people, ids = world
    manager = client_for(app, people["manager"])
    few = count_queries(app, manager, "/akteure/?kooperation=1")
    with app.app_context():
        partnership = db.session.get(Partnership, ids["b"])
        for n in range(30):
            factories.partner_link(partnership, actor=factories.actor(name=f"Ziel {n}", is_public=True), about="x")
        db.session.commit()
    assert count_queries(app, manager, "/akteure/?kooperation=1") == few


# --- Self-service ---------------------------------------------------------------------------------------


class FormValues(HTMLParser):
    """The values a browser would send for the page's form (inputs, checked boxes, textareas)."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, list[str]] = {}
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("file", "submit"):
            if attrs.get("type") == "checkbox" and "checked" not in attrs:
                return
            self.values.setdefault(name, []).append(
                attrs.get("value") or ("y" if attrs.get("type") == "checkbox" else "")
            )
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = [""]

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea:
            self.values[self._textarea][0] = self.values[self._textarea][0].strip("\n")
            self._textarea = None


def profile_data(client, **changes) -> dict:
    """The profile form as it is rendered, with changes."""
    parser = FormValues()
    parser.feed(client.get("/partner/profil").text)
    data = {
        name: values if len(values) > 1 or name == "public_fields" else values[0]
        for name, values in parser.values.items()
    }
    data.update(changes)
    return data


def test_partner_edits_its_own_organisation_and_it_is_audited(app, world):
    people, ids = world
    partner = client_for(app, people["partner_a"])
    page = partner.get("/partner/profil")
    assert page.status_code == 200 and "Metropolregion A" in page.text
    data = profile_data(
        partner, description="Neue Beschreibung", offers="Mobilitätsberatung", public_fields=["description", "offers"]
    )
    response = partner.post("/partner/profil", data=data)
    assert response.status_code == 302, response.text
    with app.app_context():
        actor = db.session.get(Actor, ids["actor_a"])
        partnership = db.session.get(Partnership, ids["a"])
        assert actor.description == "Neue Beschreibung" and partnership.offers == "Mobilitätsberatung"
        assert partnership.public_fields == ["description", "offers"]
        assert partnership.profile_updated_at is not None
        assert [c.name for c in actor.contacts] == ["Greta A"]
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "partner.profile_updated"))
        assert entry.actor_id == people["partner_a"].id and entry.target_id == ids["actor_a"]
        assert set(entry.changes) == {"description", "offers", "public_fields"}
    assert "Mobilitätsberatung" in client_for(app, None).get("/partner/").text


def test_forged_fields_never_reach_another_organisation(app, world):
    """The form has no organisation field; a forged actor_id, partnership_id or another partner's contact id
    changes nothing at the other organisation."""
    people, ids = world
    partner = client_for(app, people["partner_a"])
    data = profile_data(
        partner,
        description="Von A",
        actor_id=ids["actor_b"],
        partnership_id=ids["b"],
        **{"contacts-1-id": ids["contact_b"], "contacts-1-name": "Übernommen"},
    )
    assert partner.post("/partner/profil", data=data).status_code == 302
    with app.app_context():
        b = db.session.get(Actor, ids["actor_b"])
        assert b.description == "Interne Beschreibung B" and [c.name for c in b.contacts] == ["Bruno B"]
        assert db.session.get(ContactPerson, ids["contact_b"]).actor_id == ids["actor_b"]
        assert db.session.get(Actor, ids["actor_a"]).description == "Von A"


def test_partner_cannot_use_any_other_partner_route_with_another_partners_id(app, world):
    people, ids = world
    partner = client_for(app, people["partner_a"])
    token = csrf_token_from(partner.get("/partner/profil").text)
    with app.app_context():
        link_b = db.session.scalar(select(PartnerLink.id).where(PartnerLink.partnership_id == ids["b"]))
        entry_b = db.session.scalar(select(AuditEntry.id).where(AuditEntry.target_id == ids["actor_b"]))
    forbidden = [
        ("GET", f"/partner/{ids['b']}/bearbeiten"),
        ("POST", f"/partner/{ids['b']}/bearbeiten"),
        ("GET", f"/partner/{ids['b']}/kooperationen/neu"),
        ("POST", f"/partner/{ids['b']}/kooperationen/{link_b}/beenden"),
        ("POST", f"/partner/{ids['b']}/aktualisierung-anfragen"),
        ("POST", f"/partner/aenderungen/{entry_b}/rueckgaengig"),
        ("GET", "/partner/aenderungen"),
        ("GET", "/partner/neu"),
    ]
    for method, url in forbidden:
        assert partner.open(url, method=method, data={"csrf_token": token}).status_code == 403, url
    assert partner.get(f"/partner/{ids['b']}").status_code == 404
    assert partner.get(f"/partner/{ids['b']}/logo").status_code == 404
    assert partner.get(f"/akteure/{ids['actor_b']}").status_code == 404
    own_internal = client_for(app, people["partner_b"]).get(f"/akteure/{ids['actor_b']}")
    assert own_internal.status_code == 200 and "Bruno B" in own_internal.text  # assigned, not a contact person
    assert "Flughafen B" in client_for(app, people["partner_b"]).get("/akteure/").text
    own = partner.get(f"/akteure/{ids['actor_a']}")
    assert own.status_code == 200 and "Greta A" in own.text  # its own internals
    with app.app_context():
        assert db.session.get(PartnerLink, link_b).ended_on is None


def test_partner_without_organisation_and_other_roles_have_no_profile(app, world):
    people, _ = world
    assert client_for(app, people["loose_partner"]).get("/partner/profil").status_code == 404
    assert client_for(app, people["member"]).get("/partner/profil").status_code == 403
    assert client_for(app, people["manager"]).get("/partner/profil").status_code == 403


def test_stale_profile_form_keeps_the_typed_values(app, world):
    people, ids = world
    partner = client_for(app, people["partner_a"])
    data = profile_data(partner, description="Mein Text")
    with app.app_context():
        db.session.get(Actor, ids["actor_a"]).version += 1
        db.session.commit()
    response = partner.post("/partner/profil", data=data)
    assert response.status_code == 422
    assert "inzwischen von jemand anderem geändert" in response.text and "Mein Text" in response.text


@pytest.mark.parametrize(
    "changes",
    [
        {"description": "Na\x00me"},
        {"website": "kein link"},
        {"postal_code": "123"},
        {"contacts-0-name": "", "contacts-0-email": "x@example.org"},
        {"offers": "x" * 5001},
    ],
)
def test_bad_profile_input_is_refused_and_nothing_changes(app, world, changes):
    people, ids = world
    partner = client_for(app, people["partner_a"])
    response = partner.post("/partner/profil", data=profile_data(partner, **changes))
    assert response.status_code == 422
    assert "Bitte prüfen Sie Ihre Angaben" in response.text
    with app.app_context():
        assert db.session.get(Actor, ids["actor_a"]).description == "Öffentliche Beschreibung A"


# --- Logo ------------------------------------------------------------------------------------------------


def png_with_metadata(size=(60, 30)) -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Geheime Person")
    out = io.BytesIO()
    Image.new("RGB", size, "red").save(out, "PNG", pnginfo=info)
    return out.getvalue()


def jpeg_with_exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "Kamera Hersteller"  # Make
    exif[0x013B] = "Geheime Person"  # Artist
    out = io.BytesIO()
    Image.new("RGB", (50, 50), "blue").save(out, "JPEG", exif=exif)
    return out.getvalue()


def upload(client, content: bytes, filename: str, **changes):
    data = profile_data(client, **changes)
    data["logo"] = (io.BytesIO(content), filename)
    return client.post("/partner/profil", data=data, content_type="multipart/form-data")


@pytest.mark.parametrize(
    "content, filename, mimetype",
    [(png_with_metadata(), "logo.png", "image/png"), (jpeg_with_exif(), "logo.jpg", "image/jpeg")],
)
def test_logo_is_re_encoded_without_metadata_and_served_by_visibility(app, world, content, filename, mimetype):
    people, ids = world
    partner = client_for(app, people["partner_a"])
    assert Image.open(io.BytesIO(content)).info or Image.open(io.BytesIO(content)).getexif()
    response = upload(partner, content, filename, public_fields=["description"])  # logo internal
    assert response.status_code == 302, response.text
    served = partner.get(f"/partner/{ids['a']}/logo")
    assert served.status_code == 200 and served.mimetype == mimetype
    assert b"Geheime Person" not in served.data and b"Kamera" not in served.data
    image = Image.open(io.BytesIO(served.data))
    assert not image.getexif() and "Author" not in image.info
    assert client_for(app, None).get(f"/partner/{ids['a']}/logo").status_code == 404  # internal logo
    assert client_for(app, people["member"]).get(f"/partner/{ids['a']}/logo").status_code == 200
    assert client_for(app, people["partner_b"]).get(f"/partner/{ids['a']}/logo").status_code == 404
    with app.app_context():
        db.session.get(Partnership, ids["a"]).public_fields = ["logo"]
        db.session.commit()
    assert client_for(app, None).get(f"/partner/{ids['a']}/logo").status_code == 200


def test_the_change_log_says_new_logo_not_a_file_number(app, world):
    people, _ids = world
    partner = client_for(app, people["partner_a"])
    assert upload(partner, png_with_metadata(), "logo.png").status_code == 302
    assert upload(partner, jpeg_with_exif(), "logo.jpg").status_code == 302
    log = " ".join(client_for(app, people["manager"]).get("/partner/aenderungen").text.split())
    assert "Logo: – → neues Logo" in log and "Logo: bisheriges Logo → neues Logo" in log, log


def big_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (5000, 10), "white").save(out, "PNG")
    return out.getvalue()


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.mark.parametrize(
    "content, filename, message",
    [
        (SVG, "logo.svg", "PNG- oder JPEG-Bild"),
        (SVG, "logo.png", "PNG- oder JPEG-Bild"),  # disguised
        (b"GIF89a" + b"\x00" * 100, "logo.png", "PNG- oder JPEG-Bild"),
        (b"\x89PNG\r\n\x1a\n" + b"kaputt" * 50, "logo.png", "kein lesbares"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * (2 * 1024 * 1024 + 10), "logo.png", "höchstens 2 MB"),
        (big_png(), "logo.png", "4000 × 4000 Pixel"),
    ],
)
def test_wrong_uploads_are_refused_and_nothing_changes(app, world, content, filename, message):
    people, ids = world
    partner = client_for(app, people["partner_a"])
    response = upload(partner, content, filename, description="Sollte nicht gespeichert werden")
    assert response.status_code == 422
    assert message in response.text
    with app.app_context():
        assert db.session.get(Actor, ids["actor_a"]).description == "Öffentliche Beschreibung A"
        assert db.session.get(Partnership, ids["a"]).logo_id is None
        assert db.session.scalar(select(func.count()).select_from(PartnerLogo)) == 0
        assert db.session.scalar(select(func.count()).where(AuditEntry.action == "partner.profile_updated")) == 0


# --- Manager's overview and undo ------------------------------------------------------------------------


def test_manager_sees_a_partner_change_and_undoes_it(app, world):
    people, ids = world
    partner = client_for(app, people["partner_a"])
    data = profile_data(partner, description="Falsch geändert", **{"contacts-0-name": "Greta Neu"})
    partner.post("/partner/profil", data=data)
    upload(partner, png_with_metadata(), "logo.png")
    manager = client_for(app, people["manager"])
    overview = manager.get("/partner/aenderungen")
    assert (
        "geändert durch Partner" in overview.text and "Falsch geändert" in overview.text and "Anton A" in overview.text
    )
    with app.app_context():
        first, second = db.session.scalars(
            select(AuditEntry.id).where(AuditEntry.action == "partner.profile_updated").order_by(AuditEntry.id)
        ).all()
    token = csrf_token_from(overview.text)
    assert manager.post(f"/partner/aenderungen/{second}/rueckgaengig", data={"csrf_token": token}).status_code == 302
    assert manager.post(f"/partner/aenderungen/{first}/rueckgaengig", data={"csrf_token": token}).status_code == 302
    with app.app_context():
        actor = db.session.get(Actor, ids["actor_a"])
        assert actor.description == "Öffentliche Beschreibung A"
        assert [c.name for c in actor.contacts] == ["Greta A"] and actor.contacts[0].email == "greta@a.example.org"
        assert db.session.get(Partnership, ids["a"]).logo_id is None
        undone = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "partner.change_undone")).all()
        assert len(undone) == 2 and all(e.actor_id == people["manager"].id for e in undone)
    again = manager.post(
        f"/partner/aenderungen/{first}/rueckgaengig", data={"csrf_token": token}, follow_redirects=True
    )
    assert "schon rückgängig gemacht" in again.text
    history = manager.get(f"/akteure/{ids['actor_a']}")
    assert "geändert durch Partner" in history.text and "Änderung durch Partner zurückgenommen" in history.text


def test_undo_refuses_entries_that_are_not_partner_changes(app, world):
    people, ids = world
    manager = client_for(app, people["manager"])
    with app.app_context():
        other = db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == "actor.created"))
    token = csrf_token_from(manager.get("/partner/aenderungen").text)
    response = manager.post(
        f"/partner/aenderungen/{other}/rueckgaengig", data={"csrf_token": token}, follow_redirects=True
    )
    assert "Nur Änderungen durch Partner" in response.text
    assert manager.post("/partner/aenderungen/999999/rueckgaengig", data={"csrf_token": token}).status_code == 404


# --- Freshness ------------------------------------------------------------------------------------------


def test_manager_asks_for_an_update_and_the_link_leads_to_the_profile(app, world, mailbox):
    people, ids = world
    manager = client_for(app, people["manager"])
    page = manager.get("/partner/aenderungen")
    assert "Aktualität der Profile" in page.text and "noch nie" in page.text
    response = manager.post(
        f"/partner/{ids['a']}/aktualisierung-anfragen", data={"csrf_token": csrf_token_from(page.text)}
    )
    assert response.status_code == 302
    assert [m["To"] for m in mailbox.messages] == [people["partner_a"].email]
    link = mailbox.link_in(mailbox.messages[0], "/login")
    partner = app.test_client()
    login_page = partner.get(link.replace(app.config["BASE_URL"], ""))
    assert login_page.status_code == 200
    response = post_form(
        partner,
        link.replace(app.config["BASE_URL"], ""),
        {"email": people["partner_a"].email, "password": "ein langes test passwort"},
    )
    assert response.headers["Location"].endswith("/partner/profil")
    with app.app_context():
        assert db.session.get(Partnership, ids["a"]).update_requested_at is not None
        assert db.session.scalar(select(func.count()).where(AuditEntry.action == "partner.update_requested")) == 1


def test_yearly_reminder_goes_to_stale_partners_once(app, world):
    """A (a partner for more than a year, never updated) is reminded; B updated its profile ten days ago and is
    not; neither is a partner added last week, though it never updated its profile either (the scheduler's
    first start asked every such partner)."""
    from netzwerk.partners.services.freshness import send_yearly_reminders

    people, ids = world
    with app.test_request_context():
        assert send_yearly_reminders() == []  # both partners were added just now
        db.session.get(Partnership, ids["a"]).created_at = clock.now() - timedelta(days=400)
        db.session.get(Partnership, ids["b"]).created_at = clock.now() - timedelta(days=400)
        db.session.get(Partnership, ids["b"]).profile_updated_at = clock.now() - timedelta(days=10)
        reminded = send_yearly_reminders()
        db.session.commit()
        assert [user.email for user in reminded] == [people["partner_a"].email]
        assert send_yearly_reminders() == []


def test_scheduler_job_queues_reminders_with_a_login_link(app, world, mailbox):
    from netzwerk.mail.models import OutgoingMail
    from netzwerk.partners.services.freshness import yearly_reminder_job
    from netzwerk.scheduler import build_scheduler
    from tests.conftest import run_outbox

    people, _ = world
    assert "partner_reminders" in {job.id for job in build_scheduler(app).get_jobs()}
    with app.app_context():
        for partnership in db.session.scalars(select(Partnership)):
            partnership.created_at = clock.now() - timedelta(days=400)
        assert yearly_reminder_job() == 2  # A and B: partners for more than a year, never updated, never asked
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(OutgoingMail)) == 2
    assert run_outbox(app) == 2
    recipients = sorted(m["To"] for m in mailbox.messages)
    assert recipients == sorted([people["partner_a"].email, people["partner_b"].email])
    assert "/login?next=" in mailbox.link_in(mailbox.messages[0], "/login")


# --- Accounts: a partner user's organisation ------------------------------------------------------------


def test_manager_assigns_the_organisation_on_the_user_edit_page(app, world):
    people, ids = world
    manager = client_for(app, people["manager"])
    loose = people["loose_partner"]
    base = {"name": loose.name, "role": "partner", "organisation": "", "active": "y", "version": loose.version}
    response = post_form(manager, f"/benutzer/{loose.id}/bearbeiten", {**base, "partnership_id": ids["b"]})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(PartnerUser, loose.id).partnership_id == ids["b"]
    assert client_for(app, loose).get("/partner/profil").status_code == 200
    wrong_role = post_form(
        manager, f"/benutzer/{loose.id}/bearbeiten", {**base, "role": "member", "partnership_id": ids["b"]}
    )
    assert wrong_role.status_code == 422 and "Nur Partnerkonten" in wrong_role.text
    unknown = post_form(manager, f"/benutzer/{loose.id}/bearbeiten", {**base, "partnership_id": "99999"})
    assert unknown.status_code == 422
    moved = post_form(manager, f"/benutzer/{loose.id}/bearbeiten", {**base, "partnership_id": ids["a"]})
    assert moved.status_code == 302
    with app.app_context():
        assert db.session.scalars(select(PartnerUser.partnership_id).where(PartnerUser.user_id == loose.id)).all() == [
            ids["a"]
        ]
        assert db.session.scalar(select(func.count()).where(AuditEntry.action == "partner.user_assigned")) == 2


# --- The rules live in the partners services (unit of work, issue 16) -----------------------------------


def test_an_actor_made_partner_twice_at_once_is_a_conflict_not_a_500(app, make_actor):
    """The form offers only actors without a partnership; two saves at the same moment both pass that, and the
    unique actor refuses the second: save_partnership names the reason as a Conflict, and nothing stays."""
    from netzwerk.errors import Conflict
    from netzwerk.partners.services.partnerships import PartnershipData, save_partnership

    actor = make_actor(name="Doppelklick e.V.", kind="association")
    with app.test_request_context():
        save_partnership(None, PartnershipData(type="chamber"), db.session.get(Actor, actor.id))
        db.session.commit()
    with app.test_request_context():
        with pytest.raises(Conflict) as refused:
            save_partnership(None, PartnershipData(type="other"), db.session.get(Actor, actor.id))
        assert str(refused.value.message) == "Diese Organisation ist bereits Partnerorganisation."
    with app.app_context():
        assert db.session.scalars(select(Partnership.type).where(Partnership.actor_id == actor.id)).all() == ["chamber"]
        assert db.session.scalar(select(func.count()).where(AuditEntry.action == "partner.created")) == 1


def test_only_a_partners_change_can_be_undone(app, world):
    from netzwerk.errors import NotAllowed
    from netzwerk.partners.services.profile import undo_change

    with app.test_request_context():
        not_a_partner_change = db.session.scalar(
            select(AuditEntry).where(AuditEntry.action != "partner.profile_updated")
        )
        with pytest.raises(NotAllowed):
            undo_change(not_a_partner_change)


def test_the_new_partnership_picker_suggests_only_actors_without_a_partnership(app, world):
    people, _ = world
    manager = client_for(app, people["manager"])
    assert manager.get("/partner/neu/akteure?q=Ziel").json == {"vorschlaege": ["Zielakteur GmbH"]}
    assert manager.get("/partner/neu/akteure?q=Metropolregion").json == {"vorschlaege": []}  # already a partner
    page = manager.get("/partner/neu").text
    assert 'data-picker="/partner/neu/akteure"' in page and "Zielakteur GmbH" not in page  # no list of actors
