"""Factories for the suite and the benchmark: one small function per record, keyword defaults, unique names.

Each adds its rows to ``db.session``, flushes (so ids exist) and returns the object; none commits. Call them
inside an app context, then commit once (or use ``detached`` for an object that outlives the context, as the
``make_user`` fixture does). Related records may be passed as objects of the same session or as ids; a detached
object (a ``make_user`` user) counts by its id. Times come from netzwerk.clock, so time-machine moves them.

    with app.app_context():
        group = factories.group(name="AK Fachkräfte", leads=[lea], members=[max])
        meeting = factories.meeting(group, invite=[lea, max], answers={lea: "yes"})
        db.session.commit()
"""

import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import inspect, select

from netzwerk import clock
from netzwerk.actors.models import Actor, ContactPerson, FieldOfAction
from netzwerk.auth.models import AccountStatus, Role, User
from netzwerk.extensions import db
from netzwerk.groups.models import MemberRole, Membership, WorkingGroup
from netzwerk.meetings.models import Invitation, Meeting
from netzwerk.news.models import NewsItem
from netzwerk.partners.models import PartnerLink, Partnership, PartnerType, PartnerUser
from netzwerk.polls.models import Poll, PollSlot
from netzwerk.projects.models import Milestone, Project

PASSWORD = "ein langes test passwort"  # noqa: S105 (the suite's test password)

Row = TypeVar("Row")
Ref = Any  # a model object of the session, a detached one, or an id

_numbers = itertools.count(1)
_hash_cache: dict[str, str] = {}


def unique() -> int:
    """A number not used before in this process: keeps names and e-mail addresses apart."""
    return next(_numbers)


def password_hash(password: str) -> str:
    """Hashing is slow on purpose (scrypt); the suite hashes each password once."""
    from netzwerk.auth.services import hash_password

    if password not in _hash_cache:
        _hash_cache[password] = hash_password(password)
    return _hash_cache[password]


def _ref(name: str, value: Ref) -> dict:
    """``{name: obj}`` for an object of this session, else ``{name_id: id}``."""
    if value is None:
        return {}
    if isinstance(value, int):
        return {f"{name}_id": value}
    if inspect(value).detached:
        return {f"{name}_id": value.id}
    return {name: value}


_batching = False


@contextmanager
def batch() -> Iterator[None]:
    """Inside, the factories add rows without a flush each (related rows go by object) and flush once at the
    end: for generating thousands of rows (bench/landshut.py). Ids exist only after the block."""
    global _batching
    _batching = True
    try:
        yield
    finally:
        _batching = False
    db.session.flush()


def _added(*rows: Row) -> Row:
    db.session.add_all(rows)
    if not _batching:
        db.session.flush()
    return rows[0]


def detached(obj: Row) -> Row:
    """Commit, load every column and take the object out of the session, so it reads fine after the app
    context has ended (what tests keep in their ``world`` dicts)."""
    db.session.commit()
    db.session.refresh(obj)
    db.session.expunge(obj)
    return obj


def in_days(days: float, hour: int | None = None) -> datetime:
    """A UTC time ``days`` from now, in whole minutes (calendars carry whole seconds); ``hour`` sets the local
    (Berlin) hour of that day."""
    moment = clock.now().replace(second=0, microsecond=0) + timedelta(days=days)
    if hour is not None:
        moment = clock.to_utc(clock.wall_clock(moment).replace(hour=hour, minute=0))
    return moment


# --- People and organisations ------------------------------------------------------------------------------


def user(
    *,
    role: str = Role.MEMBER,
    email: str | None = None,
    name: str | None = None,
    status: str = AccountStatus.ACTIVE,
    password: str | None = PASSWORD,
    acknowledged: bool = True,
    **fields,
) -> User:
    """An active account that can log in with ``password``. ``acknowledged``: has confirmed the current
    Datenschutzerklärung (else the first request after login leads to the confirmation page)."""
    n = unique()
    person = _added(
        User(
            email=email or f"{role}{n}@example.org",
            name=name or f"Test {str(role).title()} {n}",
            role=role,
            status=status,
            password_hash=password_hash(password) if password else None,
            **fields,
        )
    )
    if acknowledged:
        from netzwerk.privacy.models import ConsentKind
        from netzwerk.privacy.services.consent import record_consent

        db.session.flush()  # the consent names the user by id
        record_consent(person, ConsentKind.PRIVACY_NOTICE, True)
        if not _batching:
            db.session.flush()
    return person


def actor(
    *,
    name: str | None = None,
    kind: str = "company",
    contacts: Iterable[Mapping[str, Any]] = (),
    sectors: Sequence[str] = (),
    field_of_action_ids: Sequence[int] = (),
    **fields,
) -> Actor:
    """An actor as a row, without the audit entry the manager's form writes (``make_actor`` goes through the
    service); name key and search text as the service computes them."""
    from netzwerk.actors.services import normalise_name, refresh_search_document, sectors_named

    name = name or f"Betrieb {unique()} GmbH"
    organisation = Actor(name=name, name_key=normalise_name(name), kind=kind, **fields)
    organisation.sectors = list(sectors_named(list(sectors)).values())
    if field_of_action_ids:
        chosen = select(FieldOfAction).where(FieldOfAction.id.in_(field_of_action_ids))
        organisation.fields_of_action = list(db.session.scalars(chosen))
    organisation.contacts = [ContactPerson(**contact) for contact in contacts]
    refresh_search_document(organisation)
    return _added(organisation)


def contact(of: Ref, *, name: str | None = None, **fields) -> ContactPerson:
    return _added(ContactPerson(**_ref("actor", of), name=name or f"Kontakt {unique()}", **fields))


def partnership(of: Ref, *, type: str = PartnerType.OTHER, users: Iterable[Ref] = (), **fields) -> Partnership:  # noqa: A002 (the column's name)
    """The actor ``of`` as partner organisation; ``users`` speak for it (partner accounts)."""
    partner = _added(Partnership(**_ref("actor", of), type=type, **fields))
    for person in users:
        partner_user(person, partner)
    return partner


def partner_user(person: Ref, of: Ref) -> PartnerUser:
    return _added(PartnerUser(**_ref("user", person), **_ref("partnership", of)))


def partner_link(
    of: Ref, *, group: Ref = None, actor: Ref = None, about: str = "Zusammenarbeit", **fields
) -> PartnerLink:
    """A partner's link to a working group or to another actor."""
    return _added(
        PartnerLink(**_ref("partnership", of), **_ref("group", group), **_ref("actor", actor), about=about, **fields)
    )


# --- Working groups ----------------------------------------------------------------------------------------


def group(
    *,
    name: str | None = None,
    leads: Iterable[Ref] = (),
    members: Iterable[Ref] = (),
    **fields,
) -> WorkingGroup:
    """A working group with current memberships: ``leads`` in the lead role, ``members`` as members."""
    working_group = _added(WorkingGroup(name=name or f"AK {unique()}", **fields))
    for person in leads:
        membership(working_group, person, role=MemberRole.LEAD)
    for person in members:
        membership(working_group, person)
    return working_group


def membership(
    of: Ref,
    person: Ref,
    *,
    role: str = MemberRole.MEMBER,
    start: date | None = None,
    end: date | None = None,
    **fields,
) -> Membership:
    """``person`` belongs to group ``of`` from ``start`` (default today) until ``end`` (default open)."""
    return _added(
        Membership(
            **_ref("group", of),
            **_ref("user", person),
            role=role,
            start_date=start or clock.today(),
            end_date=end,
            **fields,
        )
    )


# --- Meetings and polls ------------------------------------------------------------------------------------


def meeting(
    of: Ref,
    *,
    title: str | None = None,
    starts_at: datetime | None = None,
    hours: float = 2,
    invite: Iterable[Ref] = (),
    answers: Mapping[Ref, str] | None = None,
    **fields,
) -> Meeting:
    """A meeting of group ``of`` (default in a week, ``hours`` long); ``invite`` gets invitations without an
    answer, the keys of ``answers`` invitations with that answer."""
    starts_at = starts_at or in_days(7)
    session_meeting = _added(
        Meeting(
            **_ref("group", of),
            title=title or f"Sitzung {unique()}",
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=hours),
            **fields,
        )
    )
    for person in invite:
        invitation(session_meeting, person)
    for person, answer in (answers or {}).items():
        invitation(session_meeting, person, answer=answer)
    return session_meeting


def meetings_due_for_reminder(of: Ref, people: Sequence[Ref], count: int, place: str = "Rathaus") -> list[Meeting]:
    """``count`` meetings of group ``of`` in two days, a minute apart, announced a month ago, and every one of
    ``people`` said yes: the 7-day reminder of each is due now (the scheduler and outbox runs)."""
    start = clock.now().replace(second=0, microsecond=0) + timedelta(days=2)
    return [
        meeting(
            of,
            title=f"Sitzung {n}",
            starts_at=start + timedelta(minutes=n),
            hours=1,
            place=place,
            announced_at=start - timedelta(days=30),
            answers=dict.fromkeys(people, "yes"),
        )
        for n in range(count)
    ]


def invitation(of: Ref, person: Ref, *, answer: str | None = None, **fields) -> Invitation:
    return _added(Invitation(**_ref("meeting", of), **_ref("user", person), answer=answer, **fields))


def poll(
    of: Ref,
    *,
    title: str | None = None,
    slots: Iterable[tuple[datetime, datetime]] | None = None,
    **fields,
) -> Poll:
    """A date poll of group ``of``; default two one-hour slots, a week and eight days from now."""
    if slots is None:
        slots = [(in_days(d), in_days(d) + timedelta(hours=1)) for d in (7, 8)]
    return _added(
        Poll(
            **_ref("group", of),
            title=title or f"Umfrage {unique()}",
            slots=[PollSlot(starts_at=start, ends_at=end) for start, end in slots],
            **fields,
        )
    )


# --- Projects and news -------------------------------------------------------------------------------------


def project(*, title: str | None = None, milestones: Iterable[tuple[str, date | None]] = (), **fields) -> Project:
    """A project; ``milestones`` as (title, due date or None)."""
    return _added(
        Project(
            title=title or f"Vorhaben {unique()}",
            milestones=[Milestone(title=name, due_on=due) for name, due in milestones],
            **fields,
        )
    )


def news(
    *, title: str | None = None, body: str = "Text", publish_at: datetime | None = None, draft: bool = False, **fields
) -> NewsItem:
    """A news item, published now unless ``publish_at`` says when, or a ``draft`` (no publication time)."""
    when = None if draft else publish_at or clock.now()
    return _added(NewsItem(title=title or f"Meldung {unique()}", body=body, publish_at=when, **fields))


def create(app, factory: Callable[..., Any], *args, **fields) -> int:
    """Build one record (and what the factory adds with it) in an app context of its own, commit, give its id:
    for tests that only keep ids."""
    with app.app_context():
        row = factory(*args, **fields)
        db.session.commit()
        return row.id
