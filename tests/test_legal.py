"""The pages a public body needs, linked from every page's footer, kept by the manager; the accessibility
statement's feedback channel reaches the manager by mail."""

import pytest

from tests.conftest import post_form

PAGES = {
    "impressum": "Impressum",
    "datenschutz": "Datenschutzerklärung",
    "barrierefreiheit": "Erklärung zur Barrierefreiheit",
    "leichte-sprache": "Netzwerk Landshut in Leichter Sprache",
}


@pytest.mark.parametrize(("slug", "title"), PAGES.items())
def test_every_legal_page_is_public_and_linked_from_every_page(client, slug, title):
    page = client.get(f"/{slug}")
    assert page.status_code == 200 and f"<h1>{title}</h1>" in page.text
    for start in ("/", "/login", "/akteure/", f"/{slug}"):
        assert f'href="/{slug}"' in client.get(start).text, start


def test_the_manager_edits_a_page_and_others_cannot(app, as_role):
    manager, _ = as_role("admin")
    data = {"version": "1", "title": "Impressum", "body": "## Herausgeber\nRegionalmanagement, Altstadt 315"}
    assert post_form(manager, "/seiten/impressum/bearbeiten", data).status_code == 302
    assert "Altstadt 315" in app.test_client().get("/impressum").text
    stale = post_form(manager, "/seiten/impressum/bearbeiten", {**data, "body": "Meine Fassung"})
    assert stale.status_code == 422 and "Meine Fassung" in stale.text
    empty = post_form(manager, "/seiten/impressum/bearbeiten", {**data, "version": "2", "body": ""})
    assert empty.status_code == 422 and "Bitte schreiben Sie den Text." in empty.text
    member, _ = as_role("member")
    assert member.get("/seiten/impressum/bearbeiten").status_code == 403
    assert "Rechtliche Seite geändert" in manager.get("/aenderungsprotokoll/").text
    assert app.test_client().get("/seiten/gibtsnicht/bearbeiten").status_code == 404


def test_feedback_on_barriers_reaches_the_managers(app, make_user, mailbox):
    manager = make_user(role="admin")
    make_user(role="admin", status="deactivated")
    visitor = app.test_client()
    data = {"message": "Der Kalender ist mit dem Screenreader schwer zu lesen.", "page": "/termine/kalender"}
    response = post_form(visitor, "/barrierefreiheit", data)
    assert response.status_code == 302
    (message,) = mailbox.messages
    assert message["To"] == manager.email and message["Subject"] == "Rückmeldung zur Barrierefreiheit"
    assert "schwer zu lesen" in mailbox.text_of(message) and "/termine/kalender" in mailbox.text_of(message)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"message": ""}, "Bitte beschreiben Sie die Barriere."),
        ({"message": "Text", "email": "keine-adresse"}, "gültige E-Mail-Adresse"),
        ({"message": "Text\x00"}, "unzulässige Steuerzeichen"),
    ],
)
def test_bad_feedback_is_explained_and_kept(app, make_user, mailbox, data, message):
    make_user(role="admin")
    response = post_form(app.test_client(), "/barrierefreiheit", {"name": "Erika Muster", **data})
    assert response.status_code == 422 and message in response.text and "Erika Muster" in response.text
    assert mailbox.messages == []
