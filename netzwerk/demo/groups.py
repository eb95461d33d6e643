"""Demo working groups with members from the demo accounts (names and contents invented)."""

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from netzwerk.actors.models import Actor, FieldOfAction
from netzwerk.audit.services import acting_as
from netzwerk.auth.models import User
from netzwerk.dbtypes import utcnow
from netzwerk.extensions import db
from netzwerk.groups.models import MemberRole, Membership, WorkingGroup
from netzwerk.groups.services import GroupData, save_group
from netzwerk.meetings.models import Answer, Invitation, Meeting
from netzwerk.meetings.services import to_utc

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


# group short name, title, days from today, hour (local), place, agenda
MEETINGS = [
    (
        "AK Fachkräfte",
        "Sitzung Ausbildungsmesse",
        1,
        16,
        "Landratsamt Landshut, Veldener Straße 15",
        "1. Begrüßung\n2. Stand der Ausbildungsmesse 2027\n3. Willkommenspaket\n4. Verschiedenes",
    ),
    (
        "AK Innovation",
        "Transfertag mit der Hochschule",
        21,
        14,
        "Hochschule Landshut, Am Lurzenhof 1",
        "1. Projekte aus den Fakultäten\n2. Gründungen im LINK",
    ),
    (
        "AK Metropolregion",
        "Abstimmung Bahnanbindung",
        35,
        10,
        "",
        "1. Stellungnahme zum Nahverkehrsplan\n2. Termin mit dem Regionalbüro des Flughafens",
    ),
]


def load_meetings(organizer: User) -> int:
    """Upcoming demo meetings with invitations (no mails: the demo has no recipients); some answered."""
    groups = {g.short_name: g for g in db.session.scalars(select(WorkingGroup))}
    for short, title, days, hour, place, agenda in MEETINGS:
        group = groups[short]
        day = datetime.combine(date.today() + timedelta(days=days), time(hour, 0))
        meeting = Meeting(
            group=group,
            title=title,
            starts_at=to_utc(day),
            ends_at=to_utc(day + timedelta(hours=2)),
            place=place,
            online_url="" if place else "https://meet.example.org/ak-metropolregion",
            agenda=agenda,
            organizer=organizer,
        )
        db.session.add(meeting)
        members = db.session.scalars(select(Membership).where(Membership.group == group)).all()
        for index, membership in enumerate(members):
            answer = (Answer.YES, None, Answer.MAYBE, Answer.NO)[index % 4]
            db.session.add(
                Invitation(
                    meeting=meeting, user_id=membership.user_id, answer=answer, answered_at=utcnow() if answer else None
                )
            )
    return len(MEETINGS)


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
        db.session.flush()
        load_meetings(users[0])
    return len(GROUPS)
