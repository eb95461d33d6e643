"""Calendar feeds: the personal subscription (secret, regenerable, revoked on deactivation) and the public
feed of a public group, read with a real iCalendar parser."""

import re
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
from icalendar import Calendar
from sqlalchemy import select

from netzwerk.auth.models import User
from netzwerk.extensions import db
from netzwerk.groups.models import WorkingGroup
from netzwerk.meetings.models import Meeting, MeetingStatus
from tests import factories
from tests.conftest import count_queries, login, post_form


def add_group(app, name, members, is_public=False, meetings=()):
    """A group with current members and meetings given as (title, start UTC, status)."""
    with app.app_context():
        group = factories.group(name=name, short_name=name[:6], is_public=is_public, members=members)
        for title, start, status in meetings:
            factories.meeting(
                group,
                title=title,
                starts_at=start,
                place="Rathaus Landshut",
                online_url="https://meet.example.org/geheim",
                status=status,
                organizer_id=members[0].id if members else None,
                invite=members,
            )
        db.session.commit()
        return group.id


def soon(days, hour=16):
    return factories.in_days(days, hour)


def feed_url_of(client) -> str:
    page = client.get("/kalender/")
    assert page.status_code == 200
    return urlsplit(re.search(r'value="(http[^"]+/kalender/[^"]+\.ics)"', page.text).group(1)).path


@pytest.fixture
def member_with_feed(app, make_user):
    member = make_user(name="Mia Mitglied")
    other = make_user(name="Otto Anders")
    add_group(
        app,
        "AK Fachkräfte",
        [member, other],
        meetings=[("Frühjahrssitzung", soon(10), MeetingStatus.SCHEDULED), ("Absage", soon(20), "cancelled")],
    )
    add_group(app, "AK Fremd", [other], meetings=[("Fremde Sitzung", soon(5), MeetingStatus.SCHEDULED)])
    client = app.test_client()
    login(client, member.email)
    return member, other, client


def test_the_personal_feed_has_the_members_meetings_and_is_valid_ical(app, member_with_feed):
    member, _other, client = member_with_feed
    url = feed_url_of(client)
    response = app.test_client().get(url)  # calendar programs do not log in
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    assert str(calendar["VERSION"]) == "2.0" and str(calendar["METHOD"]) == "PUBLISH"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {"AK Fac: Frühjahrssitzung", "AK Fac: Absage"}
    with app.app_context():
        meetings = {m.title: m for m in db.session.scalars(select(Meeting))}
    for title, event in (
        ("Frühjahrssitzung", events["AK Fac: Frühjahrssitzung"]),
        ("Absage", events["AK Fac: Absage"]),
    ):
        meeting = meetings[title]
        assert str(event["UID"]) == meeting.uid and int(event["SEQUENCE"]) == meeting.sequence
        assert event.decoded("DTSTAMP").tzinfo is not None
        assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
        assert event.decoded("DTSTART").astimezone(UTC) == meeting.starts_at
        assert event.decoded("DTEND").astimezone(UTC) == meeting.ends_at
        assert str(event["LOCATION"]) == "Rathaus Landshut"
        assert str(event["URL"]).endswith(f"/termine/{meeting.id}")
    assert str(events["AK Fac: Frühjahrssitzung"]["STATUS"]) == "CONFIRMED"
    assert str(events["AK Fac: Absage"]["STATUS"]) == "CANCELLED"


@pytest.mark.parametrize(
    ("local_start", "utc_hour"),
    [("2027-03-27 10:00", 9), ("2027-03-29 10:00", 8), ("2027-10-30 10:00", 8), ("2027-11-01 10:00", 9)],
)
def test_feed_times_are_right_across_the_daylight_saving_change(app, make_user, local_start, utc_hour):
    from zoneinfo import ZoneInfo

    member = make_user()
    start = datetime.strptime(local_start, "%Y-%m-%d %H:%M").replace(tzinfo=ZoneInfo("Europe/Berlin"))
    add_group(app, "AK Zeit", [member], meetings=[("Sitzung", start.astimezone(UTC), MeetingStatus.SCHEDULED)])
    client = app.test_client()
    login(client, member.email)
    (event,) = Calendar.from_ical(client.get(feed_url_of(client)).data).walk("VEVENT")
    assert event.decoded("DTSTART").astimezone(UTC).hour == utc_hour
    assert event.decoded("DTSTART").strftime("%H:%M") == "10:00"


def test_a_new_address_revokes_the_old_one(app, member_with_feed):
    _member, _other, client = member_with_feed
    old = feed_url_of(client)
    assert post_form(client, "/kalender/neu", {}, get_url="/kalender/").status_code == 302
    new = feed_url_of(client)
    assert new != old
    assert app.test_client().get(old).status_code == 404
    assert app.test_client().get(new).status_code == 200


def test_deactivation_revokes_the_feed_for_good(app, member_with_feed, as_role):
    member, _other, client = member_with_feed
    url = feed_url_of(client)
    manager, _ = as_role("admin")
    form = {"name": member.name, "role": "member", "organisation": "", "version": "1"}
    assert post_form(manager, f"/benutzer/{member.id}/bearbeiten", form).status_code == 302  # active unticked
    assert app.test_client().get(url).status_code == 404
    with app.app_context():
        version = db.session.get(User, member.id).version
    assert (
        post_form(
            manager, f"/benutzer/{member.id}/bearbeiten", {**form, "active": "y", "version": str(version)}
        ).status_code
        == 302
    )
    assert app.test_client().get(url).status_code == 404  # reactivated: the old address stays dead


def test_forged_and_foreign_tokens_are_refused(app, member_with_feed):
    member, other, client = member_with_feed
    url = feed_url_of(client)
    user_id, signature = url.rsplit("/", 1)[1].removesuffix(".ics").split("-")
    for token in (f"{other.id}-{signature}", f"{user_id}-{'0' * 40}", "x" * 32, f"{user_id}-", "-", "99999999999-a"):
        assert app.test_client().get(f"/kalender/{token}.ics").status_code == 404, token


def test_a_public_group_publishes_its_times_without_personal_data(app, make_user):
    lead = make_user(email="lea.leitung@example.org")
    public_id = add_group(app, "AK Offen", [lead], is_public=True, meetings=[("Offene Runde", soon(3), "scheduled")])
    internal_id = add_group(app, "AK Intern", [lead], meetings=[("Interna", soon(3), "scheduled")])
    visitor = app.test_client()
    response = visitor.get(f"/arbeitskreise/{public_id}/kalender.ics")
    assert response.status_code == 200
    (event,) = Calendar.from_ical(response.data).walk("VEVENT")
    assert str(event["SUMMARY"]) == "AK Off: Offene Runde" and str(event["LOCATION"]) == "Rathaus Landshut"
    body = response.data.decode()
    assert "lea.leitung" not in body and "meet.example.org" not in body and "ATTENDEE" not in body
    assert visitor.get(f"/arbeitskreise/{internal_id}/kalender.ics").status_code == 404
    assert visitor.get("/arbeitskreise/999999/kalender.ics").status_code == 404
    assert "kalender.ics" in visitor.get(f"/arbeitskreise/{public_id}").text


def test_the_feed_keeps_a_constant_number_of_queries(app, make_user):
    member = make_user()
    add_group(app, "AK Eins", [member], meetings=[("Erste", soon(2), "scheduled")])
    client = app.test_client()
    login(client, member.email)
    url = feed_url_of(client)
    few = count_queries(app, app.test_client(), url)
    others = [make_user() for _ in range(3)]
    for n in range(6):
        add_group(
            app, f"AK Mehr {n}", [member, *others], meetings=[(f"S{n}-{k}", soon(3 + k), "scheduled") for k in range(4)]
        )
    many = count_queries(app, app.test_client(), url)
    assert few == many
    assert len(Calendar.from_ical(app.test_client().get(url).data).walk("VEVENT")) == 25


def test_the_managers_feed_has_every_meeting(app, member_with_feed, as_role):
    manager, _ = as_role("admin")
    event_titles = {
        str(e["SUMMARY"]) for e in Calendar.from_ical(app.test_client().get(feed_url_of(manager)).data).walk("VEVENT")
    }
    assert event_titles == {"AK Fac: Frühjahrssitzung", "AK Fac: Absage", "AK Fre: Fremde Sitzung"}


def test_a_linked_partner_gets_the_meetings_the_group_shares(app, make_user, make_actor):
    partner = make_user(role="partner")
    actor = make_actor(name="Flughafen München GmbH", kind="partner")
    group_id = add_group(app, "AK Mobilität", [make_user()], meetings=[("Verkehrsrunde", soon(4), "scheduled")])
    add_group(app, "AK Andere", [make_user()], meetings=[("Nicht verknüpft", soon(4), "scheduled")])
    with app.app_context():
        partnership = factories.partnership(actor, type="airport", users=[partner])
        factories.partner_link(partnership, group=group_id, about="Anbindung")
        db.session.commit()
    client = app.test_client()
    login(client, partner.email)
    url = feed_url_of(client)
    assert Calendar.from_ical(app.test_client().get(url).data).walk("VEVENT") == []  # the group does not share
    with app.app_context():
        db.session.get(WorkingGroup, group_id).partners_see_meetings = True
        db.session.commit()
    titles = {str(e["SUMMARY"]) for e in Calendar.from_ical(app.test_client().get(url).data).walk("VEVENT")}
    assert titles == {"AK Mob: Verkehrsrunde"}
