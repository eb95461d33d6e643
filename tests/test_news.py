"""News and press releases: the manager writes and schedules, the public sees what is published, and the Atom
feed carries it."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from sqlalchemy import select

from netzwerk import clock
from netzwerk.extensions import db
from netzwerk.news.models import NewsItem
from tests import factories
from tests.conftest import post_form

ATOM = "{http://www.w3.org/2005/Atom}"


def add_news(app, title, days=-1, body="Text", **fields):
    return factories.create(
        app, factories.news, title=title, body=body, publish_at=clock.now() + timedelta(days=days), **fields
    )


def news_form(**changes):
    data = {"title": "Transfertag 2027", "summary": "Kurz", "body": "## Programm\n- Vorträge", "publish": "y"}
    data.update(changes)
    return data


def test_the_public_sees_published_news_only(app, client):
    shown = add_news(app, "Veröffentlicht", days=-2, is_press_release=True)
    scheduled = add_news(app, "Geplant", days=3)
    draft = add_news(app, "Entwurf")
    with app.app_context():
        db.session.get(NewsItem, draft).publish_at = None
        db.session.commit()
    page = client.get("/aktuelles/").text
    assert "Veröffentlicht" in page and "Pressemitteilung" in page
    assert "Geplant" not in page and "Entwurf</a>" not in page
    assert client.get(f"/aktuelles/{shown}").status_code == 200
    assert client.get(f"/aktuelles/{scheduled}").status_code == 404
    assert client.get(f"/aktuelles/{draft}").status_code == 404


def test_the_manager_writes_schedules_and_publishes(app, as_role):
    manager, _ = as_role("admin")
    later = clock.wall_clock(clock.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = post_form(manager, "/aktuelles/neu", news_form(publish_at=later))
    assert response.status_code == 302
    assert "wird am" in manager.get(response.headers["Location"]).text
    with app.app_context():
        item = db.session.scalar(select(NewsItem))
        assert item.publish_at > clock.now() and item.title == "Transfertag 2027"
        news_id = item.id
    assert app.test_client().get(f"/aktuelles/{news_id}").status_code == 404  # not yet
    assert "geplant" in manager.get("/aktuelles/").text
    edit = post_form(manager, f"/aktuelles/{news_id}/bearbeiten", news_form(version="1", publish_at=""))
    assert edit.status_code == 302
    page = app.test_client().get(f"/aktuelles/{news_id}").text
    assert "<h2>Programm</h2>" in page and "<li>Vorträge</li>" in page  # right below the page's h1, no level skipped
    stale = post_form(manager, f"/aktuelles/{news_id}/bearbeiten", news_form(version="1", title="Alt"))
    assert stale.status_code == 422 and "Alt" in stale.text


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "Bitte geben Sie einen Titel ein."),
        ({"body": ""}, "Bitte schreiben Sie den Text."),
        ({"title": "x" * 201}, "Höchstens 200 Zeichen."),
        ({"publish_at": "morgen"}, "Kein gültiges Datum"),
        ({"body": "Text\x00"}, "unzulässige Steuerzeichen"),
    ],
)
def test_bad_news_input_is_explained_and_kept(app, as_role, changes, message):
    manager, _ = as_role("admin")
    data = news_form(summary="Mein Entwurf", **changes)
    response = post_form(manager, "/aktuelles/neu", data)
    assert response.status_code == 422 and message in response.text and "Mein Entwurf" in response.text
    with app.app_context():
        assert db.session.scalar(select(NewsItem)) is None


def test_markdown_is_sanitised(app, client):
    news_id = add_news(app, "Sicher", body="<script>alert(1)</script>[x](javascript:alert(1)) **fett**")
    page = client.get(f"/aktuelles/{news_id}").text
    assert "&lt;script&gt;alert(1)" in page and 'href="javascript:' not in page and "<strong>fett</strong>" in page


def test_the_atom_feed_has_the_published_news(app, client):
    add_news(app, "Ältere Meldung", days=-5, summary="Zusammenfassung")
    add_news(app, "Neue Meldung", days=-1, body="**Neu**")
    add_news(app, "Zukunft", days=5)
    response = client.get("/aktuelles/feed.atom")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)  # noqa: S314 (our own feed, from the test client)
    assert feed.tag == f"{ATOM}feed" and feed.find(f"{ATOM}title").text == "Netzwerk Landshut – Aktuelles"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == ["Neue Meldung", "Ältere Meldung"]
    newest = entries[0]
    assert newest.find(f"{ATOM}id").text.startswith("http://localhost/aktuelles/")
    assert "<strong>Neu</strong>" in newest.find(f"{ATOM}content").text
    assert entries[1].find(f"{ATOM}summary").text == "Zusammenfassung"
    assert feed.find(f"{ATOM}updated").text and newest.find(f"{ATOM}published").text


def test_deleting_asks_for_the_button_and_is_audited(app, as_role):
    news_id = add_news(app, "Weg damit")
    manager, _ = as_role("admin")
    response = post_form(manager, f"/aktuelles/{news_id}/loeschen", {}, get_url=f"/aktuelles/{news_id}")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(NewsItem, news_id) is None
    assert "Meldung gelöscht" in manager.get("/aenderungsprotokoll/").text
