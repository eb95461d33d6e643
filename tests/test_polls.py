"""Date polls (Terminumfragen): proposing slots, mails, voting, the table, reminders, the meeting in one step."""

from datetime import UTC, timedelta

import pytest
from sqlalchemy import func, select

from netzwerk import clock
from netzwerk.audit.models import AuditEntry
from netzwerk.auth.models import User
from netzwerk.extensions import db
from netzwerk.meetings.models import Invitation, Meeting
from netzwerk.polls.models import Poll, PollReminder, PollSlot, PollVote
from tests import factories
from tests.conftest import count_queries, csrf_token_from, login, post_form

IN_TWO_WEEKS = clock.wall_clock(clock.now()) + timedelta(days=14)
DAY = IN_TWO_WEEKS.strftime("%Y-%m-%d")
NEXT_DAY = (IN_TWO_WEEKS + timedelta(days=1)).strftime("%Y-%m-%d")


@pytest.fixture
def world(app, make_user):
    """A group with a lead, two members; an outsider, a partner, and the lead of another group."""
    lead = make_user(name="Lea Leitung")
    anna = make_user(name="Anna Abstimmung")
    bernd = make_user(name="Bernd Bummler")
    outsider = make_user(name="Olaf Outsider")
    partner = make_user(role="partner", name="Paula Partner")
    other_lead = make_user(name="Otto Andersleiter")
    with app.app_context():
        group = factories.group(
            name="AK Fachkräfte", short_name="AK FK", is_public=True, leads=[lead], members=[anna, bernd]
        )
        factories.group(name="AK Innovation", is_public=True, leads=[other_lead])
        db.session.commit()
        group_id = group.id
    client = app.test_client()
    login(client, lead.email)
    people = {"lead": lead, "anna": anna, "bernd": bernd, "outsider": outsider, "partner": partner}
    return {**people, "other_lead": other_lead, "group": group_id, "client": client}


def client_of(app, user):
    client = app.test_client()
    assert login(client, user.email).status_code == 302
    return client


def poll_form(slots=((DAY, "18:00", "20:00"), (NEXT_DAY, "09:00", "11:00")), **changes):
    data = {
        "title": "Frühjahrssitzung",
        "place": "Landratsamt Landshut, Sitzungssaal",
        "online_url": "",
        "description": "1. Ausbildungsmesse",
        "deadline": "",
    }
    for index in range(6):
        day, start, end = slots[index] if index < len(slots) else ("", "", "")
        data.update({f"slots-{index}-day": day, f"slots-{index}-start": start, f"slots-{index}-end": end})
    data.update(changes)
    return data


def start(world, **kwargs):
    return post_form(world["client"], f"/arbeitskreise/{world['group']}/umfragen/neu", poll_form(**kwargs))


def only_poll(app) -> Poll:
    with app.app_context():
        poll = db.session.scalar(select(Poll))
        return db.session.get(Poll, poll.id, populate_existing=True) if poll else None


def slot_ids(app) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(PollSlot.id).order_by(PollSlot.starts_at)))


def cast(app, client, poll_id, *values):
    data = {f"slot-{slot_id}": value for slot_id, value in zip(slot_ids(app), values, strict=True)}
    return post_form(client, f"/umfragen/{poll_id}/abstimmen", data, get_url=f"/umfragen/{poll_id}")


# --- Starting a poll ---------------------------------------------------------------------------------------


def test_a_lead_starts_a_poll_and_every_member_gets_a_mail_with_a_working_link(app, world, mailbox):
    response = start(world, deadline=(IN_TWO_WEEKS - timedelta(days=3)).strftime("%Y-%m-%dT18:00"))
    assert response.status_code == 302, response.text
    poll = only_poll(app)
    assert response.headers["Location"].endswith(f"/umfragen/{poll.id}")
    with app.app_context():
        slots = db.session.scalars(select(PollSlot).order_by(PollSlot.starts_at)).all()
        local = slots[0].starts_at.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Berlin"))
        assert (local.strftime("%Y-%m-%d %H:%M"), slots[0].starts_at.tzinfo) == (f"{DAY} 18:00", UTC)
        assert len(slots) == 2
        assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.action == "poll.created"))
    expected = sorted(world[name].email for name in ("lead", "anna", "bernd"))
    assert sorted(message["To"] for message in mailbox.messages) == expected
    message = next(m for m in mailbox.messages if m["To"] == world["anna"].email)
    assert message["Subject"] == "Terminumfrage: Frühjahrssitzung (AK FK)"
    text = mailbox.text_of(message)
    assert "18:00 – 20:00 Uhr" in text and "Bitte stimmen Sie bis" in text
    link = mailbox.link_in(message, f"/umfragen/{poll.id}")
    anna = app.test_client()
    page = anna.get(link)
    assert page.status_code == 302 and "/login?next=" in page.headers["Location"]
    login(anna, world["anna"].email)
    page = anna.get(link)
    assert page.status_code == 200 and "Frühjahrssitzung" in page.text and "Ihre Stimme" in page.text


def test_the_form_offers_six_rows_and_more_without_javascript(app, world, mailbox):
    url = f"/arbeitskreise/{world['group']}/umfragen/neu"
    page = world["client"].get(url)
    assert page.status_code == 200 and 'name="slots-5-day"' in page.text and 'name="slots-6-day"' not in page.text
    typed = poll_form(title="Noch nicht fertig", more_rows="1")
    again = post_form(world["client"], url, typed)
    assert again.status_code == 200 and 'name="slots-8-day"' in again.text
    assert 'value="Noch nicht fertig"' in again.text and f'value="{DAY}"' in again.text
    assert only_poll(app) is None and mailbox.messages == []


NUL = "Früh\x00jahr"
PAST = (clock.wall_clock(clock.now()) - timedelta(days=1)).strftime("%Y-%m-%d")


@pytest.mark.parametrize(
    "slots, changes, message",
    [
        ((), {}, "Bitte schlagen Sie mindestens zwei Termine vor"),
        (((DAY, "18:00", "20:00"),), {}, "Bitte schlagen Sie mindestens zwei Termine vor"),
        (((DAY, "18:00", "17:00"), (NEXT_DAY, "09:00", "11:00")), {}, "Das Ende muss nach dem Beginn liegen."),
        (((PAST, "18:00", "20:00"), (NEXT_DAY, "09:00", "11:00")), {}, "Dieser Termin liegt in der Vergangenheit."),
        ((("morgen", "18:00", "20:00"), (NEXT_DAY, "9 Uhr", "11:00")), {}, "Bitte ein Datum wie 24.03.2027 angeben."),
        (((DAY, "18:00", "20:00"), (NEXT_DAY, "9 Uhr", "11:00")), {}, "Bitte eine Uhrzeit wie 18:00 angeben."),
        (((DAY, "18:00", ""), (NEXT_DAY, "09:00", "11:00")), {}, "Bitte Beginn und Ende angeben."),
        (((DAY, "18:00", "20:00"), (DAY, "18:00", "20:00")), {}, "Dieser Termin steht schon weiter oben."),
        (None, {"title": NUL}, "Die Eingabe enthält unzulässige Steuerzeichen."),
        (None, {"place": NUL}, "Die Eingabe enthält unzulässige Steuerzeichen."),
        (None, {"slots-0-day": "2027-03-\x0024"}, "Bitte ein Datum wie 24.03.2027 angeben."),
        (None, {"slots-1-start": "09:\x0000"}, "Bitte eine Uhrzeit wie 18:00 angeben."),
        (None, {"deadline": "gestern"}, "Bitte Datum und Uhrzeit wie 24.03.2027 18:00 angeben."),
        (None, {"deadline": PAST + "T10:00"}, "Dieser Zeitpunkt liegt in der Vergangenheit."),
        (None, {"title": ""}, "Bitte geben Sie einen Titel ein."),
    ],
)
def test_bad_input_gets_a_clear_german_answer_keeps_what_was_typed_and_stores_nothing(
    app, world, mailbox, slots, changes, message
):
    form = poll_form(**changes) if slots is None else poll_form(slots=slots, **changes)
    response = post_form(world["client"], f"/arbeitskreise/{world['group']}/umfragen/neu", form)
    assert response.status_code == 422
    assert message in response.text
    assert "Bitte prüfen Sie Ijre Angaben".replace("j", "h") in response.text
    if form["title"] and "\x00" not in form["title"]:
        assert f'value="{form["title"]}"' in response.text
    if form["slots-1-day"] and "\x00" not in form["slots-1-day"]:
        assert f'value="{form["slots-1-day"]}"' in response.text
    with app.app_context():
        assert db.session.scalar(select(func.count(Poll.id))) == 0
        assert db.session.scalar(select(func.count(PollSlot.id))) == 0
    assert mailbox.messages == []


def test_dates_may_be_typed_the_german_way(app, world, mailbox):
    german = IN_TWO_WEEKS.strftime("%d.%m.%Y")
    assert start(world, slots=((german, "18.00", "20:00"), (NEXT_DAY, "09:00", "11:00"))).status_code == 302
    assert len(slot_ids(app)) == 2


# --- Who may do what ---------------------------------------------------------------------------------------


def test_only_the_groups_leads_and_the_manager_start_polls(app, world, as_role, mailbox):
    url = f"/arbeitskreise/{world['group']}/umfragen/neu"
    for name in ("anna", "outsider", "partner", "other_lead"):
        assert client_of(app, world[name]).get(url).status_code == 403, name
    assert app.test_client().get(url).status_code == 302  # visitors: to the login page
    manager, _ = as_role("admin")
    assert manager.get(url).status_code == 200
    assert post_form(manager, url, poll_form()).status_code == 302


def test_outsiders_see_no_poll_and_cannot_vote_or_manage(app, world, mailbox):
    start(world)
    poll = only_poll(app)
    for name in ("outsider", "partner", "other_lead"):
        client = client_of(app, world[name])
        assert client.get(f"/umfragen/{poll.id}").status_code == 404, name
        token = csrf_token_from(client.get("/termine/").text)
        for action in ("abstimmen", "termin", "erinnern", "beenden"):
            response = client.post(f"/umfragen/{poll.id}/{action}", data={"csrf_token": token, "slot": "1"})
            assert response.status_code == 404, (name, action)
        assert "Frühjahrssitzung" not in client.get("/termine/").text
    visitor = app.test_client()
    assert visitor.get(f"/umfragen/{poll.id}").status_code == 302
    anna = client_of(app, world["anna"])
    token = csrf_token_from(anna.get(f"/umfragen/{poll.id}").text)
    for action in ("termin", "erinnern", "beenden"):
        assert anna.post(f"/umfragen/{poll.id}/{action}", data={"csrf_token": token}).status_code == 403, action
    assert "Termin festlegen" not in anna.get(f"/umfragen/{poll.id}").text
    with app.app_context():
        assert db.session.scalar(select(func.count(PollVote.id))) == 0
        assert db.session.scalar(select(func.count(Meeting.id))) == 0


def test_the_manager_who_is_no_member_sees_and_manages_but_does_not_vote(app, world, as_role, mailbox):
    start(world)
    poll = only_poll(app)
    manager, _ = as_role("admin")
    page = manager.get(f"/umfragen/{poll.id}")
    assert page.status_code == 200 and "Termin festlegen" in page.text and "Ihre Stimme" not in page.text
    token = csrf_token_from(page.text)
    data = {"csrf_token": token, **{f"slot-{i}": "yes" for i in slot_ids(app)}}
    assert manager.post(f"/umfragen/{poll.id}/abstimmen", data=data).status_code == 403


# --- Voting and the table ----------------------------------------------------------------------------------


def test_members_vote_change_their_vote_and_see_each_others(app, world, mailbox):
    start(world)
    poll = only_poll(app)
    anna = client_of(app, world["anna"])
    assert cast(app, anna, poll.id, "yes", "no").status_code == 302
    assert cast(app, anna, poll.id, "if_need_be", "yes").status_code == 302  # changed, not added
    with app.app_context():
        votes = db.session.scalars(select(PollVote).order_by(PollVote.slot_id)).all()
        assert [v.value for v in votes] == ["if_need_be", "yes"]
        assert db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "poll.voted")) == 2
    bernd = client_of(app, world["bernd"])
    page = bernd.get(f"/umfragen/{poll.id}").text
    assert "Anna Abstimmung" in page and "Wenn nötig" in page and "noch offen" in page
    own = anna.get(f"/umfragen/{poll.id}").text  # the own vote is preselected
    first, second = slot_ids(app)
    assert f'id="slot-{first}-if_need_be" name="slot-{first}" value="if_need_be" checked' in own
    assert f'id="slot-{second}-yes" name="slot-{second}" value="yes" checked' in own


def test_a_vote_must_answer_every_slot_with_a_known_value(app, world, mailbox):
    start(world)
    poll = only_poll(app)
    anna = client_of(app, world["anna"])
    first, second = slot_ids(app)
    url = f"/umfragen/{poll.id}/abstimmen"
    for data in ({f"slot-{first}": "yes"}, {f"slot-{first}": "yes", f"slot-{second}": "vielleicht\x00"}):
        response = post_form(anna, url, data, get_url=f"/umfragen/{poll.id}")
        assert response.status_code == 422 and "Bitte wählen Sie Ja, Wenn nötig oder Nein." in response.text
        assert f'id="slot-{first}-yes" name="slot-{first}" value="yes" checked' in response.text  # kept
    with app.app_context():
        assert db.session.scalar(select(func.count(PollVote.id))) == 0


def test_the_table_counts_per_slot_and_highlights_the_best(app, world, mailbox):
    start(world, slots=((DAY, "18:00", "20:00"), (NEXT_DAY, "09:00", "11:00"), (NEXT_DAY, "14:00", "16:00")))
    poll = only_poll(app)
    cast(app, client_of(app, world["anna"]), poll.id, "yes", "if_need_be", "yes")
    cast(app, client_of(app, world["bernd"]), poll.id, "no", "yes", "yes")
    cast(app, world["client"], poll.id, "yes", "yes", "if_need_be")
    # yes: 2, 2, 2; if need be: 0, 1, 1 → the second slot (earliest of the two best)
    with app.test_request_context():
        from netzwerk.polls.services import poll_table

        table = poll_table(db.session.get(Poll, poll.id))
        assert [(t.yes, t.if_need_be, t.no) for t in table.totals] == [(2, 0, 1), (2, 1, 0), (2, 1, 0)]
        assert table.best.id == slot_ids(app)[1] and table.not_voted == []
    page = world["client"].get(f"/umfragen/{poll.id}").text
    assert page.count("Bester Termin</span>") == 1
    assert '<th scope="row">Summe Ja</th>' in page and '<th scope="row">Anna Abstimmung</th>' in page
    best_header = page.index(f'id="slot-{slot_ids(app)[1]}-kopf"')
    assert page.index("Bester Termin</span>") > best_header
    assert f'value="{slot_ids(app)[1]}" checked' in page  # the meeting form proposes the best slot


# --- Reminders ---------------------------------------------------------------------------------------------


def test_reminders_go_only_to_members_who_have_not_voted(app, world, mailbox):
    start(world)
    poll = only_poll(app)
    cast(app, client_of(app, world["anna"]), poll.id, "yes", "no")
    mailbox.messages.clear()
    url = f"/umfragen/{poll.id}/erinnern"
    assert post_form(world["client"], url, {}, get_url=f"/umfragen/{poll.id}").status_code == 302
    assert sorted(m["To"] for m in mailbox.messages) == sorted([world["lead"].email, world["bernd"].email])
    message = next(m for m in mailbox.messages if m["To"] == world["bernd"].email)
    assert message["Subject"] == "Erinnerung an die Terminumfrage: Frühjahrssitzung"
    assert mailbox.link_in(message, f"/umfragen/{poll.id}")
    page = world["client"].get(f"/umfragen/{poll.id}").text
    assert "Bisher erinnert" in page and "Bernd Bummler – " in page
    with app.app_context():
        assert db.session.scalar(select(func.count(PollReminder.id))) == 2
        assert db.session.scalar(select(AuditEntry.summary).where(AuditEntry.action == "poll.reminded"))


# --- The meeting in one step -------------------------------------------------------------------------------


def test_the_lead_turns_the_chosen_slot_into_one_meeting_and_the_poll_closes(app, world, mailbox):
    start(world)
    poll = only_poll(app)
    first, second = slot_ids(app)
    cast(app, client_of(app, world["anna"]), poll.id, "no", "yes")
    mailbox.messages.clear()
    url = f"/umfragen/{poll.id}/termin"
    response = post_form(world["client"], url, {"slot": str(second)}, get_url=f"/umfragen/{poll.id}")
    assert response.status_code == 302 and "/termine/" in response.headers["Location"]
    with app.app_context():
        meeting = db.session.scalar(select(Meeting))
        slot = db.session.get(PollSlot, second)
        assert (meeting.starts_at, meeting.ends_at) == (slot.starts_at, slot.ends_at)
        assert meeting.title == "Frühjahrssitzung" and meeting.place == "Landratsamt Landshut, Sitzungssaal"
        assert db.session.scalar(select(func.count(Invitation.id))) == 3
        closed = db.session.get(Poll, poll.id)
        assert closed.status == "closed" and closed.meeting_id == meeting.id and closed.closed_at
        actions = set(db.session.scalars(select(AuditEntry.action)))
        assert {"poll.converted", "meeting.scheduled"} <= actions
    assert len(mailbox.messages) == 3
    assert all(m["Subject"].startswith("Einladung: Frühjahrssitzung") for m in mailbox.messages)
    assert all(mailbox.calendar_of(m).get_param("method") == "REQUEST" for m in mailbox.messages)
    page = world["client"].get(f"/umfragen/{poll.id}").text
    assert "Der Termin steht:" in page and f"/termine/{meeting.id}" in page and "Termin festlegen und" not in page

    mailbox.messages.clear()  # a second click (or a second tab) makes no second meeting
    token = csrf_token_from(page)
    again = world["client"].post(url, data={"csrf_token": token, "slot": str(first)})
    assert again.status_code == 302
    anna = client_of(app, world["anna"])
    late_vote = cast(app, anna, poll.id, "yes", "yes")
    assert late_vote.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(Meeting.id))) == 1
        assert [v for v in db.session.scalars(select(PollVote.value).order_by(PollVote.slot_id))] == ["no", "yes"]
    assert mailbox.messages == []


def test_poll_slots_on_holidays_are_named(app, world):
    """A slot on 24 December or a Bavarian public holiday says so when the poll starts and in the poll."""
    response = start(
        world,
        slots=(("2027-12-24", "10:00", "12:00"), ("2027-01-06", "10:00", "12:00"), ("2027-06-10", "09:00", "11:00")),
    )
    page = world["client"].get(response.headers["Location"]).text
    assert "Hinweis: 06.01.2027 (Heilige Drei Könige), 24.12.2027 (Heiligabend) sind Feiertage" in page
    assert "Fr., 24. Dezember 2027, 10:00–12:00 Uhr (Heiligabend)" in page


def test_who_voted_yes_for_the_chosen_slot_starts_as_zusage(app, world, mailbox):
    """Anna said "Ja" to the chosen slot: her invitation is a Zusage (she may still change it); Bernd said
    "Vielleicht" and the lead did not vote: both are asked as usual."""
    start(world)
    poll = only_poll(app)
    first, second = slot_ids(app)
    anna = client_of(app, world["anna"])
    cast(app, anna, poll.id, "no", "yes")
    cast(app, client_of(app, world["bernd"]), poll.id, "yes", "maybe")
    mailbox.messages.clear()
    post_form(world["client"], f"/umfragen/{poll.id}/termin", {"slot": str(second)}, get_url=f"/umfragen/{poll.id}")
    with app.app_context():
        answers = dict(db.session.execute(select(User.name, Invitation.answer).join(Invitation.user)).all())
        meeting_id = db.session.scalar(select(Meeting.id))
    assert answers == {"Anna Abstimmung": "yes", "Bernd Bummler": None, "Lea Leitung": None}
    to_anna = next(m for m in mailbox.messages if m["To"] == world["anna"].email)
    assert "Ihre Zusage ist eingetragen" in mailbox.text_of(to_anna)
    to_bernd = next(m for m in mailbox.messages if m["To"] == world["bernd"].email)
    assert "Ihre Zusage ist eingetragen" not in mailbox.text_of(to_bernd)
    assert "Zusage" in anna.get(f"/termine/{meeting_id}").text


def test_a_slot_of_another_poll_or_in_the_past_is_refused(app, world, mailbox):
    start(world)
    poll = only_poll(app)
    url = f"/umfragen/{poll.id}/termin"
    response = post_form(world["client"], url, {"slot": "999"}, get_url=f"/umfragen/{poll.id}")
    assert response.status_code == 302
    assert "Bitte wählen Sie einen der vorgeschlagenen Termine." in world["client"].get(f"/umfragen/{poll.id}").text
    with app.app_context():
        slot = db.session.get(PollSlot, slot_ids(app)[0])
        slot.starts_at = clock.now() - timedelta(hours=1)
        db.session.commit()
    post_form(world["client"], url, {"slot": str(slot_ids(app)[0])}, get_url=f"/umfragen/{poll.id}")
    with app.app_context():
        assert db.session.scalar(select(func.count(Meeting.id))) == 0
        assert db.session.get(Poll, poll.id).status == "open"


def test_the_lead_may_end_a_poll_without_a_meeting(app, world, mailbox):
    start(world)
    poll = only_poll(app)
    url = f"/umfragen/{poll.id}/beenden"
    assert post_form(world["client"], url, {}, get_url=f"/umfragen/{poll.id}").status_code == 302
    page = world["client"].get(f"/umfragen/{poll.id}").text
    assert "ohne Termin beendet" in page and "Ihre Stimme" not in page
    with app.app_context():
        assert db.session.get(Poll, poll.id).status == "closed"
        assert db.session.scalar(select(func.count(Meeting.id))) == 0
        assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.action == "poll.closed"))
    again = post_form(world["client"], url, {}, get_url=f"/umfragen/{poll.id}")
    assert again.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "poll.closed")) == 1


# --- Where polls are found ---------------------------------------------------------------------------------


def test_running_polls_show_on_the_group_page_and_in_meine_termine(app, world, as_role, mailbox):
    start(world)
    anna = client_of(app, world["anna"])
    assert "Laufende Terminumfragen" in anna.get(f"/arbeitskreise/{world['group']}").text
    mine = anna.get("/termine/").text
    assert "Frühjahrssitzung" in mine and "Ihre Stimme fehlt noch." in mine
    cast(app, anna, only_poll(app).id, "yes", "yes")
    assert "Sie haben abgestimmt." in anna.get("/termine/").text
    group_page = world["client"].get(f"/arbeitskreise/{world['group']}").text
    assert "Terminumfrage starten" in group_page
    outsider = client_of(app, world["outsider"])
    assert "Frühjahrssitzung" not in outsider.get(f"/arbeitskreise/{world['group']}").text
    manager, _ = as_role("admin")  # sees every running poll, but is asked for no vote of their own
    overview = manager.get("/termine/").text
    assert "Frühjahrssitzung" in overview and "Ihre Stimme fehlt noch." not in overview


# --- Queries -----------------------------------------------------------------------------------------------


def add_voters(app, group_id: int, poll_id: int, make_user, count: int) -> None:
    users = [make_user() for _ in range(count)]
    with app.app_context():
        slots = db.session.scalars(select(PollSlot.id).where(PollSlot.poll_id == poll_id)).all()
        for user in users:
            factories.membership(group_id, user)
            db.session.add_all(PollVote(poll_id=poll_id, slot_id=s, user_id=user.id, value="yes") for s in slots)
        db.session.commit()


def test_the_poll_page_keeps_a_constant_number_of_queries(app, world, make_user, mailbox):
    start(world)
    poll = only_poll(app)
    anna = client_of(app, world["anna"])
    add_voters(app, world["group"], poll.id, make_user, 2)
    post_form(world["client"], f"/umfragen/{poll.id}/erinnern", {}, get_url=f"/umfragen/{poll.id}")
    few = count_queries(app, anna, f"/umfragen/{poll.id}")
    few_lead = count_queries(app, world["client"], f"/umfragen/{poll.id}")
    with app.app_context():
        for day in range(3, 9):
            moment = clock.now() + timedelta(days=day)
            db.session.add(PollSlot(poll_id=poll.id, starts_at=moment, ends_at=moment + timedelta(hours=1)))
        db.session.commit()
    add_voters(app, world["group"], poll.id, make_user, 12)
    cast(app, client_of(app, world["bernd"]), poll.id, *["yes"] * len(slot_ids(app)))
    post_form(world["client"], f"/umfragen/{poll.id}/erinnern", {}, get_url=f"/umfragen/{poll.id}")
    assert count_queries(app, anna, f"/umfragen/{poll.id}") == few
    assert count_queries(app, world["client"], f"/umfragen/{poll.id}") == few_lead


def test_meine_termine_keeps_a_constant_number_of_queries_as_polls_grow(app, world, make_user, mailbox):
    anna = client_of(app, world["anna"])
    start(world)
    cast(app, anna, only_poll(app).id, "yes", "no")
    few = count_queries(app, anna, "/termine/")
    with app.app_context():
        moment = clock.now() + timedelta(days=3)
        for number in range(4):
            group = factories.group(name=f"AK {number}", members=[world["anna"]])
            for n in range(3):
                factories.poll(group, title=f"Umfrage {group.name} {n}", slots=[(moment, moment + timedelta(hours=1))])
        db.session.commit()
    page = anna.get("/termine/").text
    assert page.count("Ihre Stimme fehlt noch.") == 12 and page.count("Sie haben abgestimmt.") == 1
    assert count_queries(app, anna, "/termine/") == few


# --- Demo --------------------------------------------------------------------------------------------------


def test_the_demo_has_a_running_poll_with_votes_for_the_demo_lead_to_try(app, runner):
    from netzwerk.demo import DEMO_PASSWORD

    assert runner.invoke(args=["demo"]).exit_code == 0
    assert runner.invoke(args=["demo"]).exit_code == 0  # loaded once: no second poll
    with app.app_context():
        (poll,) = db.session.scalars(select(Poll)).all()
        assert poll.is_open and all(slot.starts_at > clock.now() for slot in poll.slots)
        assert db.session.scalar(select(func.count(PollVote.id))) == 6
    member = app.test_client()
    login(member, "mitglied@example.org", DEMO_PASSWORD)
    assert "Planungstreffen Willkommenspaket" in member.get("/termine/").text
    page = member.get(f"/umfragen/{poll.id}").text
    assert "Bester Termin</span>" in page and "Ihre Stimme" in page and "Termin festlegen" in page
