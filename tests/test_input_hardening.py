"""Issue 15: no input loses data or gives a 500 — incomplete and stale forms, dates out of range, ids."""

import importlib

import pytest
from flask import url_for

from netzwerk.extensions import db
from tests.html_forms import fingerprint, form_with
from tests.world import build_world, client_as

INCOMPLETE = "Das Formular ist unvollständig angekommen"
CONFLICT = "inzwischen von jemand anderem geändert"

# Every form with optimistic locking: (endpoint, URL arguments, who edits).
VERSIONED_FORMS = [
    ("actors.edit", {"actor_id"}, "manager"),
    ("actors.edit_field", {"field_id"}, "manager"),
    ("groups.edit", {"group_id"}, "manager"),
    ("projects.edit", {"project_id"}, "manager"),
    ("users.edit", {"user_id"}, "manager"),
    ("users.profile", set(), "member"),
    ("legal.edit", {"slug"}, "manager"),
    ("news.edit", {"news_id"}, "manager"),
    ("partners.edit", {"partnership_id"}, "manager"),
    ("partners.profile", set(), "partner"),
    ("meetings.minutes", {"meeting_id"}, "lead"),
    ("meetings.edit", {"meeting_id": "upcoming_meeting_id"}, "lead"),
    ("reminders.settings", set(), "manager"),
    ("overview.settings", set(), "manager"),
    ("reminders.mine", set(), "member"),
]


@pytest.fixture
def world(app):
    return build_world(app)


def url_of(app, endpoint: str, arguments: set | dict, ids: dict) -> str:
    """``arguments``: URL argument names taken from ``ids``, or {argument: name in ids}."""
    names = arguments if isinstance(arguments, dict) else {name: name for name in arguments}
    with app.test_request_context():
        values = {arg: "impressum" if arg == "slug" else ids[name] for arg, name in names.items()}
        return url_for(endpoint, **values)


def test_every_versioned_form_is_listed(app):
    from netzwerk.forms import VersionedForm

    def subclasses(cls):
        return {cls, *(s for sub in cls.__subclasses__() for s in subclasses(sub))}

    modules = (
        "actors",
        "groups",
        "legal",
        "meetings",
        "news",
        "overview",
        "partners",
        "projects",
        "reminders",
        "users",
    )
    for name in modules:
        importlib.import_module(f"netzwerk.{name}.views")

    forms = subclasses(VersionedForm) - {VersionedForm}
    assert len(forms) == len(VERSIONED_FORMS), sorted(f"{f.__module__}.{f.__name__}" for f in forms)


@pytest.mark.parametrize(("endpoint", "arguments", "role"), VERSIONED_FORMS, ids=[f[0] for f in VERSIONED_FORMS])
def test_versioned_form_refuses_a_missing_and_a_stale_version(app, world, endpoint, arguments, role):
    people, ids = world
    client = client_as(app, people, role)
    url = url_of(app, endpoint, arguments, ids)
    page = client.get(url)
    assert page.status_code == 200, page.text
    form = form_with(page.text, "version")
    version = int(form.data()["version"][0])
    csrf = form.data()["csrf_token"]
    with app.app_context():
        before = fingerprint(db)

    refused = [
        client.post(url, data={"csrf_token": csrf}),  # what the generated walk sent: the token alone
        client.post(url, data=form.data(version=None)),  # everything but the version
        client.post(url, data=form.data(version="")),
    ]
    for response in refused:
        assert response.status_code == 422 and INCOMPLETE in response.text, response.text[:3000]
    stale = client.post(url, data=form.data(version=str(version - 1)))
    assert stale.status_code == 422 and CONFLICT in stale.text
    with app.app_context():
        assert fingerprint(db) == before, "a refused form changed data"

    saved = client.post(url, data=form.data())  # the form as the browser sends it untouched is accepted
    assert saved.status_code in (302, 303), saved.text[:3000]


def test_actor_post_without_lists_keeps_contacts_fields_and_flag(app, world):
    """The walk's finding: a POST with the token and the version only no longer empties the actor."""
    from netzwerk.actors.models import Actor

    people, ids = world
    client = client_as(app, people, "manager")
    url = f"/akteure/{ids['actor_id']}/bearbeiten"
    form = form_with(client.get(url).text, "version")
    response = client.post(url, data={"csrf_token": form.data()["csrf_token"], "version": form.data()["version"]})
    assert response.status_code == 422 and INCOMPLETE in response.text
    with app.app_context():
        actor = db.session.get(Actor, ids["actor_id"])
        assert actor.is_public and [c.name for c in actor.contacts] == ["Greta Kontakt"]
        assert [f.id for f in actor.fields_of_action] == [1] and {s.name for s in actor.sectors} == {"Logistik", "KI"}


def test_actor_post_without_the_sectors_field_keeps_them(app, world):
    """Used to raise AttributeError: 'InstrumentedList' object has no attribute 'split'."""
    from netzwerk.actors.models import Actor

    people, ids = world
    client = client_as(app, people, "manager")
    url = f"/akteure/{ids['actor_id']}/bearbeiten"
    form = form_with(client.get(url).text, "version")
    assert client.post(url, data=form.data(sectors=None)).status_code == 302
    with app.app_context():
        assert {s.name for s in db.session.get(Actor, ids["actor_id"]).sectors} == {"Logistik", "KI"}


# --- Dates ------------------------------------------------------------------------------------------------

DATE_MESSAGE = "Bitte ein Datum zwischen 2000 und"


@pytest.mark.parametrize("day", ["0001-01-01", "1999-12-31", "9999-12-31", "2200-01-01"])
def test_meeting_dates_out_of_range_are_named_at_the_field(app, world, day):
    from netzwerk.meetings.models import Meeting

    people, ids = world
    client = client_as(app, people, "lead")
    with app.app_context():
        count = db.session.query(Meeting).count()
    for url in (f"/arbeitskreise/{ids['group_id']}/sitzungen/neu", f"/termine/{ids['upcoming_meeting_id']}/bearbeiten"):
        form = form_with(client.get(url).text, "starts_at")
        response = client.post(
            url, data=form.data(title="T", place="Rathaus", starts_at=f"{day}T10:00", ends_at=f"{day}T12:00")
        )
        assert response.status_code == 422 and DATE_MESSAGE in response.text, url
        assert f"{day}T10:00" in response.text  # what was typed is shown again
    with app.app_context():
        assert db.session.query(Meeting).count() == count


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_poll_dates_out_of_range_are_named(app, world, day):
    people, ids = world
    client = client_as(app, people, "lead")
    url = f"/arbeitskreise/{ids['group_id']}/umfragen/neu"
    form = form_with(client.get(url).text, "title")
    data = form.data(title="Wann?", **{"slots-0-day": day, "slots-0-start": "10:00", "slots-0-end": "11:00"})
    data |= {"slots-1-day": "2030-01-02", "slots-1-start": "10:00", "slots-1-end": "11:00", "deadline": f"{day}T10:00"}
    response = client.post(url, data=data)
    assert response.status_code == 422 and DATE_MESSAGE in response.text


@pytest.mark.parametrize(
    ("endpoint", "arguments", "field"),
    [
        ("news.edit", {"news_id"}, "publish_at"),
        ("partners.edit", {"partnership_id"}, "since"),
        ("projects.edit", {"project_id"}, "milestones-0-due_on"),
    ],
)
def test_other_date_fields_refuse_out_of_range(app, world, endpoint, arguments, field):
    people, ids = world
    client = client_as(app, people, "manager")
    url = url_of(app, endpoint, arguments, ids)
    form = form_with(client.get(url).text, "version")
    value = "0001-01-01T10:00" if field == "publish_at" else "0001-01-01"
    response = client.post(url, data=form.data(**{field: value}))
    assert response.status_code == 422 and DATE_MESSAGE in response.text


@pytest.mark.parametrize("query", ["von=0001-01-01", "bis=9999-12-31", "von=٢٠٢٦-01-01"])
def test_date_query_parameters_out_of_range_are_named(app, world, query):
    people, _ids = world
    client = client_as(app, people, "manager")
    response = client.get(f"/termine/?{query}")
    assert response.status_code == 200 and "Bitte geben Sie Datumsangaben" in response.text


# --- Ids and tokens -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/kalender/%C2%B2-x.ics",  # "²": isdigit() but not int()
        "/kalender/%D9%A3-x.ics",  # Arabic-Indic three: int() reads it
        "/akteure/%C2%B2",
        "/akteure/%D9%A3",
        "/akteure/2147483648",
        "/akteure/99999999999999999999999",
        "/arbeitskreise/0",
    ],
)
def test_ids_are_ascii_digits_within_integer_range(app, world, path):
    assert app.test_client().get(path).status_code == 404


def test_a_session_cookie_with_a_non_ascii_user_id_is_anonymous(app, world):
    from netzwerk.auth.views import load_user

    with app.test_request_context():
        assert load_user("²:token") is None and load_user("٣:token") is None and load_user("9" * 30 + ":t") is None


@pytest.mark.parametrize("value", ["²", "٣", "99999999999999999999", "-1", "1e3"])
def test_int_query_parameters_ignore_junk(app, world, value):
    people, _ids = world
    client = client_as(app, people, "manager")
    for url in (f"/akteure/?gemeinde={value}", f"/vorhaben/?handlungsfeld={value}", f"/termine/?arbeitskreis={value}"):
        assert client.get(url).status_code == 200, url
