"""Landshut × N: ``build_region(scale)`` adds ``scale`` times the demo's size of people, actors with a contact
person, working groups with memberships, meetings with invitations and partner organisations with links (the
demo has 18 people, 109 actors, 6 groups, 22 memberships, 12 meetings with 41 invitations and 7 partners), built
with the suite's factories (tests/factories.py) in batches. Run alone it fills a fresh database and says how long
that took:

    python -m bench.generate [--scale 10] [--database-url URL]
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from netzwerk import clock, create_app  # noqa: E402
from netzwerk.actors.models import Municipality  # noqa: E402
from netzwerk.extensions import db  # noqa: E402
from tests import factories  # noqa: E402

# one demo's worth, the unit that ``scale`` multiplies
PEOPLE, ACTORS, GROUPS, PARTNERS = 18, 109, 6, 7
MEMBERS_PER_GROUP = (4, 4, 4, 4, 3, 3)  # 22 memberships
MEETING_DAYS = (-30, 14)  # each group met a month ago and meets in two weeks: 12 meetings
COUNTED = ("user_account", "actor", "contact_person", "working_group", "membership", "meeting", "invitation")


def build_region(scale: int) -> dict[str, int]:
    """Add ``scale`` × the demo's size of the region's records inside the current app context (no commit);
    returns how many rows of each kind it added."""
    towns = list(db.session.scalars(select(Municipality.id).order_by(Municipality.id)))
    added = dict.fromkeys((*COUNTED, "partnership", "partner_link"), 0)
    for n in range(scale):
        with factories.batch():
            people = [
                factories.user(name=f"Person {n}-{i}", email=f"person{n}-{i}@example.org", acknowledged=False)
                for i in range(PEOPLE)
            ]
            actors = [
                factories.actor(
                    name=f"Betrieb {n}-{i}",
                    municipality_id=towns[i % len(towns)],
                    contacts=[{"name": f"Kontakt {n}-{i}", "email": f"kontakt{n}-{i}@example.org"}],
                )
                for i in range(ACTORS)
            ]
            groups = [add_group(n, g, size, people, actors) for g, size in enumerate(MEMBERS_PER_GROUP)]
            for p in range(PARTNERS):
                partner = factories.partnership(actors[-1 - p])
                factories.partner_link(partner, group=groups[p % GROUPS], about="Zusammenarbeit")
        added["user_account"] += PEOPLE
        added["actor"] += ACTORS
        added["contact_person"] += ACTORS
        added["working_group"] += GROUPS
        added["membership"] += sum(MEMBERS_PER_GROUP)
        added["meeting"] += GROUPS * len(MEETING_DAYS)
        added["invitation"] += sum(MEMBERS_PER_GROUP) * len(MEETING_DAYS)
        added["partnership"] += PARTNERS
        added["partner_link"] += PARTNERS
    return added


def add_group(n: int, g: int, size: int, people: list, actors: list):
    """Group g of region copy n: members taken in turn from the people, each representing an actor; the first
    leads; a held and an upcoming meeting to which every member is invited."""
    members = [people[(g * 3 + k) % len(people)] for k in range(size)]
    group = factories.group(name=f"AK {n}-{g}", short_name=f"AK {n}-{g}", field_of_action_id=1 + g % 7)
    for k, person in enumerate(members):
        role = "lead" if k == 0 else "member"
        factories.membership(group, person, role=role, actor=actors[(g * 5 + k) % len(actors)])
    for days in MEETING_DAYS:
        factories.meeting(
            group,
            title=f"Sitzung {n}-{g}",
            starts_at=factories.in_days(days, hour=18),
            answers={person: "yes" if days < 0 else None for person in members},
        )
    return group


def counts() -> dict[str, int]:
    return {name: db.session.scalar(select(func.count()).select_from(db.metadata.tables[name])) for name in COUNTED}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='netzwerk-bench-')}/bench.sqlite"
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        began = time.perf_counter()
        build_region(args.scale)
        db.session.commit()
        took = time.perf_counter() - began
        print(f"Landshut × {args.scale} ({url.split('://')[0]}) in {took:.1f} s, {clock.now():%Y-%m-%d %H:%M} UTC:")
        print(", ".join(f"{name} {count}" for name, count in counts().items()))


if __name__ == "__main__":
    main()
