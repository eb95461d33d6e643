"""Meetings: scheduling with calendar invitations, answers by mail link and in the app, Meine Termine."""

import re
from datetime import UTC, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from netzwerk import clock
from netzwerk.audit.models import AuditEntry
from netzwerk.extensions import db
from netzwerk.meetings.models import Invitation, Meeting
from tests import factories
from tests.conftest import csrf_token_from, login, post_form, version_on


@pytest.fixture
def group_world(app, make_user):
    lead = make_user(name="Lea Leitung")
    member = make_user(name="Max Mitglied")
    outsider = make_user(name="Olaf Outsider")
    group_id = factories.create(
        app, factories.group, name="AK Fachkräfte", short_name="AK FK", is_public=True, leads=[lead], members=[member]
    )
    client = app.test_client()
    login(client, lead.email)
    return {"lead": lead, "member": member, "outsider": outsider, "group": group_id, "client": client}


def meeting_form(**changes):
    start = (clock.wall_clock(clock.now()) + timedelta(days=14)).replace(hour=18, minute=0, second=0, microsecond=0)
    data = {
        "title": "Sitzung Frühjahr",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "place": "Landratsamt Landshut, Veldener Straße 15",
        "room": "Sitzungssaal",
        "online_url": "",
        "agenda": "1. Begrüßung\n2. **Ausbildungsmesse**\n<script>alert(1)</script>",
    }
    data.update(changes)
    return data


def schedule(world, **changes):
    url = f"/arbeitskreise/{world['group']}/sitzungen/neu"
    return post_form(world["client"], url, meeting_form(**changes))


def calendar_of(message) -> Calendar:
    part = message.get_body(("calendar",))
    assert part.get_param("method") == "REQUEST"
    return Calendar.from_ical(part.get_content())


def test_a_lead_schedules_and_every_member_gets_a_calendar_invitation(app, group_world, mailbox):
    response = schedule(group_world)
    assert response.status_code == 302, response.text
    assert sorted(m["To"] for m in mailbox.messages) == sorted([group_world["lead"].email, group_world["member"].email])
    message = next(m for m in mailbox.messages if m["To"] == group_world["member"].email)
    assert message["Subject"].startswith("Einladung: Sitzung Frühjahr am ")
    text = mailbox.text_of(message)
    assert "Landratsamt Landshut, Veldener Straße 15, Sitzungssaal" in text and "/antwort/" in text
    assert "<script>" not in mailbox.html_of(message)
    calendar = calendar_of(message)
    assert calendar["METHOD"] == "REQUEST"
    assert [c.name for c in calendar.walk("VTIMEZONE")] == ["VTIMEZONE"]
    (event,) = calendar.walk("VEVENT")
    with app.app_context():
        meeting = db.session.scalar(select(Meeting))
        assert str(event["UID"]) == meeting.uid and int(event["SEQUENCE"]) == 0
        assert event.decoded("DTSTART").astimezone(UTC) == meeting.starts_at
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert str(event["SUMMARY"]) == "AK FK: Sitzung Frühjahr"
    # the tool's mailbox organises (answers come back to it), on behalf of the lead who scheduled
    assert str(event["ORGANIZER"]) == f"mailto:{app.config['MAIL_INBOX_ADDRESS']}"
    assert event["ORGANIZER"].params["CN"] == "Lea Leitung"
    assert event["ORGANIZER"].params["SENT-BY"] == f"mailto:{group_world['lead'].email}"
    assert event["ATTENDEE"].params["RSVP"] == "TRUE"
    assert str(event["ATTENDEE"]) == f"mailto:{group_world['member'].email}"
    assert str(event["STATUS"]) == "CONFIRMED" and "DTSTAMP" in event


@pytest.mark.parametrize(
    "local, utc_hour",
    [("2027-03-27T10:00", 9), ("2027-03-28T10:00", 8), ("2027-10-30T10:00", 8), ("2027-10-31T10:00", 9)],
)
def test_times_are_berlin_time_across_the_daylight_saving_change(app, group_world, local, utc_hour):
    end = local[:11] + "12:00"
    assert schedule(group_world, starts_at=local, ends_at=end).status_code == 302
    with app.app_context():
        meeting = db.session.scalar(select(Meeting))
        assert meeting.starts_at.hour == utc_hour and meeting.starts_at.tzinfo is not None
    ics = group_world["client"].get(f"/termine/{meeting.id}.ics").data
    (event,) = Calendar.from_ical(ics).walk("VEVENT")
    assert event.decoded("DTSTART").strftime("%Y-%m-%dT%H:%M") == local


@pytest.mark.parametrize(
    "local, name",
    [
        ("2027-12-24T10:00", "Heiligabend"),
        ("2027-12-31T10:00", "Silvester"),
        ("2027-12-25T10:00", "Erster Weihnachtstag"),
        ("2027-08-15T10:00", "Mariä Himmelfahrt"),  # a holiday in Landshut's mostly Catholic municipalities
        ("2027-06-10T10:00", None),  # an ordinary Thursday
    ],
)
def test_a_meeting_on_a_holiday_gets_a_hint(group_world, local, name):
    """Saved all the same (the organiser may mean it), with a hint on saving and on the meeting page."""
    response = schedule(group_world, starts_at=local, ends_at=local[:11] + "12:00")
    assert response.status_code == 302
    page = group_world["client"].get(response.headers["Location"]).text
    if name is None:
        assert "Hinweis:" not in page and "Feiertag:" not in page
    else:
        day = f"{local[8:10]}.{local[5:7]}.{local[:4]}"
        assert f"Hinweis: {day} ({name}) ist ein Feiertag oder meist arbeitsfrei" in page
        assert f"(Feiertag: {name})" in page


def test_a_meeting_held_without_the_tool_is_entered_afterwards_with_attendance(app, group_world, mailbox):
    """No invitation goes out; the members form the attendance list, which the lead fills in with the minutes."""
    held = (clock.wall_clock(clock.now()) - timedelta(days=3)).replace(hour=18, minute=0, second=0, microsecond=0)
    form = meeting_form(
        title="Auftakt im Rathaus",
        starts_at=held.strftime("%Y-%m-%dT%H:%M"),
        ends_at=(held + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
    )
    url = f"/arbeitskreise/{group_world['group']}/sitzungen/nachtragen"
    response = post_form(group_world["client"], url, form)
    assert response.status_code == 302 and response.headers["Location"].endswith("/protokoll")
    assert mailbox.messages == []
    with app.app_context():
        meeting = db.session.scalar(select(Meeting))
        assert meeting.title == "Auftakt im Rathaus" and meeting.starts_at < clock.now()
        invited = {(i.user.name, i.answer) for i in db.session.scalars(select(Invitation))}
        assert invited == {("Lea Leitung", None), ("Max Mitglied", None)}
        assert (
            db.session.scalar(select(AuditEntry.action).where(AuditEntry.target_type == "Meeting"))
            == "meeting.recorded"
        )
    minutes = group_world["client"].get(response.headers["Location"]).text
    assert "Max Mitglied" in minutes and "Anwesenheit" in minutes
    group_page = group_world["client"].get(f"/arbeitskreise/{group_world['group']}").text
    assert "Sitzung nachtragen" in group_page

    ahead = post_form(group_world["client"], url, meeting_form(title="Zu früh"))  # in two weeks
    assert (
        ahead.status_code == 422 and "Der Beginn liegt in der Zukunft" in ahead.text and 'value="Zu früh"' in ahead.text
    )
    member = app.test_client()
    login(member, group_world["member"].email)
    assert member.get(url).status_code == 403


def test_bad_meeting_input_gets_clear_answers_and_changes_nothing(app, group_world, mailbox):
    yesterday = (clock.wall_clock(clock.now()) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    cases = [
        ({"ends_at": meeting_form()["starts_at"]}, "Das Ende muss nach dem Beginn liegen."),
        ({"starts_at": yesterday, "ends_at": yesterday[:11] + "23:59"}, "Der Beginn liegt in der Vergangenheit."),
        ({"place": "", "room": ""}, "Bitte geben Sie einen Ort oder einen Online-Link an."),
        ({"starts_at": "morgen früh"}, "Bitte geben Sie Datum und Uhrzeit des Beginns an"),
        ({"title": "", "online_url": "zoom"}, "Bitte geben Sie einen Titel ein."),
    ]
    for changes, message in cases:
        response = schedule(group_world, **changes)
        assert response.status_code == 422, changes
        assert message in response.text, changes
    with app.app_context():
        assert db.session.scalar(select(Meeting)) is None
    assert mailbox.messages == []


def test_the_mail_link_answers_only_by_button_and_can_be_changed(app, group_world, mailbox):
    schedule(group_world)
    message = next(m for m in mailbox.messages if m["To"] == group_world["member"].email)
    link = mailbox.link_in(message, "/antwort/")
    visitor = app.test_client()  # not logged in: the link is enough
    page = visitor.get(link)
    assert page.status_code == 200 and "Antwort für Max Mitglied" in page.text
    with app.app_context():  # a mail scanner opening the link answers nothing
        assert (
            db.session.scalar(select(Invitation.answer).where(Invitation.user_id == group_world["member"].id)) is None
        )
    post_form(visitor, link, {"answer": "yes", "comment": "Komme gern"})
    post_form(visitor, link, {"answer": "no", "comment": "Doch verhindert"})
    with app.app_context():
        invitation = db.session.scalar(select(Invitation).where(Invitation.user_id == group_world["member"].id))
        assert (invitation.answer, invitation.comment) == ("no", "Doch verhindert")
    detail = group_world["client"].get(f"/termine/{invitation.meeting_id}").text
    assert "Max Mitglied" in detail and "Doch verhindert" in detail and "Absage: 1" in detail


def test_forged_and_foreign_answer_links_are_refused(app, group_world, mailbox):
    schedule(group_world)
    link = mailbox.link_in(next(m for m in mailbox.messages if m["To"] == group_world["member"].email), "/antwort/")
    token = link.rsplit("/", 1)[1]
    client = app.test_client()
    for bad in (token[:-3] + "abc", "x" * 40, token.replace(".", "")):
        response = client.get(f"/antwort/{bad}")
        assert response.status_code == 400 and "Antwort-Link ist ungültig" in response.text
    from itsdangerous import URLSafeTimedSerializer

    with app.app_context():
        lead_invitation = db.session.scalar(select(Invitation).where(Invitation.user_id == group_world["lead"].id))
        forged = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="meeting-answer").dumps(
            {"i": lead_invitation.id, "u": group_world["member"].id, "m": lead_invitation.meeting_id}
        )
    assert client.get(f"/antwort/{forged}").status_code == 400  # the member's id with the lead's invitation


def test_members_answer_in_the_app_and_see_their_meetings(app, group_world, mailbox):
    schedule(group_world)
    member = app.test_client()
    login(member, group_world["member"].email)
    start_page = member.get("/").text
    assert "Sitzung Frühjahr" in start_page and "noch offen" in start_page
    with app.app_context():
        meeting_id = db.session.scalar(select(Meeting.id))
    response = post_form(
        member, f"/termine/{meeting_id}/antwort", {"answer": "maybe", "comment": ""}, get_url=f"/termine/{meeting_id}"
    )
    assert response.status_code == 302
    assert "Vielleicht" in member.get("/termine/").text
    bad = post_form(member, f"/termine/{meeting_id}/antwort", {"answer": "jein"}, get_url=f"/termine/{meeting_id}")
    assert bad.status_code == 422


def test_outsiders_see_no_meeting_and_cannot_schedule(app, group_world, mailbox):
    schedule(group_world)
    with app.app_context():
        meeting_id = db.session.scalar(select(Meeting.id))
    outsider = app.test_client()
    login(outsider, group_world["outsider"].email)
    assert outsider.get(f"/termine/{meeting_id}").status_code == 404
    assert outsider.get(f"/termine/{meeting_id}.ics").status_code == 404
    assert "Sitzung Frühjahr" not in outsider.get("/termine/").text
    assert outsider.get(f"/arbeitskreise/{group_world['group']}/sitzungen/neu").status_code == 403
    token = csrf_token_from(outsider.get("/termine/").text)
    assert (
        outsider.post(f"/termine/{meeting_id}/antwort", data={"csrf_token": token, "answer": "yes"}).status_code == 404
    )


def test_agenda_markdown_is_sanitised(app, group_world, mailbox):
    schedule(group_world, agenda="## TOP 1\n[Link](javascript:alert(1)) <img src=x onerror=alert(1)>")
    with app.app_context():
        meeting_id = db.session.scalar(select(Meeting.id))
    page = group_world["client"].get(f"/termine/{meeting_id}").text
    agenda = re.search(r'<div class="markdown">(.*?)</div>', page, re.S).group(1)
    assert "<h3>TOP 1</h3>" in agenda and 'href="javascript' not in agenda and "<img" not in agenda


def meeting_id_of(app) -> int:
    with app.app_context():
        return db.session.scalar(select(Meeting.id))


def test_a_new_time_reaches_everyone_invited_and_declined_ones_may_accept_now(app, group_world, mailbox):
    schedule(group_world)
    meeting_id = meeting_id_of(app)
    link = mailbox.link_in(next(m for m in mailbox.messages if m["To"] == group_world["lead"].email), "/antwort/")
    post_form(group_world["client"], link, {"answer": "no"})
    mailbox.messages.clear()
    later = meeting_form()
    later["starts_at"] = later["starts_at"][:11] + "19:00"
    later["ends_at"] = later["ends_at"][:11] + "21:00"
    url = f"/termine/{meeting_id}/bearbeiten"
    later["version"] = version_on(group_world["client"], url)
    assert post_form(group_world["client"], url, later).status_code == 302
    by_person = {m["To"]: m for m in mailbox.messages}
    assert sorted(by_person) == sorted([group_world["lead"].email, group_world["member"].email])
    declined, open_one = by_person[group_world["lead"].email], by_person[group_world["member"].email]
    for message in (declined, open_one):
        assert message["Subject"].startswith("Geändert: ")
        (event,) = calendar_of(message).walk("VEVENT")
        assert int(event["SEQUENCE"]) == 1 and event.decoded("DTSTART").hour == 19
        assert "/antwort/" in mailbox.text_of(message) and "/antwort/" in mailbox.html_of(message)
    anew = "Sie hatten abgesagt. Passt Ihnen der neue Termin, können Sie über den folgenden Link jetzt zusagen."
    assert anew in mailbox.text_of(declined) and anew in mailbox.html_of(declined)
    assert anew not in mailbox.text_of(open_one)
    assert "neu zu- oder absagen" in mailbox.text_of(open_one)
    post_form(app.test_client(), mailbox.link_in(declined, "/antwort/"), {"answer": "yes"})  # the new date suits
    with app.app_context():
        lead_answer = select(Invitation.answer).where(Invitation.user_id == group_world["lead"].id)
        assert db.session.scalar(lead_answer) == "yes"
    mailbox.messages.clear()
    again = {**later, "agenda": "Neue TOPs", "version": version_on(group_world["client"], url)}  # saved since
    assert post_form(group_world["client"], url, again).status_code == 302
    assert mailbox.messages == []  # the agenda alone sends nothing, but calendars still see the new SEQUENCE
    with app.app_context():
        assert db.session.get(Meeting, meeting_id).sequence == 2


def test_cancelling_asks_first_then_keeps_the_meeting_and_sends_cancel_with_the_reason(app, group_world, mailbox):
    schedule(group_world)
    meeting_id = meeting_id_of(app)
    answer_link = mailbox.link_in(
        next(m for m in mailbox.messages if m["To"] == group_world["member"].email), "/antwort/"
    )
    mailbox.messages.clear()
    lead = group_world["client"]
    detail = lead.get(f"/termine/{meeting_id}").text
    assert f'href="/termine/{meeting_id}/absagen"' in detail  # the button leads to the question, not a POST
    url = f"/termine/{meeting_id}/absagen"
    question = lead.get(url)
    assert question.status_code == 200
    assert '<label class="label" for="reason">Grund (optional)</label>' in question.text
    assert "Sitzung absagen" in question.text and "Sitzung Frühjahr" in question.text
    with app.app_context():  # asking changes nothing
        assert db.session.get(Meeting, meeting_id).status == "scheduled"
    assert mailbox.messages == []
    too_long = post_form(lead, url, {"reason": "x" * 2001})
    assert too_long.status_code == 422 and "Höchstens 2000 Zeichen." in too_long.text and "x" * 2001 in too_long.text
    reason = "Die Referentin ist erkrankt; ein neuer Termin folgt."
    assert post_form(lead, url, {"reason": reason}).status_code == 302
    assert len(mailbox.messages) == 2
    message = next(m for m in mailbox.messages if m["To"] == group_world["member"].email)
    assert message["Subject"].startswith("Abgesagt: ")
    assert f"Grund der Absage: {reason}" in mailbox.text_of(message) and reason in mailbox.html_of(message)
    part = mailbox.calendar_of(message)
    assert part.get_param("method") == "CANCEL"
    calendar = Calendar.from_ical(part.get_content())
    (event,) = calendar.walk("VEVENT")
    assert calendar["METHOD"] == "CANCEL" and str(event["STATUS"]) == "CANCELLED" and int(event["SEQUENCE"]) == 1
    assert str(event["COMMENT"]) == reason
    page = lead.get(f"/termine/{meeting_id}").text
    assert "Diese Sitzung ist abgesagt." in page and f"Abgesagt: {reason}" in page
    assert "Diese Sitzung ist abgesagt." in app.test_client().get(answer_link).text
    late = post_form(app.test_client(), answer_link, {"answer": "yes"})
    assert late.status_code == 200 and "Diese Sitzung ist abgesagt." in late.text
    with app.app_context():
        assert (
            db.session.scalar(select(Invitation.answer).where(Invitation.user_id == group_world["member"].id)) is None
        )
        from netzwerk.audit.models import AuditEntry

        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "meeting.cancelled"))
        assert entry.changes == {"cancel_reason": ["", reason]} and entry.actor_id == group_world["lead"].id
    assert lead.get(f"/termine/{meeting_id}/bearbeiten").status_code == 409
    mailbox.messages.clear()
    assert lead.get(url).status_code == 302  # already cancelled: back to the meeting, nothing sent again
    assert mailbox.messages == []


def test_cancelling_without_a_reason_says_nothing_about_one(app, group_world, mailbox):
    schedule(group_world)
    meeting_id = meeting_id_of(app)
    mailbox.messages.clear()
    url = f"/termine/{meeting_id}/absagen"
    assert post_form(group_world["client"], url, {"reason": "   "}).status_code == 302
    message = mailbox.messages[0]
    assert "Grund der Absage" not in mailbox.text_of(message)
    (event,) = Calendar.from_ical(mailbox.calendar_of(message).get_content()).walk("VEVENT")
    assert "COMMENT" not in event
    assert "Abgesagt:" not in group_world["client"].get(f"/termine/{meeting_id}").text


def test_only_the_groups_leads_change_or_cancel(app, group_world, mailbox):
    schedule(group_world)
    meeting_id = meeting_id_of(app)
    member = app.test_client()
    login(member, group_world["member"].email)
    assert member.get(f"/termine/{meeting_id}/bearbeiten").status_code == 403
    assert member.get(f"/termine/{meeting_id}/absagen").status_code == 403
    token = csrf_token_from(member.get(f"/termine/{meeting_id}").text)
    assert member.post(f"/termine/{meeting_id}/absagen", data={"csrf_token": token}).status_code == 403
    with app.app_context():
        assert db.session.get(Meeting, meeting_id).status == "scheduled"


def test_meeting_mails_have_the_shape_outlook_and_gmail_expect(app, group_world, mailbox):
    """multipart/mixed [multipart/alternative [plain, html, calendar], .ics attachment], answers to the tool."""
    schedule(group_world)
    message = next(m for m in mailbox.messages if m["To"] == group_world["member"].email)
    assert message.get_content_type() == "multipart/mixed"
    alternative, attachment = message.iter_parts()
    assert alternative.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in alternative.iter_parts()] == ["text/plain", "text/html", "text/calendar"]
    inline = list(alternative.iter_parts())[2]
    assert inline.get_param("method") == "REQUEST" and inline.get_content_charset() == "utf-8"
    assert inline.get_content_disposition() is None  # shown as the invitation, not as a file
    assert attachment.get_content_type() == "application/ics"
    assert attachment.get_content_disposition() == "attachment" and attachment.get_filename() == "einladung.ics"
    assert Calendar.from_ical(attachment.get_content()) == Calendar.from_ical(inline.get_content())
    assert "Frühjahr" in inline.get_content()  # UTF-8 survives
    assert message["Reply-To"] == app.config["MAIL_INBOX_ADDRESS"]
    assert message["List-Unsubscribe"] is None and message["List-Unsubscribe-Post"] is None  # not a notification
    mailbox.messages.clear()
    meeting_id = meeting_id_of(app)
    post_form(group_world["client"], f"/termine/{meeting_id}/absagen", {"reason": ""})
    cancel = next(m for m in mailbox.messages if m["To"] == group_world["member"].email)
    alternative, attachment = cancel.iter_parts()
    assert [p.get_content_type() for p in alternative.iter_parts()][-1] == "text/calendar"
    assert mailbox.calendar_of(cancel).get_param("method") == "CANCEL"
    assert attachment.get_filename() == "absage.ics" and cancel["Reply-To"] == app.config["MAIL_INBOX_ADDRESS"]


def test_mails_without_a_calendar_stay_plain_alternatives(app, make_user, mailbox):
    from netzwerk.mail.services import deliver, queue_mail

    user = make_user()
    with app.test_request_context():
        mail = queue_mail(
            user.email, "password_reset", user=db.session.get(type(user), user.id), link="https://x.invalid"
        )
        db.session.commit()
        deliver([mail])
    (message,) = mailbox.messages
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    assert message["Reply-To"] is None and message["List-Unsubscribe"] is None


@pytest.mark.parametrize(
    "audience, expected",
    [
        ("all", {"Anna Zusage", "Otto Offen", "Nora Absage"}),
        ("accepted", {"Anna Zusage"}),
        ("unanswered", {"Otto Offen"}),
    ],
)
def test_the_lead_writes_to_the_invitees_and_the_message_stays_on_the_meeting_page(
    app, make_user, mailbox, audience, expected
):
    """Through the outbox, only to the chosen invitees who receive mail (Stefan Still turned mail off)."""
    lead, anna, otto, nora = (make_user(name=n) for n in ("Lea Leitung", "Anna Zusage", "Otto Offen", "Nora Absage"))
    still = make_user(name="Stefan Still")
    with app.app_context():
        db.session.get(type(still), still.id).notify_by_email = False
        group = factories.group(name="AK Nachricht", leads=[lead], members=[anna, otto, nora, still])
        meeting = factories.meeting(
            group, title="Sitzung Mai", answers={anna: "yes", nora: "no", still: "yes"}, invite=[otto]
        )
        db.session.commit()
        meeting_id = meeting.id
    client = app.test_client()
    login(client, lead.email)
    url = f"/termine/{meeting_id}/nachricht"
    form_page = client.get(url).text
    assert "nur Zusagen (1 Person)" in form_page and "alle Eingeladenen (3 Personen)" in form_page
    data = {"audience": audience, "subject": "Raum geändert", "body": "Wir tagen im Sitzungssaal 2."}
    response = post_form(client, url, data)
    assert response.status_code == 302
    names = {m["To"].split("@")[0] for m in mailbox.messages}
    with app.app_context():
        by_email = {u.email.split("@")[0]: u.name for u in db.session.scalars(select(type(still)))}
    assert {by_email[n] for n in names} == expected
    assert all(m["Subject"] == "[AK Nachricht] Raum geändert" for m in mailbox.messages)
    assert "Wir tagen im Sitzungssaal 2." in mailbox.text_of(mailbox.messages[0])
    page = client.get(f"/termine/{meeting_id}").text
    assert "Raum geändert" in page and f"{len(expected)} Empfänger" in page
    invitee = app.test_client()
    login(invitee, otto.email)
    assert "Raum geändert" in invitee.get(f"/termine/{meeting_id}").text
    assert invitee.get(url).status_code == 403
    empty = post_form(client, url, {"audience": "boss", "subject": "", "body": ""})
    assert empty.status_code == 422 and "Bitte geben Sie einen Betreff ein." in empty.text


def test_the_invitees_with_their_answers_go_out_as_csv_and_xlsx(app, make_user):
    import io

    from openpyxl import load_workbook

    lead, anna, otto = (make_user(name=n) for n in ("Lea Leitung", "Anna Zusage", "Otto Offen"))
    with app.app_context():
        group = factories.group(name="AK Liste", short_name="AK L", leads=[lead], members=[anna, otto])
        meeting = factories.meeting(group, answers={anna: "yes"}, invite=[otto, lead])
        db.session.commit()
        meeting_id, day = meeting.id, clock.to_local(meeting.starts_at).date()
    client = app.test_client()
    login(client, lead.email)
    assert f"/termine/{meeting_id}/eingeladene.csv" in client.get(f"/termine/{meeting_id}").text
    response = client.get(f"/termine/{meeting_id}/eingeladene.csv")
    assert f'filename="eingeladene-ak-l-{day:%Y-%m-%d}.csv"' in response.headers["Content-Disposition"]
    lines = response.data.decode("utf-8-sig").splitlines()
    assert lines[0] == "Name;Organisation;Antwort;Bemerkung;Anwesenheit;vertreten durch;E-Mail"
    assert any(line.startswith("Anna Zusage;;Zusage") for line in lines)
    assert any(line.startswith("Otto Offen;;noch offen") for line in lines)
    sheet = load_workbook(io.BytesIO(client.get(f"/termine/{meeting_id}/eingeladene.xlsx").data)).active
    assert [row[0] for row in sheet.iter_rows(values_only=True)] == ["Name", "Anna Zusage", "Lea Leitung", "Otto Offen"]
    invitee = app.test_client()
    login(invitee, anna.email)
    assert invitee.get(f"/termine/{meeting_id}/eingeladene.csv").status_code == 403


def test_the_attendance_sheet_lists_who_is_expected_with_a_signature_column_and_the_funding_notice(
    app, make_user, as_role
):
    """Page and PDF: every invitee but the Absagen (guests marked), blank rows for who comes unannounced, the
    office's name and the funding notice the manager set."""
    import io

    from pypdf import PdfReader

    lead, anna, nora, gustav = (make_user(name=n) for n in ("Lea Leitung", "Anna Zusage", "Nora Absage", "Gustav Gast"))
    with app.app_context():
        group = factories.group(name="AK Liste", short_name="AK L", leads=[lead], members=[anna, nora])
        meeting = factories.meeting(group, title="Frühjahrssitzung", answers={anna: "yes", nora: "no"}, invite=[lead])
        factories.invitation(meeting, gustav, is_guest=True, answer="yes")
        db.session.commit()
        meeting_id = meeting.id
    manager, _ = as_role("admin")
    notice = "Gefördert durch das Bayerische Staatsministerium für Wirtschaft, Landesentwicklung und Energie."
    saved = post_form(
        manager,
        "/uebersicht/einstellungen",
        {
            "office_name": "Regionalmanagement Landshut",
            "funding_notice": notice,
            "version": version_on(manager, "/uebersicht/einstellungen"),
        },
    )
    assert saved.status_code == 302

    client = app.test_client()
    login(client, lead.email)
    page = client.get(f"/termine/{meeting_id}/teilnehmerliste").text
    assert "Anna Zusage" in page and "Gustav Gast (Gast)" in page and "Lea Leitung" in page
    assert "Nora Absage" not in page and notice in page and "Regionalmanagement Landshut" in page
    assert page.count('class="attendance-sheet__signature"') == 3 + 5  # three expected, five blank rows

    response = client.get(f"/termine/{meeting_id}/teilnehmerliste.pdf")
    assert response.mimetype == "application/pdf" and "teilnehmerliste-ak-l-" in response.headers["Content-Disposition"]
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    for expected in (
        "Teilnehmerliste: Frühjahrssitzung",
        "Unterschrift",
        "Anna Zusage",
        "Gustav Gast (Gast)",
        "Seite 1 von 1",
    ):
        assert expected in text, expected
    assert "Nora Absage" not in text and "Gefördert durch das Bayerische" in text

    member = app.test_client()
    login(member, anna.email)
    assert member.get(f"/termine/{meeting_id}/teilnehmerliste").status_code == 403
    assert member.get(f"/termine/{meeting_id}/teilnehmerliste.pdf").status_code == 403


def test_the_office_logo_goes_on_the_report_title_page_and_a_bad_image_is_refused(app, as_role):
    import io

    from PIL import Image
    from pypdf import PdfReader

    manager, _ = as_role("admin")
    url = "/uebersicht/einstellungen"
    form = {"office_name": "Regionalmanagement Landshut", "funding_notice": "Gefördert vom Freistaat Bayern."}
    not_an_image = post_form(
        manager,
        url,
        {**form, "version": version_on(manager, url), "logo": (io.BytesIO(b"<svg/>"), "logo.svg")},
        content_type="multipart/form-data",
    )
    assert not_an_image.status_code == 422 and "PNG- oder JPEG-Bild" in not_an_image.text
    assert 'value="Regionalmanagement Landshut"' in not_an_image.text  # what was typed stays
    png = io.BytesIO()
    Image.new("RGB", (300, 100), "#1d3f6e").save(png, "PNG")
    png.seek(0)
    saved = post_form(
        manager,
        url,
        {**form, "version": version_on(manager, url), "logo": (png, "logo.png")},
        content_type="multipart/form-data",
    )
    assert saved.status_code == 302 and "Ein Logo ist hinterlegt" in manager.get(url).text
    pdf = PdfReader(io.BytesIO(manager.get("/uebersicht/jahresbericht.pdf").data))
    cover = pdf.pages[0]
    assert len(cover.images) == 1 and "Berichtszeitraum:" in cover.extract_text()
    assert (
        "Regionalmanagement Landshut" in cover.extract_text()
        and "Gefördert vom Freistaat Bayern." in cover.extract_text()
    )
    removed = post_form(manager, url, {**form, "version": version_on(manager, url), "remove_logo": "y"})
    assert removed.status_code == 302 and "Ein Logo ist hinterlegt" not in manager.get(url).text


def test_office_settings_refuse_empty_values_and_keep_the_defaults(as_role):
    manager, _ = as_role("admin")
    page = manager.get("/uebersicht/einstellungen").text
    assert "Förderrichtlinie Landesentwicklung (FöRLa)" in page  # the default until saved
    response = post_form(
        manager, "/uebersicht/einstellungen", {"office_name": "", "funding_notice": "", "version": "1"}
    )
    assert response.status_code == 422 and "Bitte geben Sie den Namen der Stelle an." in response.text
