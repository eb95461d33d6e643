"""A running demo date poll, relative to the day the demo is loaded: the demo member leads the group and can
try voting, reminding and turning the best slot into a meeting."""

from datetime import datetime, time, timedelta

from sqlalchemy import select

from netzwerk import clock
from netzwerk.audit.services import record
from netzwerk.auth.models import User
from netzwerk.extensions import db
from netzwerk.groups.models import WorkingGroup
from netzwerk.polls.models import Poll, PollSlot, PollVote, Vote

# days from today and hour (local) of each proposed slot (two hours each)
SLOTS = [(10, 17), (12, 9), (17, 17)]
# who has voted already (the demo member, the lead, has not): email → one value per slot
VOTES = {
    "josef.gruber@example.org": (Vote.YES, Vote.NO, Vote.YES),
    "anna.schmid@example.org": (Vote.IF_NEED_BE, Vote.YES, Vote.YES),
}


def load_polls(users: list[User]) -> int:
    group = db.session.scalar(select(WorkingGroup).where(WorkingGroup.short_name == "AK Fachkräfte"))
    by_email = {user.email: user for user in users}
    slots = []
    for days, hour in SLOTS:
        start = datetime.combine(clock.today() + timedelta(days=days), time(hour, 0))
        slots.append(PollSlot(starts_at=clock.to_utc(start), ends_at=clock.to_utc(start + timedelta(hours=2))))
    poll = Poll(
        group=group,
        title="Planungstreffen Willkommenspaket",
        place="Rathaus Landshut, Altstadt 315, Kleiner Sitzungssaal",
        description="1. Inhalte des Willkommenspakets\n2. Partner in den Gemeinden\n3. Zeitplan",
        deadline=clock.to_utc(datetime.combine(clock.today() + timedelta(days=7), time(12, 0))),
        created_by=by_email["mitglied@example.org"],
        slots=slots,
    )
    db.session.add(poll)
    db.session.flush()
    for email, values in VOTES.items():
        for slot, value in zip(slots, values, strict=True):
            db.session.add(PollVote(poll_id=poll.id, slot_id=slot.id, user_id=by_email[email].id, value=value))
    record("poll.created", poll, summary=f"{group.name}: {poll.title} ({len(slots)} Termine)", actor=users[0])
    return 1
