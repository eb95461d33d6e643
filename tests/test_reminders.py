"""Reminders planned by the scheduler's sweep: before meetings at a local hour, to answer, the weekly digest;
each once, none for declined, cancelled or begun meetings, right across the daylight-saving change."""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, select, update

from netzwerk import clock
from netzwerk.auth.models import User
from netzwerk.errors import Conflict
from netzwerk.extensions import db
from netzwerk.groups.models import Membership
from netzwerk.mail.models import MailStatus, OutgoingMail
from netzwerk.mail.services import deliver_queued
from netzwerk.meetings.models import Meeting
from netzwerk.reminders.models import ReminderSettings
from netzwerk.reminders.services import plan_reminders, reminder_settings, save_own_reminders, save_reminder_settings
from tests import factories
from tests.conftest import login, post_form

BERLIN = ZoneInfo("Europe/Berlin")


def local(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=BERLIN).astimezone(UTC)


@pytest.fixture
def world(app, make_user):
    people = {
        "yes": make_user(name="Ja Sager"),
        "open": make_user(name="Offen Geblieben"),
        "no": make_user(name="Nein Sager"),
        "quiet": make_user(name="Still Person", notify_by_email=False),
    }
    group_id = factories.create(app, factories.group, name="AK Erinnerung", short_name="AK E", members=people.values())
    return group_id, people


def add_meeting(app, group_id, people, start, announced=None, answers=None, note=""):
    answers = answers or {"yes": "yes", "no": "no"}
    return factories.create(
        app,
        factories.meeting,
        group_id,
        title="Sitzung",
        starts_at=start,
        place="Rathaus Landshut",
        agenda="1. Begrüßung",
        reminder_note=note,
        announced_at=announced or start - timedelta(days=30),
        answers={user: answers.get(key) for key, user in people.items()},
    )


def checkbox(page: str, value: str) -> str:
    return re.search(rf'<input[^>]*value="{value}"[^>]*>', page).group(0)


def digests_of(planned):
    return [item for item in planned if item[0] == "weekly_digest"]


def sweep(app, now):
    with app.test_request_context():
        mails = plan_reminders(now)
        db.session.commit()
        return [(m.kind, m.recipient) for m in mails]


def outbox(app, **where):
    with app.app_context():
        query = select(OutgoingMail).order_by(OutgoingMail.id)
        for name, value in where.items():
            query = query.where(getattr(OutgoingMail, name) == value)
        return db.session.scalars(query).all()


def test_reminders_go_at_the_local_hour_to_all_but_those_who_declined(app, world, mailbox):
    group_id, people = world
    add_meeting(app, group_id, people, local("2027-06-10 18:00"), note="Bitte Unterlagen lesen")
    assert sweep(app, local("2027-06-03 08:59")) == []
    planned = sweep(app, local("2027-06-03 09:00"))  # 7 days before, 09:00 Berlin
    assert set(planned) == {("meeting_reminder", people["open"].email), ("meeting_reminder", people["yes"].email)}
    assert sweep(app, local("2027-06-03 09:05")) == []  # once
    assert sorted(sweep(app, local("2027-06-07 09:00"))) == [("meeting_answer_reminder", people["open"].email)]
    assert len(sweep(app, local("2027-06-09 09:00"))) == 2  # 1 day before
    with app.test_request_context():  # back from 2027 to the real clock: everything planned is due
        db.session.execute(update(OutgoingMail).values(due_at=clock.now(), expires_at=None))
        assert deliver_queued() == 5
    message = next(m for m in mailbox.messages if m["Subject"].startswith("Erinnerung: Sitzung"))
    text = mailbox.text_of(message)
    assert "Rathaus Landshut" in text and "Bitte Unterlagen lesen" in text and "18:00" in text
    assert "?antwort=yes" in text and "/antwort/" in text and "/termine/" in text


def test_a_reminder_link_preselects_the_answer(app, world, mailbox):
    group_id, people = world
    add_meeting(
        app,
        group_id,
        people,
        clock.now() + timedelta(days=1, hours=3),
        announced=datetime(2020, 1, 1, tzinfo=UTC),
    )
    sweep(app, clock.now())
    with app.test_request_context():
        deliver_queued()
    message = next(m for m in mailbox.messages if m["To"] == people["open"].email and "Erinnerung:" in m["Subject"])
    link = mailbox.link_in(message, "/antwort/").split("?")[0]
    page = app.test_client().get(link + "?antwort=no")
    (radio,) = re.findall(r'<input[^>]*value="no"[^>]*>', page.text)
    assert "checked" in radio


def test_no_reminder_before_the_invitation_and_none_for_begun_or_cancelled_meetings(app, world, as_role):
    group_id, people = world
    start = local("2027-06-10 18:00")
    add_meeting(app, group_id, people, start, announced=local("2027-06-05 12:00"))  # invited 5 days before
    assert sweep(app, local("2027-06-05 13:00")) == []  # the 7-day reminder was due before the invitation
    late = sweep(app, local("2027-06-09 09:00"))  # the answer reminder of 06-07 is overtaken by the 1-day one
    assert sorted(kind for kind, _ in late) == ["meeting_reminder", "meeting_reminder"]
    assert sweep(app, local("2027-06-09 10:00")) == []  # and it does not come later either
    assert sweep(app, local("2027-06-10 18:00")) == []  # begun


def test_moving_or_cancelling_drops_waiting_reminders(app, world, as_role, mailbox):
    group_id, people = world
    start = clock.now().replace(second=0, microsecond=0) + timedelta(hours=20)
    meeting_id = add_meeting(app, group_id, people, start)
    assert len(sweep(app, clock.now())) >= 2
    waiting = outbox(app, status=MailStatus.QUEUED)
    assert waiting
    manager, _ = as_role("admin")
    assert post_form(manager, f"/termine/{meeting_id}/absagen", {}, get_url=f"/termine/{meeting_id}").status_code == 302
    assert {m.status for m in outbox(app, meeting_id=meeting_id) if m.kind.endswith("reminder")} == {
        MailStatus.CANCELLED
    }
    assert sweep(app, clock.now()) == []


def test_people_choose_their_own_days_or_none(app, world):
    group_id, people = world
    client = app.test_client()
    login(client, people["yes"].email)
    page = client.get("/erinnerungen/meine")
    assert (
        'value="7" checked' in page.text.replace("checked ", "checked ").replace("checked id", "checked")
        or "checked" in page.text
    )
    assert post_form(client, "/erinnerungen/meine", {"version": "1", "reminder_days": ["3"]}).status_code == 302
    other = app.test_client()
    login(other, people["open"].email)
    assert post_form(other, "/erinnerungen/meine", {"version": "1"}).status_code == 302  # none
    with app.app_context():
        assert db.session.get(User, people["yes"].id).reminder_days == "3"
        assert db.session.get(User, people["open"].id).reminder_days == "-"
    add_meeting(app, group_id, people, local("2027-06-10 18:00"), answers={"yes": "yes", "open": "yes", "no": "no"})
    assert sweep(app, local("2027-06-03 09:00")) == []
    assert sweep(app, local("2027-06-07 09:00")) == [("meeting_reminder", people["yes"].email)]
    bad = post_form(client, "/erinnerungen/meine", {"version": "2", "reminder_days": ["99"]})
    assert bad.status_code == 422


def test_the_manager_sets_the_defaults_and_sees_what_is_planned(app, world, as_role):
    group_id, people = world
    add_meeting(app, group_id, people, clock.now() + timedelta(days=4))
    manager, _ = as_role("admin")
    page = manager.get("/erinnerungen/")
    assert page.status_code == 200 and "Ja Sager" in page.text  # the 1-day reminder is within the week
    data = {"version": "1", "days": ["14", "2"], "send_hour": "8", "answer_days": ""}
    assert post_form(manager, "/erinnerungen/", data).status_code == 302
    from netzwerk.reminders.services import reminder_settings

    with app.app_context():
        settings = reminder_settings()
        assert (settings.day_list, settings.send_hour, settings.answer_days) == ([14, 2], 8, None)
    stale = post_form(manager, "/erinnerungen/", {**data, "send_hour": "10"})
    assert stale.status_code == 422 and "inzwischen von jemand anderem geändert" in stale.text
    assert post_form(manager, "/erinnerungen/", {**data, "version": "2", "send_hour": "25"}).status_code == 422


# Meetings in the nights of the change (01:30 to 03:30 local) and on the days after.
DST_MEETINGS = [
    "2027-03-28 01:30",
    "2027-03-28 03:30",  # 02:00 to 03:00 does not exist that night
    "2027-03-29 10:00",
    "2027-10-31 01:30",
    "2027-10-31 02:30",  # exists twice; zoneinfo takes the first (summer time)
    "2027-10-31 03:30",
    "2027-11-01 10:00",
]


@pytest.mark.parametrize("season", ["spring", "autumn"])
def test_no_reminder_skipped_or_doubled_across_the_daylight_saving_change(app, world, season):
    group_id, people = world
    del people["no"], people["quiet"], people["open"]
    starts = [local(text) for text in DST_MEETINGS if (text[5:7] == "03") == (season == "spring")]
    for start in starts:
        add_meeting(app, group_id, people, start)
    first = min(starts) - timedelta(days=8)
    t = first
    while t <= max(starts):
        sweep(app, t)
        t += timedelta(minutes=20)
    reminders = outbox(app, kind="meeting_reminder")
    assert len(reminders) == 2 * len(starts)  # 7 days and 1 day before, each exactly once
    with app.app_context():
        starts_by_id = {m.id: m.starts_at for m in db.session.scalars(select(Meeting))}
    seen = set()
    for mail in reminders:
        due, start = mail.due_at.astimezone(BERLIN), starts_by_id[mail.meeting_id].astimezone(BERLIN)
        assert due.strftime("%H:%M") == "09:00", mail.key
        seen.add((mail.meeting_id, (start.date() - due.date()).days))
    assert seen == {(meeting_id, days) for meeting_id in starts_by_id for days in (7, 1)}


def test_the_weekly_digest_goes_out_once_on_monday_morning(app, world, mailbox):
    group_id, people = world
    with app.app_context():
        for user in people.values():
            db.session.get(User, user.id).weekly_digest = True
        db.session.commit()
    add_meeting(app, group_id, {"yes": people["yes"]}, local("2027-06-16 18:00"))
    with app.app_context():  # Offen Geblieben leaves the group: nothing in the next two weeks
        membership = db.session.scalar(select(Membership).where(Membership.user_id == people["open"].id))
        db.session.delete(membership)
        db.session.commit()
    monday = local("2027-06-14 07:00")
    assert digests_of(sweep(app, monday - timedelta(minutes=1))) == []
    digests = digests_of(sweep(app, monday))
    assert ("weekly_digest", people["yes"].email) in digests
    assert ("weekly_digest", people["quiet"].email) not in digests  # no mail notifications
    assert digests_of(sweep(app, monday + timedelta(hours=3))) == []
    assert digests_of(sweep(app, local("2027-06-15 08:00"))) == []
    rows = {m.recipient: m.status for m in outbox(app, kind="weekly_digest")}
    assert rows[people["yes"].email] == MailStatus.QUEUED and rows[people["open"].email] == MailStatus.CANCELLED


def test_members_who_have_not_voted_are_reminded_before_the_poll_deadline(app, world):
    from netzwerk.polls.models import PollVote

    group_id, people = world
    deadline = local("2027-06-10 12:00")
    with app.app_context():
        slots = [(local("2027-06-20 18:00"), local("2027-06-20 20:00"))]
        poll = factories.poll(
            group_id, title="Sommertreffen", deadline=deadline, slots=slots, created_at=local("2027-06-01 10:00")
        )
        db.session.add(PollVote(poll_id=poll.id, slot_id=poll.slots[0].id, user_id=people["yes"].id, value="yes"))
        db.session.commit()
    assert digests_of(sweep(app, local("2027-06-07 08:59"))) == []
    planned = [item for item in sweep(app, local("2027-06-07 09:00")) if item[0] == "poll_reminder"]
    # 3 days before the deadline at 09:00: everyone who has not voted and wants mail
    assert sorted(email for _, email in planned) == sorted([people["open"].email, people["no"].email])
    assert [item for item in sweep(app, local("2027-06-08 09:00")) if item[0] == "poll_reminder"] == []


def test_a_scheduler_that_was_down_sends_one_current_reminder_not_all_it_missed(app, world):
    group_id, people = world
    add_meeting(app, group_id, {"yes": people["yes"], "open": people["open"]}, local("2027-06-10 18:00"))
    planned = sweep(app, local("2027-06-09 12:00"))  # down since before the 7-day and the answer reminder
    assert sorted(planned) == sorted(
        [("meeting_reminder", people["yes"].email), ("meeting_reminder", people["open"].email)]
    )
    with app.app_context():
        keys = {m.key.split(":")[3] for m in db.session.scalars(select(OutgoingMail))}
    assert keys == {"1"}  # the 1-day reminder, with the answer links for who has not answered


def test_the_settings_are_saved_by_the_services_and_a_crossed_save_is_a_conflict(app, world):
    """The rules of both forms live in reminders/services.py; a save crossed with another one (its version
    changed after it was read) saves nothing and is a Conflict, which the forms show as such (409)."""
    _group_id, people = world
    with app.test_request_context():
        settings = reminder_settings()
        assert save_reminder_settings(settings, [3, 14], 8, None)  # the first save stores the built-in row
        assert save_reminder_settings(settings, [14, 3], 8, None) == {}  # nothing changed, nothing audited
        user = db.session.get(User, people["yes"].id)
        save_own_reminders(user, None, True, True, True)
        db.session.commit()
        assert (reminder_settings().days, user.reminder_days, user.weekly_digest) == ("14,3", None, True)
        changed_meanwhile(type(settings), settings.id)
        with pytest.raises(Conflict):
            save_reminder_settings(settings, [1], 10, 2)
        changed_meanwhile(User, user.id)
        with pytest.raises(Conflict):
            save_own_reminders(user, [], False, False, False)
    with app.app_context():
        assert reminder_settings().days == "14,3"
        assert db.session.get(User, people["yes"].id).weekly_digest is True


def test_two_first_saves_of_the_settings_at_once_store_one_row(app, world):
    """Both managers see the built-in defaults (no row yet); the second first-save finds the row taken: a
    Conflict, and one row with the first one's values."""
    with app.test_request_context():
        settings = reminder_settings()

        def the_other_saves_first(session, flush_context, instances):
            with app.app_context():
                save_reminder_settings(reminder_settings(), [14], 8, None)
                db.session.commit()

        event.listen(db.session(), "before_flush", the_other_saves_first, once=True)
        with pytest.raises(Conflict):
            save_reminder_settings(settings, [1], 10, 2)
    with app.app_context():
        assert [row.days for row in db.session.scalars(select(ReminderSettings))] == ["14"]


def changed_meanwhile(model, row_id: int) -> None:
    """Another save committed after this session read the row: the version it holds is old."""
    db.session.execute(
        update(model)
        .where(model.id == row_id)
        .values(version=model.version + 1)
        .execution_options(synchronize_session=False)
    )
