"""Calendars as the region's programs read them: Thunderbird and Nextcloud (Mozilla's ical.js) get the same times
as Outlook/Python for meetings in winter, in summer and on both daylight-saving weekends; the tool's mailbox
organises; feeds are quiet (stable text, ETag, Last-Modified, 304) and the news feed names its author."""

import calendar as calendar_module
import re
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import select

from netzwerk import clock
from netzwerk.extensions import db
from netzwerk.meetings.models import Meeting
from tests import factories
from tests.calendar_clients import CalendarObject, compare
from tests.conftest import login, post_form, version_on
from tests.test_calendar_feeds import feed_url_of

BERLIN = ZoneInfo("Europe/Berlin")
YEAR = clock.today().year + 1  # meetings must lie in the future


def last_sunday(month: int) -> date:
    last = date(YEAR, month, calendar_module.monthrange(YEAR, month)[1])
    return last - timedelta(days=(last.weekday() + 1) % 7)


# (title, local start, local end) as typed into the form: winter, summer, and across both changes of the clock
MEETINGS = [
    ("Winter", f"{YEAR}-01-14T18:00", f"{YEAR}-01-14T20:00"),
    ("Sommer", f"{YEAR}-07-15T18:00", f"{YEAR}-07-15T20:00"),
    (
        "Vor der Umstellung",
        f"{last_sunday(3) - timedelta(days=1)}T10:00",
        f"{last_sunday(3) - timedelta(days=1)}T12:00",
    ),
    ("Nacht im März", f"{last_sunday(3)}T01:30", f"{last_sunday(3)}T03:30"),
    ("Nacht im Oktober", f"{last_sunday(10)}T01:30", f"{last_sunday(10)}T03:30"),
    ("Doppelte Stunde", f"{last_sunday(10)}T02:15", f"{last_sunday(10)}T02:45"),
]


@pytest.fixture
def world(app, make_user):
    lead = make_user(name="Lea Leitung", email="lea.leitung@example.org")
    member = make_user(name="Max Mitglied")
    group_id = factories.create(
        app, factories.group, name="AK Energie", short_name="AK En", is_public=True, leads=[lead], members=[member]
    )
    client = app.test_client()
    login(client, lead.email)
    return {"lead": lead, "member": member, "group": group_id, "client": client}


def schedule(world, title, starts_at, ends_at):
    form = {"title": title, "starts_at": starts_at, "ends_at": ends_at, "place": "Rathaus", "room": "", "agenda": ""}
    response = post_form(world["client"], f"/arbeitskreise/{world['group']}/sitzungen/neu", form)
    assert response.status_code == 302, response.text
    return form


def calendars_in(messages) -> list[CalendarObject]:
    return [
        CalendarObject(f"mail {part.get_param('method')}", part.get_content())
        for message in messages
        for part in message.walk()
        if part.get_content_type() == "text/calendar"
    ]


def test_every_kind_of_calendar_gives_ical_js_the_stored_times(app, world, as_role, mailbox):
    forms = {title: schedule(world, title, start, end) for title, start, end in MEETINGS}
    with app.app_context():
        meetings = {m.title: m for m in db.session.scalars(select(Meeting))}
        # the second 02:30 of the October night (CET), which no form can type: stored directly
        repeated = (datetime.combine(last_sunday(10), datetime.min.time()) + timedelta(hours=1, minutes=15)).replace(
            tzinfo=UTC
        )
        second = factories.meeting(
            world["group"], title="Zweite 02:15", starts_at=repeated, hours=0.5, invite=[world["lead"], world["member"]]
        )
        db.session.commit()
        meetings[second.title] = second
        for title, start, end in MEETINGS:  # the form's local times are the stored UTC times
            expected = [datetime.fromisoformat(t).replace(tzinfo=BERLIN).astimezone(UTC) for t in (start, end)]
            assert [meetings[title].starts_at, meetings[title].ends_at] == expected, title
    moved = forms["Sommer"] | {"starts_at": f"{YEAR}-07-15T19:00", "ends_at": f"{YEAR}-07-15T21:00"}
    url = f"/termine/{meetings['Sommer'].id}/bearbeiten"
    assert post_form(world["client"], url, moved | {"version": version_on(world["client"], url)}).status_code == 302
    cancelled = meetings["Winter"].id
    detail = f"/termine/{cancelled}"
    assert post_form(world["client"], f"{detail}/absagen", {}, get_url=detail).status_code == 302

    visitor, (manager, _) = app.test_client(), as_role("admin")
    objects = calendars_in(mailbox.messages)
    for client, url in [(world["client"], f"/termine/{m.id}.ics") for m in meetings.values()] + [
        (visitor, feed_url_of(world["client"])),
        (visitor, feed_url_of(manager)),
        (visitor, f"/arbeitskreise/{world['group']}/kalender.ics"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        objects.append(CalendarObject(f"response {url}", response.text))
    with app.app_context():
        stored = {m.uid: (m.sequence, m.starts_at, m.ends_at) for m in db.session.scalars(select(Meeting))}
    for one in objects:
        one.stored = stored
        assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3" in one.text and "RDATE" not in one.text

    result = compare(objects)
    assert result.problems == []
    kinds = {one.source.split()[1] if one.source.startswith("mail") else "response" for one in objects}
    assert kinds == {"REQUEST", "CANCEL", "response"}
    # 6 meetings from the form × 2 invitees, 2 changes, 2 cancels; 7 files; 7 events in each of the three feeds
    assert (result.objects, result.events) == (12 + 2 + 2 + 7 + 3, 12 + 2 + 2 + 7 + 3 * 7)
    assert result.against_stored == result.events - 4  # the first invitations to the moved and cancelled one


def test_the_tool_mailbox_organises_on_behalf_of_the_lead(app, world, mailbox):
    schedule(world, *MEETINGS[1])
    message = next(m for m in mailbox.messages if m["To"] == world["member"].email)
    (event,) = Calendar.from_ical(calendars_in([message])[0].text).walk("VEVENT")
    organizer = event["ORGANIZER"]
    assert str(organizer) == f"mailto:{app.config['MAIL_INBOX_ADDRESS']}"
    assert organizer.params["CN"] == "Lea Leitung" and organizer.params["SENT-BY"] == "mailto:lea.leitung@example.org"
    assert event["ATTENDEE"].params["RSVP"] == "TRUE"

    group_feed = app.test_client().get(f"/arbeitskreise/{world['group']}/kalender.ics")
    calendar = Calendar.from_ical(group_feed.data)
    (event,) = calendar.walk("VEVENT")
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(event["ORGANIZER"]) == f"mailto:{app.config['MAIL_INBOX_ADDRESS']}"
    assert event["ORGANIZER"].params["CN"] == "Netzwerk Landshut" and "SENT-BY" not in event["ORGANIZER"].params
    assert "lea.leitung" not in group_feed.text and "ATTENDEE" not in group_feed.text


@pytest.mark.parametrize("app", [{"MAIL_DEFAULT_SENDER": "netzwerk@region-landshut.example"}], indirect=True)
def test_without_a_sender_name_the_regionalmanagement_organises_public_feeds(app, world):
    schedule(world, *MEETINGS[1])
    (event,) = Calendar.from_ical(app.test_client().get(f"/arbeitskreise/{world['group']}/kalender.ics").data).walk(
        "VEVENT"
    )
    assert event["ORGANIZER"].params["CN"] == "Regionalmanagement Landshut"


def feed_urls(app, world, as_role):
    manager, _ = as_role("admin")
    return {
        "personal": feed_url_of(world["client"]),
        "manager": feed_url_of(manager),
        "group": f"/arbeitskreise/{world['group']}/kalender.ics",
    }


def test_feeds_read_the_same_until_something_changes_and_answer_304(app, world, as_role):
    schedule(world, *MEETINGS[1])
    with app.app_context():
        meeting = db.session.scalar(select(Meeting))
    urls = feed_urls(app, world, as_role) | {"file": f"/termine/{meeting.id}.ics"}
    for kind, url in urls.items():
        client = world["client"] if kind == "file" else app.test_client()
        first, second = client.get(url), client.get(url)
        assert first.data == second.data, kind  # DTSTAMP is the meeting's last change, not the time of the request
        (event,) = Calendar.from_ical(first.data).walk("VEVENT")
        assert event.decoded("DTSTAMP") == meeting.updated_at.replace(microsecond=0)
        assert first.headers["ETag"] and first.last_modified == meeting.updated_at.replace(microsecond=0)
        assert "no-store" not in first.headers["Cache-Control"]
        if kind != "file":
            assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in first.text and "X-PUBLISHED-TTL:PT1H" in first.text
        by_etag = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
        assert by_etag.status_code == 304 and by_etag.data == b"", kind
        by_date = client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]})
        assert by_date.status_code == 304, kind
        earlier = format_datetime(meeting.updated_at - timedelta(minutes=1), usegmt=True)
        assert client.get(url, headers={"If-Modified-Since": earlier}).status_code == 200, kind
        assert client.get(url, headers={"If-None-Match": '"anders"'}).status_code == 200, kind


def test_a_feed_changes_when_a_meeting_enters_changes_or_leaves_it(app, world, as_role):
    schedule(world, *MEETINGS[1])
    urls = feed_urls(app, world, as_role)
    etags = {kind: app.test_client().get(url).headers["ETag"] for kind, url in urls.items()}

    schedule(world, *MEETINGS[0])  # enters every feed
    entered = {kind: app.test_client().get(url).headers["ETag"] for kind, url in urls.items()}
    assert all(entered[kind] != etags[kind] for kind in urls)

    with app.app_context():
        meeting = db.session.scalar(select(Meeting).where(Meeting.title == "Winter"))
        before = meeting.updated_at
    changed = dict(zip(("title", "starts_at", "ends_at"), MEETINGS[0], strict=True))
    url = f"/termine/{meeting.id}/bearbeiten"
    form = {**changed, "place": "Rathaus", "room": "", "agenda": "Neue Tagesordnung"}
    assert post_form(world["client"], url, form | {"version": version_on(world["client"], url)}).status_code == 302
    response = app.test_client().get(urls["personal"])
    assert response.headers["ETag"] != entered["personal"] and "Neue Tagesordnung" in response.text
    with app.app_context():
        after = db.session.get(Meeting, meeting.id).updated_at
    assert after > before and response.last_modified == after.replace(microsecond=0)

    with app.app_context():  # gone without a change of its own (as when its group is deleted)
        db.session.delete(db.session.get(Meeting, meeting.id))
        db.session.commit()
    left = app.test_client().get(urls["personal"], headers={"If-None-Match": response.headers["ETag"]})
    assert left.status_code == 200 and "Neue Tagesordnung" not in left.text
    assert len(Calendar.from_ical(left.data).walk("VEVENT")) == 1


def test_answers_and_minutes_leave_the_feed_alone(app, world, as_role, mailbox):
    schedule(world, *MEETINGS[1])
    url = feed_url_of(world["client"])
    etag = app.test_client().get(url).headers["ETag"]
    link = next(
        re.search(r"https?://\S*/antwort/\S*", m.get_body(("plain",)).get_content()).group(0)
        for m in mailbox.messages
        if m["To"] == world["lead"].email
    )
    assert post_form(app.test_client(), link, {"answer": "yes"}).status_code in (200, 302)
    assert app.test_client().get(url, headers={"If-None-Match": etag}).status_code == 304


def test_the_news_feed_names_its_author(app, client):
    response = client.get("/aktuelles/feed.atom")
    assert response.status_code == 200
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ElementTree.fromstring(response.data)  # noqa: S314 (our own response)
    assert feed.findtext(f"{atom}author/{atom}name") == "Regionalmanagement Stadt und Landkreis Landshut"
