"""Date polls: start one (members are mailed), vote, see the table, remind, and turn a slot into a meeting.
Services decide and raise domain errors (netzwerk/errors.py); the unit of work commits and sends the mails."""

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from netzwerk import clock
from netzwerk.audit.services import record
from netzwerk.auth.models import User
from netzwerk.errors import Finished, NotAllowed
from netzwerk.extensions import db
from netzwerk.groups.models import Membership, WorkingGroup, current_on
from netzwerk.mail.models import OutgoingMail
from netzwerk.mail.services import external_url, queue_mail
from netzwerk.meetings.models import Meeting
from netzwerk.meetings.services.scheduling import MeetingData, schedule_meeting
from netzwerk.polls.models import Poll, PollReminder, PollSlot, PollStatus, PollVote, Vote


@dataclass
class PollData:
    title: str
    slots: list[tuple[datetime, datetime]]  # UTC
    place: str = ""
    online_url: str = ""
    description: str = ""
    deadline: datetime | None = None  # UTC


def current_members(group: WorkingGroup) -> list[User]:
    """The group's current members, each once, by name."""
    users = db.session.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.group_id == group.id, current_on())
    ).all()
    return sorted({user.id: user for user in users}.values(), key=lambda user: user.name)


def start_poll(group: WorkingGroup, data: PollData, creator: User) -> tuple[Poll, list[OutgoingMail]]:
    """Create the poll with its slots and mail every current member a link to vote."""
    poll = Poll(
        group=group,
        title=data.title,
        place=data.place,
        online_url=data.online_url,
        description=data.description,
        deadline=data.deadline,
        created_by=creator,
        slots=[PollSlot(starts_at=starts, ends_at=ends) for starts, ends in sorted(data.slots)],
    )
    db.session.add(poll)
    db.session.flush()
    record("poll.created", poll, summary=f"{group.name}: {poll.title} ({len(poll.slots)} Termine)")
    members = [user for user in current_members(group) if user.is_active]
    return poll, [poll_mail(poll, user, "poll_invitation") for user in members]


def poll_mail(poll: Poll, user: User, kind: str) -> OutgoingMail:
    return queue_mail(
        user.email,
        kind,
        user=user,
        poll=poll,
        slots=[(clock.to_local(slot.starts_at), clock.to_local(slot.ends_at)) for slot in poll.slots],
        poll_url=external_url("polls.detail", poll_id=poll.id),
    )


def votes_of(poll: Poll, user: User) -> dict[int, str]:
    """{slot id: value} of this person's votes."""
    rows = db.session.execute(
        select(PollVote.slot_id, PollVote.value).where(PollVote.poll_id == poll.id, PollVote.user_id == user.id)
    )
    return {slot_id: value for slot_id, value in rows}


POLL_FINISHED = _l("Die Umfrage ist bereits beendet.")
VOTING_FINISHED = _l("Die Umfrage ist beendet; Ihre Stimme kann nicht mehr geändert werden.")


def require_open(poll: Poll, message=POLL_FINISHED) -> None:
    if not poll.is_open:
        raise Finished(message)


def vote(poll: Poll, user: User, values: dict[int, Vote]) -> None:
    """Save (or change) the person's answer for every slot, while the poll runs."""
    require_open(poll, VOTING_FINISHED)
    existing = {
        v.slot_id: v
        for v in db.session.scalars(select(PollVote).where(PollVote.poll_id == poll.id, PollVote.user_id == user.id))
    }
    changes = {}
    for slot in poll.slots:
        value = values[slot.id]
        old = existing.get(slot.id)
        if old is None:
            db.session.add(PollVote(poll_id=poll.id, slot_id=slot.id, user_id=user.id, value=value))
        elif old.value != value:
            old.value, old.voted_at = value, clock.now()
        else:
            continue
        changes[f"{clock.to_local(slot.starts_at):%d.%m.%Y %H:%M}"] = [old.value if old else None, str(value)]
    if changes:
        record("poll.voted", poll, summary=f"{user.name}: {poll.title}", changes=changes)


# --- The table ---------------------------------------------------------------------------------------------


@dataclass
class SlotTotals:
    slot: PollSlot
    yes: int = 0
    if_need_be: int = 0
    no: int = 0

    @property
    def rank(self) -> tuple[int, int]:
        return self.yes, self.if_need_be


@dataclass
class PollTable:
    """People × slots: each person's value per slot (None: not voted), totals per slot, the best slot."""

    slots: list[PollSlot]
    rows: list[tuple[User, dict[int, str]]]
    totals: list[SlotTotals]
    best: PollSlot | None = None
    not_voted: list[User] = field(default_factory=list)


def poll_table(poll: Poll) -> PollTable:
    """Current members plus anyone who voted and has left since; a fixed number of queries."""
    votes = db.session.scalars(
        select(PollVote).where(PollVote.poll_id == poll.id).options(selectinload(PollVote.user))
    ).all()
    members = current_members(poll.group)
    people = {user.id: user for user in members}
    by_user: dict[int, dict[int, str]] = {}
    for item in votes:
        by_user.setdefault(item.user_id, {})[item.slot_id] = item.value
        people.setdefault(item.user_id, item.user)
    totals = [SlotTotals(slot) for slot in poll.slots]
    for total in totals:
        for values in by_user.values():
            value = values.get(total.slot.id)
            if value in (Vote.YES, Vote.IF_NEED_BE, Vote.NO):
                setattr(total, value, getattr(total, value) + 1)
    best = max(totals, key=lambda t: t.rank, default=None)  # max keeps the earliest of equal slots
    ordered = sorted(people.values(), key=lambda user: user.name)
    return PollTable(
        slots=list(poll.slots),
        rows=[(user, by_user.get(user.id, {})) for user in ordered],
        totals=totals,
        best=best.slot if best and best.rank > (0, 0) else None,
        not_voted=[user for user in members if user.id not in by_user],
    )


# --- Reminders, closing, the meeting ------------------------------------------------------------------------


def remind(poll: Poll, sent_by: User) -> list[OutgoingMail]:
    """Mail the current members who have not voted yet (and only them, unless they turned poll reminders off);
    each reminder is kept."""
    require_open(poll)
    recipients = [user for user in poll_table(poll).not_voted if user.is_active and user.poll_reminders]
    db.session.add_all(PollReminder(poll_id=poll.id, user_id=user.id, sent_by_id=sent_by.id) for user in recipients)
    if recipients:
        record("poll.reminded", poll, summary=f"{poll.title}: " + ", ".join(user.name for user in recipients))
    return [poll_mail(poll, user, "poll_reminder") for user in recipients]


def reminders_of(poll: Poll) -> list[PollReminder]:
    return list(
        db.session.scalars(
            select(PollReminder)
            .where(PollReminder.poll_id == poll.id)
            .options(selectinload(PollReminder.user))
            .order_by(PollReminder.sent_at.desc(), PollReminder.id)
        )
    )


def claim_closing(poll: Poll) -> bool:
    """Close the poll unless someone else just did: one UPDATE decides, so two clicks make one meeting."""
    result = db.session.execute(
        update(Poll)
        .where(Poll.id == poll.id, Poll.status == PollStatus.OPEN)
        .values(status=PollStatus.CLOSED, closed_at=clock.now())
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount == 1


def close_poll(poll: Poll) -> None:
    """End the poll without a meeting (e.g. no slot suits)."""
    if not claim_closing(poll):
        raise Finished(POLL_FINISHED)
    record("poll.closed", poll, summary=poll.title)


def schedule_from_poll(poll: Poll, slot: PollSlot, organizer: User) -> tuple[Meeting, list[User]]:
    """Close the poll and make the chosen slot a meeting, which invites every member with a calendar entry;
    who voted "Ja" for the slot starts as Zusage (the meeting and the people invited by mail).
    Finished if the poll was closed already (by someone else a moment ago)."""
    require_open(poll)
    if slot.starts_at < clock.now():
        raise NotAllowed(_l("Dieser Termin liegt bereits in der Vergangenheit. Bitte wählen Sie einen anderen."))
    if not claim_closing(poll):
        raise Finished(POLL_FINISHED)
    data = MeetingData(
        title=poll.title,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        place=poll.place,
        online_url=poll.online_url,
        agenda=poll.description,
    )
    said_yes = select(PollVote.user_id).where(PollVote.slot_id == slot.id, PollVote.value == Vote.YES)
    meeting, invited = schedule_meeting(poll.group, data, organizer, accepted=frozenset(db.session.scalars(said_yes)))
    poll.meeting = meeting
    record("poll.converted", poll, summary=f"{poll.title}: {clock.to_local(slot.starts_at):%d.%m.%Y %H:%M}")
    return meeting, invited


# --- Lists -------------------------------------------------------------------------------------------------


def open_polls(user: User, is_admin: bool = False, group: WorkingGroup | None = None) -> list[tuple[Poll, bool | None]]:
    """Running polls of one group, or of the user's groups (the manager: all), each with whether the user has
    voted (None where the user is no member and has no vote); a fixed number of queries."""
    own_groups = select(Membership.group_id).where(Membership.user_id == user.id, current_on())
    query = (
        select(Poll)
        .where(Poll.status == PollStatus.OPEN)
        .options(selectinload(Poll.slots), selectinload(Poll.group))
        .order_by(Poll.created_at.desc(), Poll.id.desc())
    )
    if group is not None:
        query = query.where(Poll.group_id == group.id)
    elif not is_admin:
        query = query.where(Poll.group_id.in_(own_groups))
    polls = db.session.scalars(query).all()
    ids = [poll.id for poll in polls]
    own_votes = select(PollVote.poll_id).where(PollVote.user_id == user.id, PollVote.poll_id.in_(ids))
    voted = set(db.session.scalars(own_votes))
    member_of = set(db.session.scalars(own_groups))
    return [(poll, poll.id in voted if poll.group_id in member_of else None) for poll in polls]
