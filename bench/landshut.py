"""Landshut ×10 at the sizes the benchmark goal names: 10,000 people, 20,000 actors, 1,000 working groups (10–60
members each, some people in five or more), 50,000 meetings over ten years with about 450,000 invitations,
minutes and attendance on the past ones, 100 partners with links, 200 date polls, 1,000,000 mails in the outbox
and 100,000 audit entries. Built through the app's models and the suite's factories (tests/factories.py) in
committed chunks, the outbox and audit rows with one multi-row INSERT per chunk; reproducible from a seed.

    python -m bench.landshut [--fraction 0.1] [--seed 2026] [--database-url URL]
"""

import argparse
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import func, insert, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from netzwerk import clock, create_app  # noqa: E402
from netzwerk.actors.models import FieldOfAction, Municipality  # noqa: E402
from netzwerk.audit.models import AuditEntry  # noqa: E402
from netzwerk.extensions import db  # noqa: E402
from netzwerk.mail.models import MailStatus, OutgoingMail  # noqa: E402
from tests import factories  # noqa: E402

SIZES = {
    "people": 10_000,
    "actors": 20_000,
    "groups": 1_000,
    "meetings": 50_000,
    "partners": 100,
    "polls": 200,
    "outbox": 1_000_000,
    "audit": 100_000,
}
YEARS = 10
INVITED = (5, 15)  # invitees per meeting, about 10 (fewer in young groups): ~450,000 for 50,000 meetings
MEMBERS = (10, 60)
CORE = 0.1  # the share of people who are picked five times as often: many of them sit in 5+ groups
CHUNK = 2_000  # rows of one kind per committed chunk
ANSWERS = ("yes", "yes", "yes", "no", "maybe", None)
ATTENDANCE = {"yes": "present", "no": "absent", "maybe": "excused", None: "absent"}


class Progress:
    """One line per step on stderr, redrawn in place: done / total, percent, seconds so far."""

    def __init__(self, label: str, total: int):
        self.label, self.total, self.done, self.started = label, max(total, 1), 0, time.perf_counter()

    def advance(self, n: int = 1) -> None:
        self.done += n
        self.draw()

    def draw(self, end: str = "") -> None:
        elapsed = time.perf_counter() - self.started
        share = min(1.0, self.done / self.total)
        bar = "#" * round(30 * share)
        line = f"\r  {self.label:<12} [{bar:<30}] {self.done:>9,} / {self.total:,} {share:4.0%} {elapsed:6.1f} s"
        print(line, end=end, file=sys.stderr, flush=True)

    def finish(self) -> None:
        self.done = max(self.done, self.total)
        self.draw(end="\n")


def build_landshut(fraction: float = 1.0, seed: int = 2026, member_id: int | None = None) -> dict[str, int]:
    """Add the region at ``fraction`` of the goal's sizes inside the current app context, committing chunk by
    chunk. ``member_id``: a person (the demo member) who belongs to six of the groups, with their ten years of
    meetings, as someone who has been in the network since its start. Returns the rows added per table."""
    chance = random.Random(seed)
    size = {name: max(1, round(count * fraction)) for name, count in SIZES.items()}
    before = table_counts()
    people = add_people(size["people"])
    actors = add_actors(size["actors"], chance)
    groups, members = add_groups(size["groups"], people, actors, chance, member_id)
    add_meetings(size["meetings"], groups, members, chance, member_id)
    add_partners(size["partners"], actors, groups, chance)
    add_polls(size["polls"], groups, chance)
    add_outbox(size["outbox"], people, chance)
    add_audit(size["audit"], actors, chance)
    return {name: count - before.get(name, 0) for name, count in table_counts().items()}


def added_over_the_years(n: int, total: int):
    """The registry grew evenly over the ten years: row n of total was added at this time."""
    return clock.now() - timedelta(days=365 * YEARS) * (1 - n / total)


def chunks(total: int, label: str):
    """(start, stop) of each chunk of ``total``, committed and forgotten after each (memory stays flat)."""
    progress = Progress(label, total)
    for start in range(0, total, CHUNK):
        stop = min(total, start + CHUNK)
        yield start, stop
        db.session.commit()
        db.session.expunge_all()
        progress.advance(stop - start)
    progress.finish()


def add_people(count: int) -> list[int]:
    ids = []
    for start, stop in chunks(count, "people"):
        with factories.batch():
            added = [
                factories.user(
                    name=f"Person {n}",
                    email=f"person{n}@landshut.example",
                    password=None,
                    acknowledged=False,
                    created_at=added_over_the_years(n, count),
                )
                for n in range(start, stop)
            ]
        ids.extend(person.id for person in added)
    return ids


def add_actors(count: int, chance: random.Random) -> list[int]:
    towns = list(db.session.scalars(select(Municipality.id)))
    fields = list(db.session.scalars(select(FieldOfAction.id)))
    kinds = ("company", "company", "company", "association", "education", "research", "municipality", "other")
    ids = []
    for start, stop in chunks(count, "actors"):
        with factories.batch():
            added = [
                factories.actor(
                    name=f"Landshuter Betrieb {n}",
                    kind=chance.choice(kinds),
                    municipality_id=chance.choice(towns),
                    field_of_action_ids=chance.sample(fields, chance.choice((1, 1, 2))),
                    contacts=[{"name": f"Kontakt {n}", "email": f"kontakt{n}@landshut.example"}],
                    created_at=added_over_the_years(n, count),
                )
                for n in range(start, stop)
            ]
        ids.extend(actor.id for actor in added)
    return ids


def add_groups(count, people, actors, chance, member_id):
    """Groups with 10–60 members each, who joined over the ten years; the core people are picked more often."""
    core = people[: max(1, int(len(people) * CORE))]
    fields = list(db.session.scalars(select(FieldOfAction.id)))
    start_of_network = clock.today() - timedelta(days=365 * YEARS)
    groups, members = [], {}
    for start, stop in chunks(count, "groups"):
        with factories.batch():
            added = []
            for n in range(start, stop):
                group = factories.group(
                    name=f"Arbeitskreis {n:04}", short_name=f"AK {n:04}", field_of_action_id=chance.choice(fields)
                )
                wanted = chance.randint(*MEMBERS)
                chosen = set(chance.sample(core, min(len(core), wanted // 3)))
                while len(chosen) < wanted:
                    chosen.add(chance.choice(people))
                if member_id and n < 6:
                    chosen.add(member_id)
                joined = {}
                for k, person in enumerate(sorted(chosen)):
                    since = start_of_network + timedelta(days=chance.randrange(365 * YEARS // 2))
                    if person == member_id:
                        since = start_of_network
                    role = "lead" if k == 0 else "member"
                    factories.membership(group, person, role=role, start=since, actor_id=chance.choice(actors))
                    joined[person] = since
                added.append((group, joined))
        for group, joined in added:
            groups.append(group.id)
            members[group.id] = joined
    return groups, members


def add_meetings(count, groups, members, chance, member_id):
    """Meetings spread over ten years (a few ahead), each inviting about ten members who had joined by then;
    the past ones with answers, attendance and, mostly, published minutes."""
    now = clock.now().replace(second=0, microsecond=0)
    span = timedelta(days=365 * YEARS)
    for start, stop in chunks(count, "meetings"):
        with factories.batch():
            for n in range(start, stop):
                group_id = groups[n % len(groups)]
                when = now - span + span * chance.random() * 1.02  # about 2 % lie ahead
                joined = [p for p, since in members[group_id].items() if since <= when.date()]
                invited = set(chance.sample(joined, min(len(joined), chance.randint(*INVITED))))
                if member_id in members[group_id]:
                    invited.add(member_id)
                past = when < now
                minutes = f"## Protokoll\n\n1. Begrüßung\n2. Bericht aus dem Arbeitskreis {n}\n" if past else ""
                meeting = factories.meeting(
                    group_id,
                    title=f"Sitzung {n}",
                    starts_at=when,
                    place="Rathaus Landshut",
                    agenda="1. Begrüßung\n2. Berichte\n3. Verschiedenes",
                    announced_at=when - timedelta(days=21),
                    minutes=minutes if chance.random() < 0.8 else "",
                    minutes_published_at=when + timedelta(days=7) if past and minutes else None,
                )
                for person in sorted(invited):
                    answer = chance.choice(ANSWERS)
                    factories.invitation(
                        meeting, person, answer=answer, attendance=ATTENDANCE[answer] if past else None
                    )


def add_partners(count, actors, groups, chance):
    for start, stop in chunks(count, "partners"):
        with factories.batch():
            for n in range(start, stop):
                partner = factories.partnership(actors[n * 7 % len(actors)])
                for group_id in chance.sample(groups, min(len(groups), chance.randint(1, 3))):
                    factories.partner_link(partner, group=group_id, about="Kooperation")


def add_polls(count, groups, chance):
    for start, stop in chunks(count, "polls"):
        with factories.batch():
            for n in range(start, stop):
                factories.poll(chance.choice(groups), title=f"Terminumfrage {n}")


def add_outbox(count, people, chance):
    """Ten years of sent mail: one multi-row INSERT per chunk (the ORM would build a million objects)."""
    now = clock.now()
    span = timedelta(days=365 * YEARS)
    kinds = ("invitation", "meeting_reminder", "minutes_published", "meeting_update")
    for start, stop in chunks(count, "outbox"):
        rows = []
        for n in range(start, stop):
            sent = now - span + span * (n / count)
            rows.append(
                {
                    "kind": chance.choice(kinds),
                    "recipient": f"person{n % len(people)}@landshut.example",
                    "user_id": people[n % len(people)],
                    "subject": f"Sitzung {n}",
                    "body_text": "Einladung",
                    "body_html": "<p>Einladung</p>",
                    "message_id": f"<bench-{n}@netzwerk.landshut.example>",
                    "status": MailStatus.SENT,
                    "attempts": 1,
                    "created_at": sent,
                    "due_at": sent,
                    "sent_at": sent,
                    "attempted_at": sent,
                }
            )
        db.session.execute(insert(OutgoingMail), rows)


def add_audit(count, actors, chance):
    now = clock.now()
    span = timedelta(days=365 * 3)  # what RETENTION_AUDIT_DAYS keeps
    for start, stop in chunks(count, "audit"):
        rows = [
            {
                "created_at": now - span + span * (n / count),
                "action": chance.choice(("actor.updated", "actor.created", "meeting.scheduled", "group.updated")),
                "target_type": "actor",
                "target_id": chance.choice(actors),
                "summary": f"Änderung {n}",
                "changes": {"name": [f"alt {n}", f"neu {n}"]},
            }
            for n in range(start, stop)
        ]
        db.session.execute(insert(AuditEntry), rows)


TABLES = ("user_account", "actor", "working_group", "membership", "meeting", "invitation", "partnership", "poll")
TABLES += ("outgoing_mail", "audit_entry")


def table_counts() -> dict[str, int]:
    return {name: db.session.scalar(select(func.count()).select_from(db.metadata.tables[name])) for name in TABLES}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fraction", type=float, default=1.0, help="of the goal's sizes (0.1: a tenth)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='netzwerk-bench-')}/landshut.sqlite"
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        began = time.perf_counter()
        added = build_landshut(args.fraction, args.seed)
        print(f"Landshut ×10 ({url.split('://')[0]}, fraction {args.fraction}) in {time.perf_counter() - began:.0f} s:")
        print(", ".join(f"{name} {count:,}" for name, count in added.items()))


if __name__ == "__main__":
    main()
