"""The actor registry: the manager's working list, the public directory, and what each role sees."""

import re

import pytest
from sqlalchemy import insert, select

from netzwerk.actors.models import Actor, FieldOfAction, Municipality
from netzwerk.actors.search import search_text
from netzwerk.actors.services import StillReferenced, delete_actor, normalise_name
from netzwerk.audit.models import AuditEntry
from netzwerk.extensions import db
from tests import factories
from tests.conftest import count_queries, post_form


def municipality_id(app, name):
    with app.app_context():
        return db.session.scalar(select(Municipality.id).where(Municipality.name == name))


def field_id(app, short_name):
    with app.app_context():
        return db.session.scalar(select(FieldOfAction.id).where(FieldOfAction.short_name == short_name))


def actor_form_data(app, **changes):
    data = {
        "name": "Faserwerk Niederbayern GmbH",
        "kind": "company",
        "municipality_id": str(municipality_id(app, "Ergolding")),
        "street": "Hauptstraße 1",
        "postal_code": "84030",
        "website": "https://faserwerk.example.de",
        "email": "info@faserwerk.example.de",
        "phone": "0871 123 45",
        "description": "Leichtbau mit Carbonfasern für die Luftfahrt.",
        "sectors": "Leichtbau und Faserverbund, Luft- und Raumfahrt",
        "fields_of_action": [str(field_id(app, "Wissen und Technologie")), str(field_id(app, "Innovation"))],
        "is_public": "y",
        "contacts-0-name": "Greta Gruber",
        "contacts-0-function": "Geschäftsführerin",
        "contacts-0-email": "g.gruber@faserwerk.example.de",
        "contacts-0-phone": "",
        "contacts-1-name": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_reference_data_is_loaded_by_the_migrations(app):
    with app.app_context():
        assert db.session.query(Municipality).count() == 36
        city = db.session.scalar(select(Municipality).where(Municipality.ags == "09261000"))
        assert city.area == "city" and city.name == "Landshut"
        fields = db.session.scalars(select(FieldOfAction).order_by(FieldOfAction.position)).all()
        assert [f.short_name for f in fields] == [
            "Zuzugsregion",
            "Wissen und Technologie",
            "Metropolregion und Regensburg",
            "Fachkräfte",
            "Vernetzung",
            "Innovation",
            "Stadt-Umland",
        ]
        assert all(f.foerla_field for f in fields)


def test_manager_creates_an_actor_and_sees_its_history(app, as_role):
    manager, _ = as_role("admin")
    response = post_form(manager, "/akteure/neu", actor_form_data(app))
    assert response.status_code == 302, response.text
    detail = manager.get(response.headers["Location"]).text
    for text in (
        "Faserwerk Niederbayern GmbH",
        "Markt Ergolding",
        "Landkreis Landshut",
        "Greta Gruber",
        "g.gruber@faserwerk.example.de",
        "Leichtbau und Faserverbund",
        "Akteur angelegt",
    ):
        assert text in detail, text
    with app.app_context():
        actor = db.session.scalar(select(Actor))
        assert actor.name_key == "faserwerk niederbayern"
        assert [c.source for c in actor.contacts] == ["Eingabe Regionalmanagement"]
        assert "greta gruber" in actor.contact_search and "greta" not in actor.search_document


def test_editing_records_the_changes_and_detects_concurrent_edits(app, as_role, make_actor):
    manager, _ = as_role("admin")
    colleague, _ = as_role("admin")
    actor = make_actor(name="Alte Brauerei e.V.", kind="association")
    form = actor_form_data(app, name="Alte Brauerei e.V.", kind="association", version="1")
    assert post_form(colleague, f"/akteure/{actor.id}/bearbeiten", {**form, "phone": "0871 1"}).status_code == 302
    response = post_form(manager, f"/akteure/{actor.id}/bearbeiten", {**form, "description": "Mein Text"})
    assert response.status_code == 422
    assert "inzwischen von jemand anderem geändert" in response.text and "Mein Text" in response.text
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "actor.updated"))
        assert entry.changes["phone"] == ["", "0871 1"]


def test_a_duplicate_is_offered_before_it_is_created(app, as_role, make_actor):
    manager, _ = as_role("admin")
    existing = make_actor(name="Faserwerk Niederbayern GmbH", municipality_id=municipality_id(app, "Ergolding"))
    data = actor_form_data(app, name="FASERWERK Niederbayern")
    response = post_form(manager, "/akteure/neu", data)
    assert response.status_code == 422
    assert "Mögliche Dublette" in response.text and f"/akteure/{existing.id}" in response.text
    assert post_form(manager, "/akteure/neu", {**data, "confirm_duplicate": "y"}).status_code == 302
    with app.app_context():
        assert db.session.query(Actor).count() == 2


@pytest.mark.parametrize(
    "name, key",
    [
        ("Müller & Söhne GmbH & Co. KG", "muller sohne"),
        ("  Wirtschaftsjunioren Landshut e. V. ", "wirtschaftsjunioren landshut"),
    ],
)
def test_name_normalisation(name, key):
    assert normalise_name(name) == key


def test_form_errors_keep_the_input(app, as_role):
    manager, _ = as_role("admin")
    data = actor_form_data(app, name="", postal_code="8403", website="faserwerk", **{"contacts-1-email": "x@y.de"})
    response = post_form(manager, "/akteure/neu", data)
    assert response.status_code == 422
    for message in (
        "Bitte geben Sie den Namen der Organisation ein.",
        "fünf Ziffern",
        "https://www.beispiel.de",
        "Jede Ansprechperson braucht einen Namen.",
    ):
        assert message in response.text, message
    assert "Leichtbau mit Carbonfasern" in response.text


# --- Search, filters, sorting -------------------------------------------------------------------------


@pytest.fixture
def registry(app, make_actor):
    landshut, ergolding = municipality_id(app, "Landshut"), municipality_id(app, "Ergolding")
    innovation = field_id(app, "Innovation")
    make_actor(
        name="Brauerei Wittmann",
        kind="company",
        municipality_id=landshut,
        is_public=True,
        description="Bier seit 1600",
        sectors=["Lebensmittel"],
    )
    make_actor(
        name="Müller Maschinenbau",
        kind="company",
        municipality_id=ergolding,
        is_public=True,
        sectors=["Maschinenbau"],
        field_of_action_ids=[innovation],
    )
    make_actor(
        name="Schulverbund Ergolding",
        kind="education",
        municipality_id=ergolding,
        contacts=[{"name": "Xaver Zellner", "email": "x@schule.example.de"}],
    )


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"q": "bier"}, ["Brauerei Wittmann"]),
        ({"q": "MULLER"}, ["Müller Maschinenbau"]),
        ({"q": "maschinen"}, ["Müller Maschinenbau"]),
        ({"q": "zellner"}, ["Schulverbund Ergolding"]),
        ({"q": "schul ergold"}, ["Schulverbund Ergolding"]),
        ({"q": '"; DROP TABLE actor; --'}, []),
        ({"art": "education"}, ["Schulverbund Ergolding"]),
        ({"gebiet": "city"}, ["Brauerei Wittmann"]),
        ({"gebiet": "county", "sortierung": "ort"}, ["Müller Maschinenbau", "Schulverbund Ergolding"]),
        ({"branche": "maschinenbau"}, ["Müller Maschinenbau"]),
        ({"art": "unsinn", "gemeinde": "x", "page": "9"}, []),
    ],
)
def test_search_and_filters(app, as_role, registry, query, expected):
    manager, _ = as_role("admin")
    if "handlungsfeld" in query:
        query["handlungsfeld"] = field_id(app, query["handlungsfeld"])
    page = manager.get("/akteure/", query_string=query).text
    names = ["Brauerei Wittmann", "Müller Maschinenbau", "Schulverbund Ergolding"]
    found = [name for name in names if f">{name}</a>" in page]
    if query.get("page"):
        assert found == [] and "3 Akteure gefunden" in page
        return
    assert found == expected or sorted(found) == sorted(expected)
    assert f"{len(expected)} Akteur" in page


@pytest.mark.parametrize(
    "query, expected",
    [
        ("Mueller", {"Müller Präzision GmbH", "Mueller Consulting"}),
        ("Mueller GmbH", {"Müller Präzision GmbH"}),
        ("Müller", {"Müller Präzision GmbH", "Mueller Consulting"}),
        ("muller", {"Müller Präzision GmbH"}),
        ("MÜLLER consult", {"Mueller Consulting"}),
        ("Praezision", {"Müller Präzision GmbH"}),
        ("präz", {"Müller Präzision GmbH"}),
        ("Strasse", {"Straßenbau Ergolding"}),
        ("straßenb", {"Straßenbau Ergolding"}),
        ("Cafe", {"Café Übersee"}),
        ("Uebersee", {"Café Übersee"}),
    ],
)
def test_search_finds_what_people_type_without_umlauts(app, as_role, make_actor, query, expected):
    """On both databases, in the registry and in the public directory: umlauts written out ("ue") or left off
    find the umlaut, and the umlaut finds the written-out name."""
    names = ("Müller Präzision GmbH", "Mueller Consulting", "Straßenbau Ergolding", "Café Übersee")
    for name in names:
        make_actor(name=name, is_public=True)
    for client in (app.test_client(), as_role("admin")[0]):
        page = client.get("/akteure/", query_string={"q": query}).text
        found = {name for name in names if f">{name}</a>" in page}
        assert found == expected, (query, page[-2000:])


def test_filter_by_field_of_action_and_municipality(app, as_role, registry):
    manager, _ = as_role("admin")
    page = manager.get("/akteure/", query_string={"handlungsfeld": field_id(app, "Innovation")}).text
    assert "1 Akteur gefunden" in page and "Müller Maschinenbau" in page
    page = manager.get("/akteure/", query_string={"gemeinde": municipality_id(app, "Ergolding")}).text
    assert "2 Akteure gefunden" in page


def test_filters_travel_in_pagination_links(app, as_role, make_actor):
    manager, _ = as_role("admin")
    for n in range(30):
        make_actor(name=f"Firma {n:02d}", municipality_id=municipality_id(app, "Essenbach"))
    page = manager.get("/akteure/", query_string={"q": "firma", "gebiet": "county"}).text
    assert "30 Akteure gefunden" in page
    assert "page=2" in page and "gebiet=county" in page and "q=firma" in page


def test_archive_restore_and_delete(app, as_role, make_actor):
    manager, _ = as_role("admin")
    actor = make_actor(name="Kurzlebig GmbH")
    post_form(manager, f"/akteure/{actor.id}/archivieren", {}, get_url=f"/akteure/{actor.id}", follow_redirects=True)
    assert ">Kurzlebig GmbH</a>" not in manager.get("/akteure/").text
    assert ">Kurzlebig GmbH</a>" in manager.get("/akteure/?archiv=1").text
    post_form(manager, f"/akteure/{actor.id}/archivieren", {}, get_url=f"/akteure/{actor.id}", follow_redirects=True)
    assert ">Kurzlebig GmbH</a>" in manager.get("/akteure/").text
    response = post_form(manager, f"/akteure/{actor.id}/loeschen", {})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Actor, actor.id) is None
        actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.target_id == actor.id)).all()
    assert actions[-1] == "actor.deleted"


def test_an_actor_in_use_can_only_be_archived(app, as_role, make_actor, make_user):
    manager, _ = as_role("admin")
    person = make_user(name="Konto Inhaberin")
    actor = make_actor(name="Verbunden e.V.", contacts=[{"name": "Konto Inhaberin"}])
    with app.app_context():
        db.session.get(Actor, actor.id).contacts[0].user_id = person.id
        db.session.commit()
    response = post_form(manager, f"/akteure/{actor.id}/loeschen", {})
    assert response.status_code == 409 and "nur archiviert werden" in response.text
    with app.app_context():
        assert db.session.get(Actor, actor.id) is not None


# --- Roles ----------------------------------------------------------------------------------------------


@pytest.fixture
def visibility(app, make_actor, make_user):
    partner = make_user(role="partner", name="Pia Partner")
    consenting = make_user(role="member", name="Zeigt Gern", share_contact_details=True)
    public = make_actor(
        name="Offen AG",
        is_public=True,
        email="offen@example.de",
        contacts=[{"name": "Olga Offen", "email": "olga@example.de"}],
    )
    internal = make_actor(
        name="Intern GmbH",
        contacts=[
            {"name": "Ida Intern", "email": "ida@example.de"},
            {"name": "Zeigt Gern", "email": "zeigt@example.de"},
        ],
    )
    own = make_actor(name="Partner Eigen e.V.", contacts=[{"name": "Pia Partner", "email": "pia@example.de"}])
    archived = make_actor(name="Vergangen KG", is_public=True)
    with app.app_context():
        db.session.get(Actor, own.id).contacts[0].user_id = partner.id
        db.session.get(Actor, internal.id).contacts[1].user_id = consenting.id
        from netzwerk import clock

        db.session.get(Actor, archived.id).archived_at = clock.now()
        db.session.commit()
    return {"partner": partner, "public": public, "internal": internal, "own": own, "archived": archived}


def names_on(page):
    return {name for name in ("Offen AG", "Intern GmbH", "Partner Eigen e.V.", "Vergangen KG") if name in page}


def test_visitors_see_the_public_directory_without_personal_data(client, visibility):
    page = client.get("/akteure/").text
    assert names_on(page) == {"Offen AG"}
    detail = client.get(f"/akteure/{visibility['public'].id}").text
    assert "Offen AG" in detail and "Olga" not in detail and "offen@example.de" not in detail
    for key in ("internal", "own", "archived"):
        assert client.get(f"/akteure/{visibility[key].id}").status_code == 404


def test_members_read_the_registry_with_contact_details_only_by_consent(as_role, visibility):
    member, _ = as_role("member")
    assert names_on(member.get("/akteure/").text) == {"Offen AG", "Intern GmbH", "Partner Eigen e.V."}
    detail = member.get(f"/akteure/{visibility['internal'].id}").text
    assert "Ida Intern" in detail and "ida@example.de" not in detail
    assert "zeigt@example.de" in detail  # this person agreed
    assert "Bearbeiten" not in detail.split("<main", 1)[1]
    assert member.get(f"/akteure/{visibility['archived'].id}").status_code == 404
    assert member.get(f"/akteure/{visibility['internal'].id}/bearbeiten").status_code == 403


def test_only_registry_readers_find_actors_by_contact_names(client, as_role, visibility):
    assert "Offen AG" not in client.get("/akteure/?q=olga").text  # a visitor learns nothing about Olga
    member, _ = as_role("member")
    assert ">Offen AG</a>" in member.get("/akteure/?q=olga").text


def test_partners_see_no_internals_of_other_organisations(app, visibility):
    from tests.conftest import login

    client = app.test_client()
    login(client, visibility["partner"].email)
    detail = client.get(f"/akteure/{visibility['public'].id}").text
    assert "Offen AG" in detail and "Olga" not in detail and "offen@example.de" not in detail
    assert ">Offen AG</a>" not in client.get("/akteure/?q=olga").text


def test_partners_see_public_entries_and_their_own(app, visibility):
    from tests.conftest import login

    client = app.test_client()
    login(client, visibility["partner"].email)
    assert names_on(client.get("/akteure/").text) == {"Offen AG", "Partner Eigen e.V."}
    assert "pia@example.de" in client.get(f"/akteure/{visibility['own'].id}").text
    assert client.get(f"/akteure/{visibility['internal'].id}").status_code == 404


# --- Fields of action -----------------------------------------------------------------------------------


def test_manager_edits_a_field_of_action(app, as_role):
    manager, _ = as_role("admin")
    innovation = field_id(app, "Innovation")
    data = {
        "name": "Innovation und Digitalisierung",
        "short_name": "Innovation",
        "description": "",
        "is_cross_cutting": "y",
        "foerla_field": "competitiveness",
        "version": "1",
    }
    assert post_form(manager, f"/akteure/handlungsfelder/{innovation}", data).status_code == 302
    assert "Innovation und Digitalisierung" in manager.get("/akteure/handlungsfelder").text
    bad = post_form(manager, f"/akteure/handlungsfelder/{innovation}", {**data, "foerla_field": "quatsch"})
    assert bad.status_code == 422

    other_name = "Fachkräftesicherung und soziale Strukturen"
    taken = post_form(manager, f"/akteure/handlungsfelder/{innovation}", {**data, "name": other_name, "version": "2"})
    assert taken.status_code == 422 and "Ein anderes Handlungsfeld heißt schon so." in taken.text
    assert f'value="{other_name}"' in taken.text  # what was typed stays
    with app.app_context():
        assert db.session.get(FieldOfAction, innovation).name == "Innovation und Digitalisierung"


def test_the_service_refuses_to_delete_an_actor_in_use(app, make_actor, make_user):
    person = make_user(name="Konto Inhaberin")
    actor = make_actor(name="Verbunden e.V.", contacts=[{"name": "Konto Inhaberin"}])
    with app.test_request_context():
        stored = db.session.get(Actor, actor.id)
        stored.contacts[0].user_id = person.id
        with pytest.raises(StillReferenced) as refusal:
            delete_actor(stored)
        assert refusal.value.reasons == ["Ansprechpersonen mit Benutzerkonto: Konto Inhaberin"]


# --- Queries per page -----------------------------------------------------------------------------------


def add_actors(app, n, start=0):
    municipality_ids = [municipality_id(app, "Landshut"), municipality_id(app, "Ergolding")]
    with app.app_context():
        rows = [
            {
                "name": f"Firma {i}",
                "name_key": f"firma {i}",
                "kind": "company",
                "is_public": True,
                "municipality_id": municipality_ids[i % 2],
                "search_document": search_text(f"Firma {i}"),
                "version": 1,
            }
            for i in range(start, start + n)
        ]
        db.session.execute(insert(Actor), rows)
        db.session.commit()


def test_queries_per_list_page_do_not_grow_with_the_registry(app, as_role):
    manager, _ = as_role("admin")
    add_actors(app, 10)
    small = count_queries(app, manager, "/akteure/?q=firma")
    add_actors(app, 990, start=10)
    large = count_queries(app, manager, "/akteure/?q=firma")
    assert small == large, (small, large)
    assert small <= 12


def test_sectors_are_one_tag_per_spelling(app, as_role, make_actor):
    manager, _ = as_role("admin")
    make_actor(name="Bio A", sectors=["Ökologie"])
    make_actor(name="Bio B", sectors=["ÖKOLOGIE ", "Okologie"])
    from netzwerk.actors.models import Sector

    with app.app_context():
        assert db.session.scalars(select(Sector.name)).all() == ["Ökologie"]
    assert "2 Akteure gefunden" in manager.get("/akteure/", query_string={"branche": "ökologie"}).text


def test_after_a_conflict_saving_again_is_deliberate(app, as_role, make_actor):
    manager, _ = as_role("admin")
    colleague, _ = as_role("admin")
    actor = make_actor(name="Zweimal e.V.", kind="association")
    form = actor_form_data(app, name="Zweimal e.V.", kind="association", version="1")
    post_form(colleague, f"/akteure/{actor.id}/bearbeiten", {**form, "phone": "0871 1"})
    conflict = post_form(manager, f"/akteure/{actor.id}/bearbeiten", {**form, "phone": "0871 2"})
    assert conflict.status_code == 422 and re.search(r'name="version"[^>]*value="2"', conflict.text)
    again = post_form(manager, f"/akteure/{actor.id}/bearbeiten", {**form, "phone": "0871 2", "version": "2"})
    assert again.status_code == 302


def test_the_delete_entry_keeps_what_was_deleted(app, as_role, make_actor):
    manager, _ = as_role("admin")
    actor = make_actor(name="Weg GmbH", phone="0871 9")
    post_form(manager, f"/akteure/{actor.id}/loeschen", {})
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "actor.deleted"))
        assert entry.changes["name"] == ["Weg GmbH", None] and entry.changes["phone"] == ["0871 9", None]


def test_detail_page_queries_do_not_grow_with_contacts(app, as_role, make_actor):
    manager, _ = as_role("admin")
    few = make_actor(name="Wenig", contacts=[{"name": f"P {n}"} for n in range(2)])
    many = make_actor(name="Viel", contacts=[{"name": f"Q {n}"} for n in range(8)])
    assert count_queries(app, manager, f"/akteure/{few.id}") == count_queries(app, manager, f"/akteure/{many.id}")


def test_the_detail_page_shows_groups_and_meetings_through_the_actors_people(app, as_role, make_actor, make_user):
    from datetime import date, timedelta

    from netzwerk import clock

    actor = make_actor(name="Brauerei Wittmann", is_public=True)
    ida, otto = make_user(name="Ida Innung"), make_user(name="Otto Ohne")
    with app.app_context():
        group = factories.group(name="AK Fachkräfte", short_name="AK FK")
        secret = factories.group(name="AK Geheim")
        start = clock.now() - timedelta(days=10)
        held = factories.meeting(group, title="Herbstsitzung", starts_at=start, hours=1)
        missed = factories.meeting(group, title="Wintersitzung", starts_at=start, hours=1)
        factories.membership(group, ida, actor_id=actor.id, role="lead")
        factories.membership(secret, ida, actor_id=actor.id)
        factories.membership(group, otto, start=date(2026, 1, 1), end=date(2026, 6, 30))
        factories.invitation(held, ida, attendance="present")
        factories.invitation(missed, ida, attendance="excused")
        db.session.commit()
    manager, _ = as_role("admin")
    page = manager.get(f"/akteure/{actor.id}").text
    assert "AK Fachkräfte</a>: Ida Innung (Leitung (Sprecher:in))" in page and "AK Geheim" in page
    assert "Herbstsitzung</a> (AK FK) – Ida Innung" in page and "Wintersitzung" not in page
    assert "Otto Ohne" not in page  # he did not represent the actor
    member, _ = as_role("member")
    assert "AK Geheim" not in member.get(f"/akteure/{actor.id}").text  # an internal group stays hidden
    assert "Arbeitskreise und Sitzungen" not in app.test_client().get(f"/akteure/{actor.id}").text
