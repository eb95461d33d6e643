"""Meetings to answer and the ways to answer them, shared by the meeting, race and load tests: in the app as
a signed-in member, or through the signed answer link of the invitation mail (no login)."""

from datetime import timedelta

from sqlalchemy import select

from netzwerk import clock
from netzwerk.extensions import db
from netzwerk.meetings.models import Invitation
from tests import factories
from tests.conftest import login, post_form


def add_meeting(app, group_id, members, capacity=None, guests_allowed=False, days=7) -> int:
    """A committed meeting of the group in ``days`` days, with an open invitation for each of ``members``."""
    start = (clock.now() + timedelta(days=days)).replace(second=0, microsecond=0)
    return factories.create(
        app,
        factories.meeting,
        group_id,
        title="Werkstattgespräch",
        starts_at=start,
        place="Hochschule Landshut",
        capacity=capacity,
        guests_allowed=guests_allowed,
        invite=members,
    )


def answer_as(app, user, meeting_id, value):
    """``user`` signs in and answers on the meeting page."""
    client = app.test_client()
    login(client, user.email)
    return post_form(client, f"/termine/{meeting_id}/antwort", {"answer": value}, get_url=f"/termine/{meeting_id}")


def answer_links(app, meeting_id) -> list[str]:
    """The signed answer link of every invitation to the meeting, as the invitation mails carry them."""
    from netzwerk.meetings.services.tokens import answer_token

    with app.app_context():
        invitations = db.session.scalars(select(Invitation).where(Invitation.meeting_id == meeting_id))
        return [f"/antwort/{answer_token(invitation)}" for invitation in invitations]
