"""Demo working groups with members from the demo accounts (names and contents invented)."""

from datetime import date, timedelta

from sqlalchemy import select

from netzwerk.actors.models import Actor, FieldOfAction
from netzwerk.audit.services import acting_as
from netzwerk.auth.models import User
from netzwerk.extensions import db
from netzwerk.groups.models import MemberRole, Membership
from netzwerk.groups.services import GroupData, save_group

# name, short name, field of action (short name), public, description, goals, members (email, role)
GROUPS = [
    (
        "Arbeitskreis Fachkräftesicherung",
        "AK Fachkräfte",
        "Fachkräfte",
        True,
        "Unternehmen, Schulen, Kammern und die Agentur für Arbeit suchen gemeinsam Wege, Fachkräfte in der Region "
        "auszubilden, zu gewinnen und zu halten.",
        "Ausbildungsmesse 2027 gemeinsam mit Stadt und Landkreis; Willkommenspaket für neue Fachkräfte.",
        [
            ("mitglied@example.org", MemberRole.LEAD),
            ("josef.gruber@example.org", MemberRole.DEPUTY),
            ("anna.schmid@example.org", MemberRole.MEMBER),
            ("theresa.lechner@example.org", MemberRole.MEMBER),
        ],
    ),
    (
        "Arbeitskreis Wissen und Innovation",
        "AK Innovation",
        "Wissen und Technologie",
        True,
        "Hochschule, Gründerzentrum und Unternehmen bringen Forschung und Praxis zusammen.",
        "Transfertage mit der Hochschule; Netzwerk der Start-ups im LINK.",
        [("mitglied@example.org", MemberRole.MEMBER), ("florian.huber@example.org", MemberRole.LEAD)],
    ),
    (
        "Arbeitskreis Metropolregion und Mobilität",
        "AK Metropolregion",
        "Metropolregion und Regensburg",
        True,
        "Abstimmung mit der Europäischen Metropolregion München und dem Flughafen: Pendeln, Anbindung, Standort.",
        "Gemeinsame Position zur Bahnanbindung; Austausch mit dem Regionalbüro des Flughafens.",
        [
            ("partner@example.org", MemberRole.MEMBER),
            ("lena.bauer@example.org", MemberRole.MEMBER),
            ("anna.schmid@example.org", MemberRole.LEAD),
        ],
    ),
    (
        "Lenkungskreis Regionalmanagement",
        "Lenkungskreis",
        "Stadt-Umland",
        False,
        "Steuert das Regionalmanagement von Stadt und Landkreis.",
        "Jahresplanung, Förderantrag, Bericht an das Staatsministerium.",
        [("manager@example.org", MemberRole.OFFICE), ("anna.schmid@example.org", MemberRole.MEMBER)],
    ),
]


def load_groups(users: list[User]) -> int:
    fields = {f.short_name: f.id for f in db.session.scalars(select(FieldOfAction))}
    by_email = {user.email: user for user in users}
    actors = {a.name: a.id for a in db.session.scalars(select(Actor))}
    with acting_as(users[0] if users else None):
        for name, short, field, public, description, goals, members in GROUPS:
            group = save_group(
                None,
                GroupData(
                    name=name,
                    short_name=short,
                    field_of_action_id=fields.get(field),
                    description=description,
                    goals=goals,
                    is_public=public,
                ),
            )
            for email, role in members:
                user = by_email[email]
                db.session.add(
                    Membership(
                        group=group,
                        user=user,
                        role=role,
                        actor_id=actors.get(user.organisation),
                        start_date=date.today() - timedelta(days=200),
                    )
                )
    return len(GROUPS)
