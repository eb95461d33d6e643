"""Tasks from the minutes: assigned by the name under "Wer", listed for the manager and as "Meine Aufgaben",
marked done by the right people only, and reminded once by the scheduler the day before they are due."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from netzwerk import clock
from netzwerk.extensions import db
from netzwerk.mail.models import OutgoingMail
from netzwerk.meetings.models import Meeting, Task
from netzwerk.meetings.services.minutes import TaskData, keep_tasks
from netzwerk.scheduler import build_scheduler
from netzwerk.tasks.services import remind_due_tasks
from tests import factories
from tests.conftest import login, post_form, run_outbox


@pytest.fixture
def world(app, make_user):
    lead, max_, eva = (make_user(name=n) for n in ("Lea Leitung", "Max Mitglied", "Eva Extra"))
    with app.app_context():
        group = factories.group(name="AK Aufgaben", short_name="AK A", leads=[lead], members=[max_, eva])
        held = factories.meeting(
            group, title="Frühjahr", starts_at=clock.now() - timedelta(days=3), invite=[lead, max_, eva]
        )
        db.session.flush()
        keep_tasks(
            held,
            [
                TaskData("Flyer drucken", "max mitglied", clock.today() + timedelta(days=1)),  # case does not matter
                TaskData("Raum buchen", "Lea Leitung", clock.today() + timedelta(days=5)),
                TaskData("Presse einladen", "Stadtpressestelle", clock.today() - timedelta(days=2)),
            ],
        )
        db.session.commit()
        ids = {task.what: task.id for task in db.session.scalars(select(Task))}
        meeting_id = held.id
    return {"lead": lead, "max": max_, "eva": eva, "tasks": ids, "meeting": meeting_id}


def client_of(app, user):
    client = app.test_client()
    login(client, user.email)
    return client


def test_the_name_under_wer_assigns_the_task_and_each_person_sees_their_own(app, world, as_role):
    with app.app_context():
        assignees = {t.what: t.assignee.name if t.assignee else None for t in db.session.scalars(select(Task))}
    assert assignees == {"Flyer drucken": "Max Mitglied", "Raum buchen": "Lea Leitung", "Presse einladen": None}
    mine = client_of(app, world["max"]).get("/aufgaben/").text
    assert "Meine Aufgaben" in mine and "Flyer drucken" in mine and "Raum buchen" not in mine
    assert "Keine offenen Aufgaben." in client_of(app, world["eva"]).get("/aufgaben/").text
    manager, _ = as_role("admin")
    everything = manager.get("/aufgaben/").text
    assert all(what in everything for what in ("Flyer drucken", "Raum buchen", "Presse einladen"))
    assert everything.index("Presse einladen") < everything.index("Flyer drucken") < everything.index("Raum buchen")
    assert "überfällig" in everything  # the press task was due two days ago


def test_the_assignee_marks_a_task_done_and_others_may_not(app, world):
    flyer = world["tasks"]["Flyer drucken"]
    eva = client_of(app, world["eva"])
    assert post_form(eva, f"/aufgaben/{flyer}/erledigt", {}, get_url="/aufgaben/").status_code == 403
    with app.app_context():
        version = db.session.get(Meeting, world["meeting"]).version
    max_ = client_of(app, world["max"])
    response = post_form(max_, f"/aufgaben/{flyer}/erledigt", {"stand": "offen"}, get_url="/aufgaben/")
    assert response.status_code == 302
    with app.app_context():
        task = db.session.get(Task, flyer)
        assert task.done and task.done_at is not None
        assert db.session.get(Meeting, world["meeting"]).version == version + 1  # open minutes forms are stale now
    assert "Keine offenen Aufgaben." in max_.get("/aufgaben/").text
    assert "Flyer drucken" in max_.get("/aufgaben/?stand=erledigt").text
    lead = client_of(app, world["lead"])  # the group's lead may reopen it
    assert post_form(lead, f"/aufgaben/{flyer}/offen", {}, get_url="/aufgaben/").status_code == 302
    with app.app_context():
        assert db.session.get(Task, flyer).done is False


def test_the_scheduler_reminds_once_the_day_before_and_again_after_a_new_date(app, world, mailbox):
    assert "task_reminders" in {job.id for job in build_scheduler(app).get_jobs()}
    with app.test_request_context():
        assert remind_due_tasks() == 1  # Flyer (tomorrow, Max); not Raum (in five days), not Presse (overdue, nobody)
        db.session.commit()
        assert remind_due_tasks() == 0  # once per task
        db.session.commit()
    assert run_outbox(app) == 1
    (message,) = mailbox.messages
    assert message["To"] == world["max"].email and "Flyer drucken" in message["Subject"]
    assert "/aufgaben/" in mailbox.text_of(message)
    with app.app_context():
        meeting = db.session.get(Meeting, world["meeting"])
        rows = [TaskData(t.what, t.who, t.due_on, t.done) for t in meeting.tasks]
        rows[0] = TaskData("Flyer drucken", "Max Mitglied", clock.today())  # a new date: reminded anew
        keep_tasks(meeting, rows)
        db.session.commit()
    with app.test_request_context():
        assert remind_due_tasks() == 1
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(OutgoingMail)) == 2
