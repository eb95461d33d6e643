"""Demo Stadt-Umland projects (invented), linked to demo groups and real organisations of the region."""

from datetime import timedelta

from sqlalchemy import select

from netzwerk import clock
from netzwerk.actors.models import Actor, FieldOfAction
from netzwerk.extensions import db
from netzwerk.groups.models import WorkingGroup
from netzwerk.projects.models import Milestone, Project

PROJECTS = [
    (
        "Gemeinsame Ausbildungsmesse 2027",
        "Fachkräfte",
        "under_way",
        "both",
        True,
        "Stadt und Landkreis richten die Ausbildungsmesse erstmals gemeinsam aus.",
        "Ein Messeauftritt statt zweier; gemeinsamer Bus-Shuttle aus dem Landkreis.",
        ["AK Fachkräfte"],
        [("Aussteller angefragt", -30, True), ("Programm steht", 20, False), ("Messe", 120, False)],
    ),
    (
        "Radschnellverbindung Landshut – Ergolding",
        "Stadt-Umland",
        "planning",
        "both",
        False,
        "Abgestimmte Planung einer Radverbindung zwischen Stadt und Umlandgemeinde.",
        "Eine gemeinsame Trassenstudie; Fördermittel werden gemeinsam beantragt.",
        ["AK Metropolregion"],
        [("Trassenstudie beauftragt", 45, False)],
    ),
]


def load_projects() -> int:
    fields = {f.short_name: f.id for f in db.session.scalars(select(FieldOfAction))}
    groups = {g.short_name: g for g in db.session.scalars(select(WorkingGroup))}
    actors = db.session.scalars(select(Actor).where(Actor.name.like("%Landshut%")).limit(2)).all()
    for title, field, status, lead, public, description, synergies, group_names, milestones in PROJECTS:
        db.session.add(
            Project(
                title=title,
                field_of_action_id=fields.get(field),
                status=status,
                lead=lead,
                is_public=public,
                description=description,
                synergies=synergies,
                groups=[groups[name] for name in group_names if name in groups],
                actors=list(actors),
                milestones=[
                    Milestone(title=name, due_on=clock.today() + timedelta(days=days), done=done)
                    for name, days, done in milestones
                ],
            )
        )
    return len(PROJECTS)
