"""The network picture (issue 8): the graph against hand-counted demo data and a small hand-built network, the
filters, access and a bounded number of queries. 500 nodes drawn in Chromium: tests/test_browser.py."""

import random
import re
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from netzwerk import clock
from netzwerk.actors.models import FieldOfAction, Municipality
from netzwerk.extensions import db
from netzwerk.network_picture.services import PictureFilter, network_picture
from tests import factories
from tests.conftest import count_queries, login

URL = "/uebersicht/netzwerkbild"


def names(nodes) -> list[str]:
    return sorted(n.name for n in nodes)


# --- The demo network, counted by hand from netzwerk/demo/ ----------------------------------------------


@pytest.fixture
def demo(app, runner):
    assert runner.invoke(args=["demo"]).exit_code == 0


def test_demo_network_as_counted_by_hand(app, demo):
    """demo/groups.py: 4 groups; members represent their organisation (user.organisation), so Hochschule Landshut
    (Thomas Maier) is in AK Fachkräfte and AK Innovation, Stadt Landshut (Anna Schmid) in AK Fachkräfte,
    AK Metropolregion and the Lenkungskreis. demo/partners.py: 7 partnerships; Flughafen München is a member of
    AK Metropolregion and linked to AK Fachkräfte. demo/projects.py: 2 projects, each with one group and the same
    two actors (Regionalmanagement, Landkreis Landshut). Those are 19 links, and every one of those nodes hangs
    together (16). Apart from them: AK Digitale Kommunen (Markt Essenbach, Markt Geisenhausen, Kronhof Datenwerk,
    KI-Werkstatt Isar, Softwarehaus Zweiklang) and AK Regionalmarketing (Landhotel Sonnleiten, Brauerei Zum
    Stillen Weiher, Biohof Wiesengrund, Gewerbeverein Vilstal, Kronhof Datenwerk, Markt Geisenhausen): 11 links,
    a second cluster of 11, bridged by Kronhof Datenwerk and Markt Geisenhausen."""
    with app.app_context():
        picture = network_picture()
        assert (picture.count("arbeitskreis"), picture.count("vorhaben"), picture.count("partner")) == (6, 2, 7)
        assert len(picture.edges) == 30
        assert names(picture.bridges) == [
            "Flughafen München GmbH",
            "Hochschule Landshut",
            "Kronhof Datenwerk GmbH",
            "Markt Geisenhausen",
            "Stadt Landshut",
        ]
        stadt = next(n for n in picture.bridges if n.name == "Stadt Landshut")
        assert names(stadt.groups) == [
            "Arbeitskreis Fachkräftesicherung",
            "Arbeitskreis Metropolregion und Mobilität",
            "Lenkungskreis Regionalmanagement",
        ]
        assert [c.size for c in picture.clusters] == [16, 11]
        assert len(picture.clusters[0].groups) == 4
        unlinked = names(picture.unlinked)
        assert "Agentur für Arbeit Landshut-Pfarrkirchen" in unlinked
        assert "Handwerkskammer Niederbayern-Oberpfalz" in unlinked  # a partner without a link
        assert len(picture.nodes) == 16 + 11 + len(unlinked)


def test_demo_page_shows_figures_picture_and_tables(app, demo):
    client = app.test_client()
    assert login(client, "manager@example.org", "landshut-demo").status_code == 302
    page = client.get(URL)
    assert page.status_code == 200
    html = page.text
    assert 'role="img"' in html and "5 Brücken zwischen Arbeitskreisen" in html
    assert 'type="application/json" id="netzwerk-daten"' in html
    assert '<a href="#tabellen">' in html and 'id="tabellen"' in html
    assert "<caption>Arbeitskreise und Vorhaben mit ihren Beteiligten</caption>" in html
    data = client.get(f"{URL}.json").get_json()
    assert len(data["edges"]) == 30 and data["figures"]["clusters"] == 2
    hochschule = next(n["data"] for n in data["nodes"] if n["data"]["label"] == "Hochschule Landshut")
    assert hochschule["kind"] == "partner" and hochschule["bridge"] and hochschule["url"].startswith("/partner/")


# --- A small network built by hand ------------------------------------------------------------------------


@pytest.fixture
def small(app, make_user):
    """A (Landshut, Zuzugsregion) in G1 and G2; B (Ergolding, Wissen) in G2 and project V; C (Ergolding) only
    had an ended membership; partner P linked to G1 by a Kooperation; V (Wissen) with B and G2; G1 is
    Zuzugsregion, G2 Wissen und Technologie. An archived actor and a closed group do not appear."""
    person = make_user()
    with app.app_context():
        place = {m.name: m.id for m in db.session.scalars(select(Municipality))}
        field = {f.short_name: f for f in db.session.scalars(select(FieldOfAction))}

        def actor(name, town=None, fields=(), **extra):
            ids = [field[f].id for f in fields]
            return factories.actor(
                name=name,
                kind=extra.pop("kind", "other"),
                municipality_id=place.get(town),
                field_of_action_ids=ids,
                **extra,
            )

        a = actor("A", "Landshut", ["Zuzugsregion"])
        b = actor("B", "Ergolding", ["Wissen und Technologie"])
        c = actor("C", "Ergolding")
        p = actor("P", kind="partner")
        gone = actor("Archiviert", "Landshut", archived_at=clock.now())
        g1 = factories.group(name="G1", field_of_action_id=field["Zuzugsregion"].id)
        g2 = factories.group(name="G2", field_of_action_id=field["Wissen und Technologie"].id)
        closed = factories.group(name="Beendet", status="closed")
        long_ago = clock.today() - timedelta(days=400)
        factories.membership(g1, person, actor=a)
        factories.membership(g2, person, actor=a)
        factories.membership(g2, person, actor=b)
        factories.membership(g1, person, actor=c, start=long_ago, end=clock.today())
        factories.membership(g1, person, actor=gone)
        factories.membership(closed, person, actor=b)
        factories.partner_link(factories.partnership(p), group=g1, about="Beratung")
        factories.project(title="V", field_of_action_id=field["Wissen und Technologie"].id, actors=[b], groups=[g2])
        db.session.commit()
        return {"zuzug": field["Zuzugsregion"].id, "ergolding": place["Ergolding"], "g2": g2.id}


def edge_names(picture) -> list[str]:
    return sorted(f"{a.name}-{b.name}" for a, b, _how in picture.edges)


def test_small_network(app, small):
    with app.app_context():
        picture = network_picture()
    assert names(picture.nodes) == ["A", "B", "C", "G1", "G2", "P", "V"]
    assert edge_names(picture) == ["A-G1", "A-G2", "B-G2", "B-V", "G2-V", "P-G1"]
    assert names(picture.bridges) == ["A"]
    assert [names(c.nodes) for c in picture.clusters] == [["A", "B", "G1", "G2", "P", "V"]]
    assert names(picture.unlinked) == ["C"]
    p = next(n for n in picture.nodes if n.name == "P")
    assert p.kind == "partner"


def test_partners_linked_both_ways_are_one_edge_and_ended_links_none(app):
    with app.app_context():
        first, second, third = (factories.actor(name=n, kind="other") for n in ("Erster", "Zweiter", "Dritter"))
        p1, p2 = factories.partnership(first), factories.partnership(second)
        ended = factories.partnership(third, status="ended")
        factories.partner_link(p1, actor=second, about="x")
        factories.partner_link(p2, actor=first, about="x")
        factories.partner_link(p1, actor=third, about="x", ended_on=clock.today())
        factories.partner_link(ended, actor=first, about="x")
        db.session.commit()
        picture = network_picture()
    assert edge_names(picture) == ["Erster-Zweiter"]
    assert {n.name: n.kind for n in picture.nodes} == {"Erster": "partner", "Zweiter": "partner", "Dritter": "akteur"}
    assert names(picture.unlinked) == ["Dritter"]


@pytest.mark.parametrize(
    "wanted, nodes, edges, bridges",
    [
        # a field keeps its groups and projects, the actors of that field and those taking part in them
        ({"field_of_action_id": "zuzug"}, ["A", "G1", "P"], ["A-G1", "P-G1"], []),
        # a municipality keeps its actors and the groups and projects they take part in
        ({"municipality_id": "ergolding"}, ["B", "C", "G2", "V"], ["B-G2", "B-V", "G2-V"], []),
        ({"area": "city"}, ["A", "G1", "G2"], ["A-G1", "A-G2"], ["A"]),
        # one group (a bundle opened): the group and those taking part in it
        ({"group_id": "g2"}, ["A", "B", "G2"], ["A-G2", "B-G2"], []),
        (
            {"kinds": frozenset({"akteur", "arbeitskreis"})},
            ["A", "B", "C", "G1", "G2"],
            ["A-G1", "A-G2", "B-G2"],
            ["A"],
        ),  # noqa: E501
    ],
)
def test_filters(app, small, wanted, nodes, edges, bridges):
    values = {key: small.get(value, value) for key, value in wanted.items()}
    with app.app_context():
        picture = network_picture(PictureFilter(**values))
    assert names(picture.nodes) == nodes
    assert edge_names(picture) == edges
    assert names(picture.bridges) == bridges


def test_filters_from_the_address_and_bad_values(app, small, as_role):
    manager, _user = as_role("admin")
    data = manager.get(f"{URL}.json?gemeinde={small['ergolding']}&art=akteur&art=arbeitskreis").get_json()
    assert sorted(n["data"]["label"] for n in data["nodes"]) == ["B", "C", "G2"]
    assert data["figures"]["unlinked"] == 1 and data["figures"]["bundled_by"] is None  # few actors: each drawn
    page = manager.get(f"{URL}?handlungsfeld={small['zuzug']}")
    assert page.status_code == 200 and f'<option value="{small["zuzug"]}" selected>' in page.text
    for junk in ("handlungsfeld=abc", "gemeinde=99999999999", "gebiet=mond", "art=alles", "gebiet=%00", "art=%00"):
        response = manager.get(f"{URL}?{junk}")
        assert response.status_code == 200, junk
        assert "7 Knoten" in response.text, junk  # unknown values are ignored: the whole network


@pytest.mark.parametrize("role", ["member", "partner"])
def test_only_the_manager_sees_the_network(app, as_role, role):
    client, _user = as_role(role)
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}.json").status_code == 403
    anonymous = app.test_client().get(URL)
    assert anonymous.status_code == 302 and "/login?next=" in anonymous.headers["Location"]


# --- Many nodes -------------------------------------------------------------------------------------------


def grow_network(app, actors: int, groups: int, partners: int, projects: int, seed: int = 8) -> None:
    """Generated organisations, groups, partners and projects, linked at random (every fifth actor stays alone)."""
    chance = random.Random(seed)
    with app.app_context():
        with factories.batch():
            places = list(db.session.scalars(select(Municipality.id)))
            fields = list(db.session.scalars(select(FieldOfAction)))
            people = [
                factories.user(email=f"netz{n}@example.org", name=f"Person {n}", password=None, acknowledged=False)
                for n in range(20)
            ]
            new_groups = [
                factories.group(name=f"Generierter Arbeitskreis {n}", field_of_action_id=chance.choice(fields).id)
                for n in range(groups)
            ]
            new_actors = [
                factories.actor(
                    name=f"Generierte Organisation {n}",
                    kind="other",
                    municipality_id=chance.choice(places),
                    fields_of_action=chance.sample(fields, 2),
                )
                for n in range(actors + partners)
            ]
            for n, actor in enumerate(new_actors[:actors]):
                if n % 5:
                    for group in chance.sample(new_groups, chance.choice((1, 1, 1, 2))):
                        factories.membership(group, chance.choice(people), actor=actor)
            for actor in new_actors[actors:]:
                factories.partner_link(factories.partnership(actor), group=chance.choice(new_groups), about="x")
            for n in range(projects):
                factories.project(
                    title=f"Generiertes Vorhaben {n}",
                    groups=chance.sample(new_groups, 2),
                    actors=chance.sample(new_actors[:actors], 3),
                )
        db.session.commit()


def cold(app, client, url) -> int:
    """The queries of a picture built afresh (not from the cache of pictures already built)."""
    app.extensions.pop("netzwerk.cached", None)
    return count_queries(app, client, url)


def test_queries_stay_the_same_with_ten_times_the_demo_data(app, demo):
    client = app.test_client()
    assert login(client, "manager@example.org", "landshut-demo").status_code == 302
    with app.app_context():
        demo_nodes = len(network_picture().nodes)
    few = cold(app, client, URL)
    few_filtered = cold(app, client, f"{URL}?gebiet=county&handlungsfeld=4")
    grow_network(app, actors=960, groups=40, partners=60, projects=20)
    with app.app_context():
        assert len(network_picture().nodes) >= 10 * demo_nodes
    assert cold(app, client, URL) == few
    assert cold(app, client, f"{URL}?gebiet=county&handlungsfeld=4") == few_filtered
    assert cold(app, client, f"{URL}.json") == cold(app, client, f"{URL}.json?art=akteur")
    built, again = cold(app, client, f"{URL}.json"), count_queries(app, client, f"{URL}.json")
    assert again < built - 5, (built, again)  # built once, then taken from the cache


# --- Bundles: readable at real size -----------------------------------------------------------------------


@pytest.fixture
def large(app, demo):
    grow_network(app, actors=960, groups=40, partners=60, projects=20)


def test_many_actors_are_drawn_in_bundles_each_a_click_from_its_actors(app, large, as_role):
    manager, _user = as_role("admin")
    page = manager.get(URL)
    assert page.status_code == 200 and len(page.data) < 300_000, len(page.data)
    data = manager.get(f"{URL}.json").get_json()
    assert data["figures"]["bundled_by"] == "arbeitskreis" and len(str(data)) < 300_000
    drawn = {n["data"]["kind"] for n in data["nodes"]}
    assert "akteur" not in drawn and {"arbeitskreis", "partner", "vorhaben", "buendel"} <= drawn
    bundle = next(n["data"] for n in data["nodes"] if n["data"]["label"].endswith(": Generierter Arbeitskreis 3"))
    count = int(bundle["label"].split()[0])
    group_id = int(bundle["url"].rsplit("arbeitskreis=", 1)[1])
    lines = [e["data"] for e in data["edges"] if e["data"]["source"] == bundle["id"]]
    assert lines == [{**lines[0], "target": f"g{group_id}", "weight": count, "relation": "mitgliedschaft"}]
    opened = manager.get(f"{URL}.json?arbeitskreis={group_id}").get_json()
    actors = [n for n in opened["nodes"] if n["data"]["kind"] == "akteur"]
    assert opened["figures"]["bundled_by"] is None and len(actors) == count  # each actor drawn
    lonely = next(n["data"] for n in data["nodes"] if n["data"]["id"] == "bx")
    assert lonely["unlinked"] and lonely["url"] == "#ohne-verbindung"


@pytest.mark.parametrize("by, key_prefix", [("gemeinde", "bm"), ("handlungsfeld", "bf")])
def test_bundles_by_municipality_or_field_link_to_the_groups_of_their_actors(app, large, as_role, by, key_prefix):
    manager, _user = as_role("admin")
    data = manager.get(f"{URL}.json?buendeln={by}").get_json()
    bundles = [n["data"] for n in data["nodes"] if n["data"]["kind"] == "buendel" and n["data"]["id"] != "bx"]
    assert bundles and all(b["id"].startswith(key_prefix) for b in bundles)
    first = bundles[0]
    assert f"{by}=" in first["url"] and f"buendeln={by}" in first["url"]  # a click keeps the chosen bundling
    weights = [e["data"]["weight"] for e in data["edges"] if e["data"]["source"] == first["id"]]
    assert weights and max(weights) <= int(first["label"].split()[0])


def test_the_tables_below_a_large_picture_come_in_pages(app, large, as_role):
    manager, _user = as_role("admin")
    first = manager.get(URL).text
    assert first.count('<tr>\n      <th scope="row">') <= 2 * 50  # two tables of at most 50 rows
    assert "Seiten der Akteure und Partnerorganisationen" in first and "seite_akteure=2" in first
    second = manager.get(f"{URL}?seite_akteure=2").text
    assert "Vorherige Seite" in second
    assert re.search(r"und \d+ weitere", first)  # a group's actors beyond the first ten are counted


def test_bundled_pages_cost_the_same_queries_as_the_demo(app, demo):
    client = app.test_client()
    assert login(client, "manager@example.org", "landshut-demo").status_code == 302
    few = [cold(app, client, url) for url in (URL, f"{URL}.json")]
    grow_network(app, actors=960, groups=40, partners=60, projects=20)
    assert [cold(app, client, url) for url in (URL, f"{URL}.json?buendeln=gemeinde")] == few


def test_too_many_groups_are_drawn_per_field_of_action(app, large, as_role, monkeypatch):
    from netzwerk.network_picture import services

    monkeypatch.setattr(services, "VENUE_LIMIT", 30)  # the large network has 68 groups and projects
    manager, _user = as_role("admin")
    data = manager.get(f"{URL}.json").get_json()
    kinds = Counter(n["data"]["kind"] for n in data["nodes"])
    assert set(kinds) <= {"partner", "buendel-ak", "buendel"} and kinds["buendel-ak"] <= 8  # seven fields, or none
    venues = [n["data"] for n in data["nodes"] if n["data"]["kind"] == "buendel-ak"]
    assert sum(int(v["label"].split()[0]) for v in venues) == 68
    field = next(v for v in venues if "handlungsfeld=" in v["url"])
    lines = [e["data"] for e in data["edges"] if e["data"]["target"] == field["id"]]
    assert {line["source"][:2] for line in lines} >= {"ba"}  # its actors' bundle hangs on it
    opened = manager.get(field["url"].replace(URL, f"{URL}.json")).get_json()
    assert not any(n["data"]["kind"] == "buendel-ak" for n in opened["nodes"])  # one field: its groups one by one
    assert "68 Arbeitskreise und Vorhaben: Das Bild fasst sie" in manager.get(URL).text
