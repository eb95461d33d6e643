"""Demo working groups with members from the demo accounts (names and contents invented)."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import select

from netzwerk import clock
from netzwerk.actors.models import Actor, FieldOfAction
from netzwerk.audit.services import acting_as
from netzwerk.auth.models import User
from netzwerk.extensions import db
from netzwerk.groups.models import MemberRole, Membership, WorkingGroup
from netzwerk.groups.services import GroupData, save_group
from netzwerk.meetings.models import Answer, Attendance, Invitation, Meeting, MeetingStatus, Task

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
    (
        "Arbeitskreis Digitale Kommunen",
        "AK Digitale Kommunen",
        "Innovation",
        True,
        "Gemeinden, Märkte und IT-Unternehmen aus dem Landkreis bringen digitale Bürgerdienste gemeinsam voran.",
        "Gemeinsames Bürgerportal; Erfahrungsaustausch zu Onlinezugangsgesetz und KI in der Verwaltung.",
        [
            ("katharina.fischer@example.org", MemberRole.LEAD),
            ("michael.wagner@example.org", MemberRole.DEPUTY),
            ("stefan.koller@example.org", MemberRole.MEMBER),
            ("julia.brandl@example.org", MemberRole.MEMBER),
            ("christina.reiter@example.org", MemberRole.MEMBER),
        ],
    ),
    (
        "Arbeitskreis Regionalmarketing und Tourismus",
        "AK Regionalmarketing",
        "Zuzugsregion",
        True,
        "Gastgeber, Direktvermarkter und Gewerbevereine zeigen, warum es sich in Stadt und Landkreis gut lebt.",
        "Gemeinsamer Auftritt für Neubürgerinnen und Neubürger; Radtouren zu Hofläden und Brauereien.",
        [
            ("georg.obermaier@example.org", MemberRole.LEAD),
            ("martina.kiermeier@example.org", MemberRole.MEMBER),
            ("andreas.stoeckl@example.org", MemberRole.MEMBER),
            ("elisabeth.forster@example.org", MemberRole.MEMBER),
            ("stefan.koller@example.org", MemberRole.MEMBER),
            ("michael.wagner@example.org", MemberRole.MEMBER),
        ],
    ),
]


@dataclass
class DemoMeeting:
    group: str  # short name
    title: str
    days: int  # from the day the demo is loaded
    hour: int  # local time
    place: str
    agenda: str
    cancelled: bool = False
    capacity: int | None = None
    guests_allowed: bool = False
    minutes: str = ""  # past meetings: attendance is taken from the answers, the minutes are published
    decisions: str = ""
    tasks: tuple[tuple[str, str, int], ...] = ()  # what, who, due in days from today


MEETINGS = [
    DemoMeeting(
        "AK Digitale Kommunen",
        "Auftakt: digitale Bürgerdienste",
        -40,
        15,
        "Rathaus Essenbach",
        "1. Stand der Onlinedienste in den Gemeinden\n2. Gemeinsames Bürgerportal",
        minutes="## Stand\nSieben Gemeinden bieten bereits Onlineanträge an; ein gemeinsames Portal wird geprüft.",
        decisions="- Eine Arbeitsgruppe vergleicht drei Portallösungen.",
    ),
    DemoMeeting(
        "AK Regionalmarketing",
        "Radtouren zu Hofläden und Brauereien",
        -70,
        18,
        "Landhotel Sonnleiten, Bodenkirchen",
        "1. Tourenvorschläge\n2. Gemeinsame Karte",
        minutes="## Touren\nDrei Touren zwischen Vils und Isar werden ausgearbeitet.",
    ),
    DemoMeeting(
        "Lenkungskreis",
        "Jahresplanung Regionalmanagement",
        -300,
        10,
        "Landratsamt Landshut, Veldener Straße 15",
        "1. Jahresplanung\n2. Förderantrag\n3. Bericht an das Staatsministerium",
        minutes="## Jahresplanung\nDie Schwerpunkte Fachkräfte, Innovation und Metropolregion bleiben.",
        decisions="- Der Förderantrag wird fristgerecht eingereicht.",
    ),
    DemoMeeting(
        "AK Fachkräfte",
        "Fachkräftestrategie für die Region",
        -150,
        16,
        "Rathaus Landshut, Altstadt 315",
        "1. Zahlen der Agentur für Arbeit\n2. Schwerpunkte der Strategie",
        minutes="## Schwerpunkte\nPflege, Handwerk und IT; Ansprache von Rückkehrern aus München.",
        decisions="- Der Arbeitskreis legt bis zum Herbst einen Entwurf vor.",
    ),
    DemoMeeting(
        "AK Innovation",
        "Gründerstammtisch im LINK",
        -120,
        18,
        "LINK Gründerzentrum Landshut",
        "1. Vorstellung neuer Start-ups\n2. Kooperationen mit dem Mittelstand",
        minutes="## Start-ups\nFünf Gründungen stellen sich vor; zwei Kooperationen werden angebahnt.",
    ),
    DemoMeeting(
        "AK Metropolregion",
        "Austausch mit dem Regionalbüro des Flughafens",
        -100,
        10,
        "Flughafen München, Besucherpark",
        "1. Pendlerzahlen\n2. Gemeinsame Veranstaltungen",
        minutes="## Pendlerzahlen\nDer Flughafen stellt die Zahlen der Beschäftigten aus der Region vor.",
    ),
    DemoMeeting(
        "AK Fachkräfte",
        "Auftakt Ausbildungsmesse 2027",
        -56,
        16,
        "Landratsamt Landshut, Veldener Straße 15",
        "1. Begrüßung\n2. Rückblick Ausbildungsmesse 2026\n3. Ziele 2027\n4. Verschiedenes",
        minutes="## TOP 1 Begrüßung\nDie Leitung begrüßt die Anwesenden.\n\n## TOP 2 Rückblick\n"
        "Rund 1.900 Besucherinnen und Besucher, 84 Aussteller; gute Resonanz der Schulen aus dem Landkreis.\n\n"
        "## TOP 3 Ziele 2027\nMehr Betriebe aus dem östlichen Landkreis gewinnen; Busshuttle ab Vilsbiburg prüfen.",
        decisions="- Die Ausbildungsmesse 2027 findet wieder in der Sparkassen-Arena statt.\n"
        "- Der Arbeitskreis erarbeitet ein Willkommenspaket für neue Fachkräfte.",
        tasks=(
            ("Angebot Busshuttle einholen", "Josef Gruber", -20),
            ("Ausstellerliste 2026 auswerten", "Anna Schmid", 10),
            ("Entwurf Willkommenspaket an den Arbeitskreis senden", "Thomas Maier", 7),
        ),
    ),
    DemoMeeting(
        "AK Innovation",
        "Rückblick Transfertag 2026",
        -28,
        14,
        "Hochschule Landshut, Am Lurzenhof 1",
        "1. Auswertung\n2. Themen für 2027",
        minutes="## Auswertung\nZwölf Projekte aus drei Fakultäten; vier Folgegespräche mit Unternehmen.",
        decisions="- Der nächste Transfertag hat den Schwerpunkt Leichtbau und Energie.",
        tasks=(("Themenliste an die Fakultäten senden", "Florian Huber", 14),),
    ),
    DemoMeeting(
        "AK Fachkräfte",
        "Sitzung Ausbildungsmesse",
        1,
        16,
        "Landratsamt Landshut, Veldener Straße 15",
        "1. Begrüßung\n2. Stand der Ausbildungsmesse 2027\n3. Willkommenspaket\n4. Verschiedenes",
    ),
    DemoMeeting(
        "AK Fachkräfte",
        "Werkstattgespräch Willkommenskultur",
        14,
        17,
        "Rathaus Landshut, Altstadt 315",
        "1. Erfahrungen der Betriebe\n2. Angebote der Kommunen",
        cancelled=True,
    ),
    DemoMeeting(
        "AK Innovation",
        "Transfertag mit der Hochschule",
        21,
        14,
        "Hochschule Landshut, Am Lurzenhof 1",
        "1. Projekte aus den Fakultäten\n2. Gründungen im LINK",
        capacity=40,
        guests_allowed=True,
    ),
    DemoMeeting(
        "AK Metropolregion",
        "Abstimmung Bahnanbindung",
        35,
        10,
        "",
        "1. Stellungnahme zum Nahverkehrsplan\n2. Termin mit dem Regionalbüro des Flughafens",
    ),
]

ANSWERS = (Answer.YES, None, Answer.MAYBE, Answer.NO)
ATTENDANCE = {Answer.YES: Attendance.PRESENT, Answer.NO: Attendance.EXCUSED}


def load_meetings(organizer: User) -> int:
    """Demo meetings with invitations (no mails: the demo has no recipients); past ones with attendance and
    published minutes."""
    groups = {g.short_name: g for g in db.session.scalars(select(WorkingGroup))}
    for demo in MEETINGS:
        group = groups[demo.group]
        day = datetime.combine(clock.today() + timedelta(days=demo.days), time(demo.hour, 0))
        meeting = Meeting(
            group=group,
            title=demo.title,
            starts_at=clock.to_utc(day),
            ends_at=clock.to_utc(day + timedelta(hours=2)),
            place=demo.place,
            online_url="" if demo.place else "https://meet.example.org/ak-metropolregion",
            agenda=demo.agenda,
            organizer=organizer,
            status=MeetingStatus.CANCELLED if demo.cancelled else MeetingStatus.SCHEDULED,
            # invited weeks ago, so the reminders due by now (e.g. for tomorrow's meeting) go out when the
            # scheduler starts on the fresh demo database
            announced_at=clock.to_utc(day) - timedelta(days=30),
            capacity=demo.capacity,
            guests_allowed=demo.guests_allowed,
            minutes=demo.minutes,
            decisions=demo.decisions,
            minutes_published_at=clock.now() if demo.minutes else None,
            tasks=[
                Task(position=n, what=what, who=who, due_on=clock.today() + timedelta(days=due), done=due < 0)
                for n, (what, who, due) in enumerate(demo.tasks)
            ],
        )
        db.session.add(meeting)
        members = db.session.scalars(select(Membership).where(Membership.group == group)).all()
        for index, membership in enumerate(members):
            answer = ANSWERS[index % 4]
            db.session.add(
                Invitation(
                    meeting=meeting,
                    user_id=membership.user_id,
                    answer=answer,
                    answered_at=clock.now() if answer else None,
                    attendance=ATTENDANCE.get(answer, Attendance.ABSENT) if demo.minutes else None,
                )
            )
        names = {membership.user.name: membership.user_id for membership in members}
        for task in meeting.tasks:  # as saving the minutes does: "Wer" naming a member assigns the task
            task.assignee_id = names.get(task.who)
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
                        start_date=clock.today() - timedelta(days=200),
                    )
                )
        db.session.flush()
        load_meetings(users[0])
    return len(GROUPS)
