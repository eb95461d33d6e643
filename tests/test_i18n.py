"""German by default, English as the second language, every string translated."""

from pathlib import Path

from babel.messages.pofile import read_po

from tests.conftest import csrf_token_from

CATALOG = Path(__file__).resolve().parent.parent / "netzwerk" / "translations" / "en" / "LC_MESSAGES" / "messages.po"


def test_german_is_the_default(client):
    page = client.get("/").text
    assert '<html lang="de">' in page and "Zum Inhalt springen" in page


def test_the_browser_language_is_followed(client):
    page = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).text
    assert '<html lang="en">' in page and "Skip to content" in page
    page = client.get("/", headers={"Accept-Language": "fr-FR"}).text
    assert '<html lang="de">' in page


def test_visitors_can_switch_the_language(client):
    token = csrf_token_from(client.get("/login").text)
    response = client.post("/sprache", data={"csrf_token": token, "language": "en", "next": "/login"})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert "Sign in" in client.get("/login").text
    client.post("/sprache", data={"csrf_token": token, "language": "xx", "next": "https://evil.example/"})
    assert client.get("/", headers={"Accept-Language": "en"}).status_code == 200


def test_every_string_has_an_english_translation():
    catalog = read_po(CATALOG.open("rb"))

    def translated(message):
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        return all(strings)

    missing = [message.id for message in catalog if message.id and not translated(message)]
    fuzzy = [message.id for message in catalog if message.id and message.fuzzy]
    assert missing == [] and fuzzy == []


def test_the_catalog_is_up_to_date():
    """Every marked string of the code and templates is in the catalog (run `make messages` when this fails)."""
    from babel.messages.extract import extract_from_dir

    root = Path(__file__).resolve().parent.parent
    method_map = [("netzwerk/**.py", "python"), ("templates/**.html", "jinja2"), ("templates/**.txt", "jinja2")]
    keywords = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None, "ngettext": (1, 2)}
    extracted = {
        message
        for _f, _l, message, *_ in extract_from_dir(root, method_map, keywords=keywords)
        if isinstance(message, str)
    }
    catalog = set()
    for message in read_po(CATALOG.open("rb")):
        catalog.update(message.id if isinstance(message.id, tuple) else (message.id,))
    extracted = {m for message in extracted for m in (message if isinstance(message, tuple) else (message,))}
    assert sorted(extracted - catalog) == []
