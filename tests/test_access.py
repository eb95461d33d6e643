"""Deny by default: every URL rule, every role (anonymous included), the expected answer."""

import pytest

from netzwerk.auth.permissions import PUBLIC, access_of
from tests import factories
from tests.conftest import csrf_token_from, login

ANONYMOUS = "anonymous"
ROLES = (ANONYMOUS, "admin", "member", "partner")
EVERYONE = frozenset(ROLES)
SIGNED_IN = frozenset({"admin", "member", "partner"})
ADMIN = frozenset({"admin"})

# Who may use each endpoint. A new route fails test_every_endpoint_is_listed until it is added here.
EXPECTED = {
    "static": EVERYONE,
    "main.index": EVERYONE,
    "main.healthz": EVERYONE,
    "main.set_language": EVERYONE,
    "overview.index": ADMIN,
    "overview.report": ADMIN,
    "overview.settings": ADMIN,
    "auth.login": EVERYONE,
    "auth.forgot_password": EVERYONE,
    "auth.reset_password": EVERYONE,
    "auth.accept_invitation": EVERYONE,
    "auth.logout": SIGNED_IN,
    "auth.change_password": SIGNED_IN,
    "users.profile": SIGNED_IN,
    "users.index": ADMIN,
    "users.invite": ADMIN,
    "users.edit": ADMIN,
    "users.resend_invitation": ADMIN,
    "actors.index": EVERYONE,
    "actors.suggest": frozenset({"admin", "member"}),  # the picker's suggestions: readers of the registry
    "actors.detail": EVERYONE,  # object-level: see test_actors.py
    "actors.create": ADMIN,
    "actors.edit": ADMIN,
    "actors.toggle_archive": ADMIN,
    "actors.delete": ADMIN,
    "actors.fields": ADMIN,
    "actors.import_upload": ADMIN,
    "actors.import_check": ADMIN,
    "actors.import_rejected": ADMIN,
    "actors.import_rejected_file": ADMIN,
    "actors.export_csv_file": ADMIN,
    "actors.export_xlsx_file": ADMIN,
    "actors.edit_field": ADMIN,
    "groups.index": EVERYONE,
    "groups.detail": EVERYONE,  # object-level: internal groups only for their members
    "groups.create": ADMIN,
    "groups.edit": ADMIN,
    "groups.change_status": ADMIN,
    "groups.members": SIGNED_IN,  # object-level: the manager and the group's leads
    "groups.member_list": SIGNED_IN,  # object-level: the manager and the group's leads
    "groups.member_list_file": SIGNED_IN,
    "groups.member_role": SIGNED_IN,
    "groups.end_member": SIGNED_IN,
    "groups.leave": SIGNED_IN,  # object-level: current members
    "groups.invite": SIGNED_IN,
    "groups.request_membership": SIGNED_IN,
    "groups.decide": SIGNED_IN,
    "groups.message": SIGNED_IN,
    "meetings.index": SIGNED_IN,
    "meetings.month": SIGNED_IN,
    "meetings.detail": SIGNED_IN,  # object-level: invited people and the group's members
    "meetings.answer_in_app": SIGNED_IN,
    "meetings.calendar_file": SIGNED_IN,
    "meetings.create": SIGNED_IN,  # object-level: the manager and the group's leads
    "meetings.record_past": SIGNED_IN,  # object-level: the manager and the group's leads
    "meetings.message": SIGNED_IN,  # object-level: the manager and the group's leads
    "tasks.index": SIGNED_IN,
    "tasks.mark": SIGNED_IN,  # object-level: the assignee, the group's leads, the manager
    "meetings.attendance_sheet": SIGNED_IN,  # object-level: the manager and the group's leads
    "meetings.attendance_sheet_file": SIGNED_IN,
    "meetings.invitee_list_file": SIGNED_IN,  # object-level: the manager and the group's leads
    "meetings.answer_link": EVERYONE,  # the signed link is the permission
    "meetings.edit": SIGNED_IN,  # object-level: the manager and the group's leads
    "meetings.cancel": SIGNED_IN,
    "meetings.minutes": SIGNED_IN,  # object-level: the manager and the group's leads
    "meetings.remind": SIGNED_IN,  # object-level: the manager and the group's leads
    "meetings.register_as_guest": SIGNED_IN,  # object-level: meetings open to guests
    "meetings.subscribe": SIGNED_IN,
    "meetings.renew_feed": SIGNED_IN,
    "meetings.personal_feed": EVERYONE,  # the secret token is the permission
    "meetings.group_feed": EVERYONE,  # object-level: public groups only
    "polls.create": SIGNED_IN,  # object-level: the manager and the group's leads
    "polls.detail": SIGNED_IN,  # object-level: the manager and the group's members
    "polls.cast_vote": SIGNED_IN,  # object-level: the group's current members
    "polls.schedule": SIGNED_IN,  # object-level: the manager and the group's leads
    "polls.send_reminder": SIGNED_IN,
    "polls.close": SIGNED_IN,
    "reminders.settings": ADMIN,
    "reminders.mine": SIGNED_IN,
    "unsubscribe.one_click": EVERYONE,  # the signed link is the permission (and only turns one kind of mail off)
    "partners.index": EVERYONE,
    "partners.detail": EVERYONE,  # object-level: non-public partners only for the manager, members and its own
    "partners.logo": EVERYONE,  # object-level: as the detail page, and only if the logo is public or may be seen
    "partners.suggest_actor": ADMIN,
    "partners.create": ADMIN,
    "partners.edit": ADMIN,
    "partners.create_link_view": ADMIN,
    "partners.end_link_view": ADMIN,
    "partners.changes": ADMIN,
    "partners.undo": ADMIN,
    "partners.ask_for_update": ADMIN,
    "partners.profile": frozenset({"partner"}),  # object-level: always the user's own organisation
    "projects.index": EVERYONE,
    "projects.detail": EVERYONE,  # object-level: internal projects for the manager and members
    "projects.create": ADMIN,
    "projects.edit": ADMIN,
    "legal.show": EVERYONE,
    "legal.feedback": EVERYONE,
    "legal.edit": ADMIN,
    "news.index": EVERYONE,
    "news.detail": EVERYONE,  # object-level: drafts and scheduled items only for the manager
    "news.feed": EVERYONE,
    "news.create": ADMIN,
    "news.edit": ADMIN,
    "news.delete": ADMIN,
    "network_picture.index": ADMIN,
    "network_picture.data": ADMIN,
    "audit.index": ADMIN,
    "mail.index": ADMIN,
    "mail.detail": ADMIN,
    "mail.resend_mail": ADMIN,
    "mail.incoming": ADMIN,
    "privacy.notice": SIGNED_IN,
    "privacy.my_data": SIGNED_IN,
    "privacy.my_data_file": SIGNED_IN,
    "privacy.request_deletion_view": SIGNED_IN,
    "privacy.erase": ADMIN,
    "privacy.decline": ADMIN,
    "privacy.retention": ADMIN,
    "privacy.erase_contact_view": ADMIN,
}


# Views that also check the object (can_manage_group …): an allowed role may still get 403 or 404 there.
OBJECT_LEVEL = {
    "groups.members",
    "groups.member_list",
    "groups.member_list_file",
    "groups.member_role",
    "groups.end_member",
    "groups.leave",
    "groups.invite",
    "groups.request_membership",
    "groups.decide",
    "groups.message",
    "meetings.detail",
    "meetings.answer_in_app",
    "meetings.calendar_file",
    "meetings.create",
    "meetings.record_past",
    "meetings.message",
    "tasks.mark",
    "meetings.attendance_sheet",
    "meetings.attendance_sheet_file",
    "meetings.invitee_list_file",
    "meetings.edit",
    "meetings.cancel",
    "meetings.minutes",
    "meetings.remind",
    "meetings.register_as_guest",
    "polls.create",
    "polls.detail",
    "polls.cast_vote",
    "polls.schedule",
    "polls.send_reminder",
    "polls.close",
    "partners.profile",
}


def test_every_endpoint_is_listed(app):
    assert {rule.endpoint for rule in app.url_map.iter_rules()} == set(EXPECTED)


def test_every_view_declares_who_may_use_it(app):
    with app.test_request_context():
        undeclared = [endpoint for endpoint in app.view_functions if access_of(endpoint) is None]
    assert undeclared == []


def test_declared_access_matches_expectation(app):
    with app.test_request_context():
        for endpoint, allowed in EXPECTED.items():
            access = access_of(endpoint)
            declared = EVERYONE if PUBLIC in access else frozenset(access)
            assert declared == allowed, endpoint


@pytest.mark.own_app  # adds a route
def test_a_view_without_declaration_is_refused(app, client):
    app.add_url_rule("/undeclared", "undeclared", lambda: "secret")
    assert client.get("/undeclared").status_code == 403


def make_group(app, member_id: int) -> tuple[int, int]:
    from netzwerk.extensions import db

    with app.app_context():
        membership = factories.membership(factories.group(name="AK Walk", is_public=True), member_id)
        db.session.commit()
        return membership.group_id, membership.id


def sample_url(rule, ids: dict) -> str:
    values = {}
    for argument in rule.arguments:
        if argument == "filename":
            values[argument] = "css/app.css"
        elif argument == "decision":
            values[argument] = "annehmen"
        elif argument in ("request_id", "meeting_id", "link_id", "entry_id", "task_id"):
            values[argument] = 1
        elif argument == "format":
            values[argument] = "pdf"
        elif argument == "fmt":
            values[argument] = "csv"
        elif argument == "state":
            values[argument] = "erledigt"
        elif argument == "slug":
            values[argument] = "impressum"
        elif argument == "token":
            values[argument] = "x" * 32
        else:
            values[argument] = ids[argument]
    return rule.build(values)[1]


@pytest.mark.parametrize("role", ROLES)
def test_walk_every_rule(app, make_user, make_actor, role):
    """Anonymous visitors are sent to the login page, signed-in users without the role get 403, and the
    allowed roles get an answer that is neither of those nor a server error."""
    target = make_user(role="member", email="ziel@example.org")
    actor = make_actor(is_public=True)
    group_id, membership_id = make_group(app, target.id)
    ids = {
        "user_id": target.id,
        "mail_id": 1,
        "actor_id": actor.id,
        "field_id": 1,
        "group_id": group_id,
        "membership_id": membership_id,
        "poll_id": factories.create(app, factories.poll, group_id, title="Umfrage Walk"),
        "news_id": factories.create(app, factories.news, title="Walk", body="Text"),
        "project_id": factories.create(app, factories.project, title="Walk", is_public=True),
        "partnership_id": factories.create(app, factories.partnership, actor.id, type="metropolitan_region"),
        "contact_id": 1,
    }
    client = app.test_client()
    if role != ANONYMOUS:
        user = make_user(role=role)
        assert login(client, user.email).status_code == 302
    token = csrf_token_from(client.get("/").text)  # so POSTs reach the view, not only the CSRF check
    rules = sorted(app.url_map.iter_rules(), key=lambda rule: rule.endpoint == "auth.logout")  # logout last
    for rule in rules:
        url = sample_url(rule, ids)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            data = {"csrf_token": token} if method == "POST" else None
            response = client.open(url, method=method, data=data)
            where = f"{method} {url} as {role}: {response.status_code}"
            assert response.status_code < 500, where
            assert b"Sicherheitsmerkmal fehlt" not in response.data, f"CSRF refused, view not reached: {where}"
            if role in EXPECTED[rule.endpoint]:
                assert response.status_code != 403 or rule.endpoint in OBJECT_LEVEL, where
                assert "/login?next=" not in response.headers.get("Location", ""), where
            elif role == ANONYMOUS:
                assert response.status_code == 302 and "/login?next=" in response.headers["Location"], where
            else:
                assert response.status_code == 403, where
