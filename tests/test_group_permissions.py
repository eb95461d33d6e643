"""Every working-group route, walked by each kind of person: the one place (auth/permissions.py) decides."""

import pytest

from netzwerk.extensions import db
from netzwerk.groups.models import JoinRequest, WorkingGroup
from tests import factories
from tests.conftest import count_queries, csrf_token_from, login, post_form

PERSONAS = ("manager", "lead", "other_lead", "member", "non_member", "partner", "linked_partner", "visitor")

# (method, path template, who may) — the others get 403/404, visitors the login page where login is needed
ROUTES = [
    ("GET", "/arbeitskreise/", set(PERSONAS)),
    ("GET", "/arbeitskreise/{internal}", {"manager", "lead", "member", "linked_partner"}),
    ("GET", "/termine/{meeting}", {"manager", "lead", "member"}),  # partners only if the group allows it
    ("GET", "/arbeitskreise/{public}", set(PERSONAS)),
    ("GET", "/arbeitskreise/neu", {"manager"}),
    ("GET", "/arbeitskreise/{internal}/bearbeiten", {"manager"}),
    ("POST", "/arbeitskreise/{internal}/status", {"manager"}),
    ("GET", "/arbeitskreise/{internal}/mitglieder", {"manager", "lead"}),
    ("POST", "/arbeitskreise/{internal}/einladen", {"manager", "lead"}),
    ("GET", "/arbeitskreise/{internal}/rundmail", {"manager", "lead"}),
    ("POST", "/arbeitskreise/{internal}/mitglieder/{membership}/rolle", {"manager", "lead"}),
    ("POST", "/arbeitskreise/{internal}/anfragen/{request}/ablehnen", {"manager", "lead"}),
    (
        "POST",
        "/arbeitskreise/{public}/anfragen",
        {"lead", "other_lead", "member", "non_member", "partner", "linked_partner"},  # the manager adds directly
    ),
]


@pytest.fixture
def world(app, make_user):
    people = {
        "manager": make_user(role="admin"),
        "lead": make_user(name="Lea Lead"),
        "other_lead": make_user(name="Otto Otherlead"),
        "member": make_user(name="Mia Member"),
        "non_member": make_user(name="Nina Nonmember"),
        "partner": make_user(role="partner", name="Paul Partner"),
        "linked_partner": make_user(role="partner", name="Lina Linked"),
        "applicant": make_user(name="Anna Applicant"),
    }
    with app.app_context():
        internal = factories.group(name="AK Intern", is_public=False, leads=[people["lead"]])
        member = factories.membership(internal, people["member"])
        public = factories.group(name="AK Offen", is_public=True)
        factories.group(name="AK Anderer", is_public=False, leads=[people["other_lead"]])
        request = JoinRequest(group=internal, user_id=people["applicant"].id)
        db.session.add(request)
        meeting = link_partner_and_plan_meeting(internal, people["linked_partner"])
        db.session.commit()
        ids = {
            "internal": internal.id,
            "public": public.id,
            "membership": member.id,
            "request": request.id,
            "meeting": meeting.id,
        }
    return people, ids


def link_partner_and_plan_meeting(group, partner_user):
    """A partner organisation (its user: ``partner_user``) linked to the group, and a meeting of the group."""
    partnership = factories.partnership(
        factories.actor(name="Partner AG", kind="partner"), type="airport", users=[partner_user]
    )
    factories.partner_link(partnership, group=group, about="Pendeln")
    return factories.meeting(group, title="Interne Sitzung", starts_at=factories.in_days(1), hours=1)


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_person_gets_what_the_rules_say(app, world, persona):
    people, ids = world
    client = app.test_client()
    if persona != "visitor":
        assert login(client, people[persona].email).status_code == 302
    token = csrf_token_from(client.get("/arbeitskreise/").text)
    for method, template, allowed in ROUTES:
        url = template.format(**ids)
        data = {"csrf_token": token, "status": "active", "role": "member"} if method == "POST" else None
        response = client.open(url, method=method, data=data)
        where = f"{persona} {method} {url}: {response.status_code}"
        assert response.status_code < 500, where
        if persona in allowed:
            assert response.status_code in (200, 302, 422), where
            assert "/login" not in response.headers.get("Location", ""), where
        elif persona == "visitor":
            assert response.status_code in (302, 404), where
            if response.status_code == 302:
                assert "/login?next=" in response.headers["Location"], where
        else:
            assert response.status_code in (403, 404), where


def test_members_see_internals_only_of_their_own_groups(app, world):
    people, ids = world
    personas = (
        ("member", True),
        ("non_member", False),
        ("partner", False),
        ("linked_partner", False),
        ("other_lead", False),
    )
    for persona, sees in personas:
        client = app.test_client()
        login(client, people[persona].email)
        page = client.get(f"/arbeitskreise/{ids['internal']}")
        assert (page.status_code == 200 and "Mia Member" in page.text) == sees, persona


def test_linked_partner_sees_meetings_only_when_the_group_allows_it(app, world):
    people, ids = world
    client = app.test_client()
    login(client, people["linked_partner"].email)
    assert client.get(f"/termine/{ids['meeting']}").status_code == 404
    with app.app_context():
        db.session.get(WorkingGroup, ids["internal"]).partners_see_meetings = True
        db.session.commit()
    assert client.get(f"/termine/{ids['meeting']}").status_code == 200
    assert "Interne Sitzung" in client.get(f"/arbeitskreise/{ids['internal']}").text
    other = app.test_client()
    login(other, people["partner"].email)
    assert other.get(f"/termine/{ids['meeting']}").status_code == 404


@pytest.mark.parametrize(
    "url, data",
    [
        (
            "/arbeitskreise/neu",
            {
                "name": "",
                "short_name": "x" * 31,
                "field_of_action_id": "999",
                "description": "",
                "goals": "",
                "version": "",
            },
        ),
        ("/arbeitskreise/neu", {"name": "AK\x00", "field_of_action_id": "", "version": ""}),
        (
            "/arbeitskreise/{internal}/mitglieder",
            {
                "aufnehmen-user_id": "99999",
                "aufnehmen-role": "boss",
                "aufnehmen-actor_id": "x",
                "aufnehmen-submit": "Hinzufügen",
            },
        ),
        (
            "/arbeitskreise/{internal}/einladen",
            {"einladen-name": "", "einladen-email": "kein@@mail", "einladen-role": "member"},
        ),
        ("/arbeitskreise/{internal}/rundmail", {"subject": "x" * 201, "body": ""}),
    ],
)
def test_bad_input_on_group_forms(app, world, url, data):
    people, ids = world
    client = app.test_client()
    login(client, people["manager"].email)
    url = url.format(**ids)
    get_url = url.replace("/einladen", "/mitglieder")
    response = post_form(client, url, data, get_url=get_url)
    assert response.status_code == 422, response.status_code
    assert "Bitte prüfen Sie Ihre Angaben" in response.text


def test_bad_role_and_request_posts_are_refused_cleanly(app, world):
    people, ids = world
    client = app.test_client()
    login(client, people["manager"].email)
    base = f"/arbeitskreise/{ids['internal']}"
    token = csrf_token_from(client.get(f"{base}/mitglieder").text)
    assert (
        client.post(
            f"{base}/mitglieder/{ids['membership']}/rolle", data={"csrf_token": token, "role": "boss"}
        ).status_code
        == 400
    )
    assert client.post(f"{base}/status", data={"csrf_token": token, "status": "kaputt"}).status_code == 400
    assert client.post(f"{base}/anfragen/{ids['request']}/vielleicht", data={"csrf_token": token}).status_code == 404


def test_group_list_queries_do_not_grow(app, as_role, make_user):
    manager, _ = as_role("admin")

    def add_groups(start, n):
        with app.app_context():
            for i in range(start, start + n):
                factories.group(
                    name=f"AK {i:04d}", is_public=True, field_of_action_id=1 + i % 7, members=[factories.user()]
                )
            db.session.commit()

    def queries():
        return count_queries(app, manager, "/arbeitskreise/")

    add_groups(0, 3)
    few = queries()
    add_groups(3, 60)
    assert queries() == few
