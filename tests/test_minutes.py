"""After the meeting: attendance taken from the invitation list, the minutes (Protokoll) with decisions and
tasks, and the mail telling members the minutes are there."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from netzwerk import clock
from netzwerk.extensions import db
from netzwerk.groups.models import WorkingGroup
from netzwerk.meetings.models import Invitation, Meeting, Task
from tests import factories
from tests.conftest import login, post_form


@pytest.fixture
def held_meeting(app, make_user):
    """A meeting of yesterday: the lead said yes, Max said no, Nora did not answer."""
    lead = make_user(name="Lea Leitung")
    max_ = make_user(name="Max Mitglied")
    nora = make_user(name="Nora Neu", notify_by_email=False)
    other_lead = make_user(name="Oskar Anderer")
    with app.app_context():
        group = factories.group(name="AK Fachkräfte", is_public=True, leads=[lead], members=[max_, nora])
        factories.group(name="AK Mobilität", leads=[other_lead])
        meeting = factories.meeting(
            group,
            title="Herbstsitzung",
            starts_at=clock.now() - timedelta(days=1),
            answers={lead: "yes", max_: "no", nora: None},
        )
        db.session.commit()
        invitations = {i.user.name: i.id for i in db.session.scalars(select(Invitation))}
        meeting_id = meeting.id
    client = app.test_client()
    login(client, lead.email)
    return {
        "client": client,
        "meeting": meeting_id,
        "invitations": invitations,
        "users": {"lead": lead, "max": max_, "nora": nora, "other_lead": other_lead},
    }


def minutes_data(world, **changes):
    inv = world["invitations"]
    rows = [("Lea Leitung", "present", ""), ("Max Mitglied", "excused", ""), ("Nora Neu", "represented", "Paul Post")]
    data = {"version": "1", "minutes": "## TOP 1\nBegrüßung", "decisions": "- Messe im März"}
    for n, (name, status, deputy) in enumerate(rows):
        data |= {
            f"attendance-{n}-invitation_id": str(inv[name]),
            f"attendance-{n}-status": status,
            f"attendance-{n}-represented_by": deputy,
        }
    data |= {"tasks-0-what": "Flyer drucken", "tasks-0-who": "Max", "tasks-0-due_on": "2027-01-15"}
    data |= {"tasks-1-what": "", "tasks-1-who": "", "tasks-1-due_on": ""}  # empty rows are ignored
    data |= changes
    return data


def url(world, suffix="/protokoll"):
    return f"/termine/{world['meeting']}{suffix}"


def test_the_form_is_prefilled_from_the_answers(held_meeting):
    page = held_meeting["client"].get(url(held_meeting)).text
    assert "Lea Leitung" in page and "Max Mitglied" in page and "Nora Neu" in page
    assert page.count('selected value="present"') == 1 and page.count('selected value="excused"') == 1


def test_the_lead_records_and_publishes_and_members_are_told(app, held_meeting, mailbox):
    response = post_form(held_meeting["client"], url(held_meeting), minutes_data(held_meeting, publish="y"))
    assert response.status_code == 302, response.text
    with app.app_context():
        meeting = db.session.get(Meeting, held_meeting["meeting"])
        assert meeting.minutes_published_at is not None and meeting.decisions == "- Messe im März"
        assert [(t.what, t.who, str(t.due_on)) for t in meeting.tasks] == [("Flyer drucken", "Max", "2027-01-15")]
        states = {i.user.name: (i.attendance, i.represented_by) for i in meeting.invitations}
    assert states == {
        "Lea Leitung": ("present", ""),
        "Max Mitglied": ("excused", ""),
        "Nora Neu": ("represented", "Paul Post"),
    }
    # Nora switched notifications off; the others are told, with a link to the minutes
    assert sorted(m["To"] for m in mailbox.messages) == sorted(
        [held_meeting["users"]["lead"].email, held_meeting["users"]["max"].email]
    )
    message = mailbox.messages[0]
    assert message["Subject"].startswith("Protokoll: Herbstsitzung vom ")
    assert f"/termine/{held_meeting['meeting']}#protokoll" in mailbox.text_of(message)
    member = app.test_client()
    login(member, held_meeting["users"]["max"].email)
    page = member.get(url(held_meeting, "")).text
    assert "TOP 1" in page and "Messe im März" in page and "Flyer drucken" in page
    assert "Nora Neu (vertreten durch Paul Post)" in page and "Max Mitglied (entschuldigt)" in page
    group_page = member.get(f"/arbeitskreise/{meeting.group_id}").text
    assert f"/termine/{held_meeting['meeting']}#protokoll" in group_page
    # saving again changes the text but mails nobody twice
    mailbox.messages.clear()
    again = minutes_data(held_meeting, version="2", minutes="## TOP 1\nBegrüßung und Nachtrag")
    assert post_form(held_meeting["client"], url(held_meeting), again).status_code == 302
    assert mailbox.messages == []
    assert "Nachtrag" in member.get(url(held_meeting, "")).text


def test_a_draft_is_seen_by_the_lead_only(app, held_meeting, mailbox):
    assert post_form(held_meeting["client"], url(held_meeting), minutes_data(held_meeting)).status_code == 302
    assert mailbox.messages == []
    assert "Entwurf" in held_meeting["client"].get(url(held_meeting, "")).text
    member = app.test_client()
    login(member, held_meeting["users"]["max"].email)
    page = member.get(url(held_meeting, "")).text
    assert "TOP 1" not in page and "Flyer drucken" not in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"attendance-0-status": ""}, "Bitte wählen Sie, ob die Person anwesend war."),
        ({"attendance-2-represented_by": ""}, "Bitte geben Sie an, wer vertreten hat."),
        ({"attendance-1-status": "verschollen"}, "Not a valid choice"),
        ({"tasks-0-due_on": "31.02.2027"}, "Kein gültiges Datum."),
        ({"tasks-0-what": "", "tasks-0-who": "Max"}, "Bitte beschreiben Sie die Aufgabe."),
        ({"minutes": "Text\x00mit NUL"}, "unzulässige Steuerzeichen"),
        ({"tasks-0-what": "x" * 501}, "Höchstens 500 Zeichen."),
    ],
)
def test_bad_minutes_input_is_explained_and_nothing_is_lost(app, held_meeting, mailbox, changes, message):
    data = minutes_data(held_meeting, publish="y", **{"minutes": "## Mein langer Text", **changes})
    response = post_form(held_meeting["client"], url(held_meeting), data)
    assert response.status_code == 422
    assert message in response.text or message.replace("Not a valid choice", "Keine gültige Auswahl") in response.text
    assert "Mein langer Text" in response.text or "\x00" in data["minutes"]
    with app.app_context():
        meeting = db.session.get(Meeting, held_meeting["meeting"])
        assert meeting.minutes == "" and meeting.minutes_published_at is None
        assert db.session.scalar(select(Task)) is None
        assert all(i.attendance is None for i in meeting.invitations)
    assert mailbox.messages == []


def test_a_foreign_invitation_id_is_refused(app, held_meeting, make_user):
    with app.app_context():
        start = clock.now() - timedelta(days=3)
        group = db.session.scalar(select(WorkingGroup).where(WorkingGroup.name == "AK Mobilität"))
        elsewhere = factories.meeting(group, title="Fremd", starts_at=start, hours=1)
        foreign = factories.invitation(elsewhere, held_meeting["users"]["other_lead"])
        db.session.commit()
        foreign_id = foreign.id
    data = minutes_data(held_meeting, **{"attendance-0-invitation_id": str(foreign_id)})
    response = post_form(held_meeting["client"], url(held_meeting), data)
    assert response.status_code == 422 and "Einladungsliste hat sich inzwischen geändert" in response.text
    with app.app_context():
        assert db.session.get(Invitation, foreign_id).attendance is None


def test_a_stale_form_keeps_the_typed_text(app, held_meeting):
    assert post_form(held_meeting["client"], url(held_meeting), minutes_data(held_meeting)).status_code == 302
    response = post_form(held_meeting["client"], url(held_meeting), minutes_data(held_meeting, minutes="Meine Fassung"))
    assert response.status_code == 422 and "inzwischen von jemand anderem geändert" in response.text
    assert "Meine Fassung" in response.text


def test_no_minutes_before_the_meeting_or_for_a_cancelled_one(app, held_meeting):
    with app.app_context():
        meeting = db.session.get(Meeting, held_meeting["meeting"])
        meeting.starts_at, meeting.ends_at = clock.now() + timedelta(days=1), clock.now() + timedelta(days=1, hours=1)
        db.session.commit()
    response = held_meeting["client"].get(url(held_meeting))
    assert response.status_code == 302
    assert "ab Beginn der Sitzung" in held_meeting["client"].get(response.headers["Location"]).text
    assert (
        post_form(held_meeting["client"], url(held_meeting), minutes_data(held_meeting), get_url="/").status_code == 302
    )
    with app.app_context():
        assert db.session.get(Meeting, held_meeting["meeting"]).minutes == ""


@pytest.mark.parametrize(("who", "status"), [("max", 403), ("other_lead", 404), ("anonymous", 302)])
def test_only_the_groups_leads_write_minutes(app, held_meeting, who, status):
    client = app.test_client()
    if who != "anonymous":
        login(client, held_meeting["users"][who].email)
    assert client.get(url(held_meeting)).status_code == status
    response = post_form(client, url(held_meeting), minutes_data(held_meeting), get_url="/")
    assert response.status_code in (status, 400)
    with app.app_context():
        assert db.session.get(Meeting, held_meeting["meeting"]).minutes == ""


def test_the_page_title_is_the_meetings_title_only(app, held_meeting):
    post_form(held_meeting["client"], url(held_meeting), minutes_data(held_meeting, publish="y"))
    page = held_meeting["client"].get(url(held_meeting, "")).text
    assert "<title>Herbstsitzung – Netzwerk Landshut</title>" in page
    assert page.count('id="protokoll"') == 1
