"""``flask --app wsgi demo``: demo data for trying the app, loaded once into a migrated database.

People are invented; organisations and municipalities are the region's real ones (netzwerk/data), joined by
invented companies, schools and associations (netzwerk/demo/actors.py)."""

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from netzwerk import clock
from netzwerk.audit.services import record
from netzwerk.auth.models import AccountStatus, Role, User
from netzwerk.auth.services import hash_password
from netzwerk.demo.actors import load_actors
from netzwerk.demo.groups import load_groups
from netzwerk.demo.news import load_news
from netzwerk.demo.partners import load_partners
from netzwerk.demo.polls import load_polls
from netzwerk.demo.projects import load_projects
from netzwerk.extensions import db
from netzwerk.privacy.models import ConsentKind
from netzwerk.privacy.services.consent import record_consent
from netzwerk.reference import municipalities
from netzwerk.unit_of_work import unit_of_work

DEMO_PASSWORD = "landshut-demo"  # noqa: S105 (documented demo login)

DEMO_USERS = [
    # email, name, role, organisation, status
    ("manager@example.org", "Maria Huber", Role.ADMIN, "Regionalmanagement Stadt und Landkreis Landshut", "active"),
    ("mitglied@example.org", "Thomas Maier", Role.MEMBER, "Hochschule Landshut", "active"),
    ("partner@example.org", "Sabine Wimmer", Role.PARTNER, "Europäische Metropolregion München e.V.", "active"),
    ("anna.schmid@example.org", "Anna Schmid", Role.MEMBER, "Stadt Landshut", "active"),
    ("josef.gruber@example.org", "Josef Gruber", Role.MEMBER, "IHK Niederbayern", "active"),
    ("theresa.lechner@example.org", "Theresa Lechner", Role.MEMBER, municipalities()["Ergolding"].title, "active"),
    ("florian.huber@example.org", "Florian Huber", Role.MEMBER, municipalities()["Vilsbiburg"].title, "active"),
    ("lena.bauer@example.org", "Lena Bauer", Role.PARTNER, "Flughafen München GmbH", "active"),
    ("lukas.hofmann@example.org", "Lukas Hofmann", Role.MEMBER, "Wirtschaftsjunioren Landshut e.V.", "invited"),
    # members of the two working groups that bring municipalities and companies of the Landkreis together
    ("katharina.fischer@example.org", "Katharina Fischer", Role.MEMBER, municipalities()["Essenbach"].title, "active"),
    ("michael.wagner@example.org", "Michael Wagner", Role.MEMBER, municipalities()["Geisenhausen"].title, "active"),
    ("stefan.koller@example.org", "Stefan Koller", Role.MEMBER, "Kronhof Datenwerk GmbH", "active"),
    ("julia.brandl@example.org", "Julia Brandl", Role.MEMBER, "KI-Werkstatt Isar GmbH", "active"),
    ("christina.reiter@example.org", "Christina Reiter", Role.MEMBER, "Softwarehaus Zweiklang GmbH", "active"),
    ("georg.obermaier@example.org", "Georg Obermaier", Role.MEMBER, "Landhotel Sonnleiten", "active"),
    ("martina.kiermeier@example.org", "Martina Kiermeier", Role.MEMBER, "Brauerei Zum Stillen Weiher", "active"),
    ("andreas.stoeckl@example.org", "Andreas Stöckl", Role.MEMBER, "Biohof Wiesengrund", "active"),
    ("elisabeth.forster@example.org", "Elisabeth Forster", Role.MEMBER, "Gewerbeverein Vilstal e.V.", "active"),
]


def demo_loaded() -> bool:
    return db.session.scalar(select(User.id).where(User.email == DEMO_USERS[0][0])) is not None


def load_demo() -> list[User]:
    password_hash = hash_password(DEMO_PASSWORD)
    users = []
    for email, name, role, organisation, status in DEMO_USERS:
        active = status == AccountStatus.ACTIVE
        user = User(
            email=email,
            name=name,
            role=role,
            organisation=organisation,
            status=status,
            password_hash=password_hash if active else None,
            password_changed_at=clock.now() if active else None,
        )
        db.session.add(user)
        users.append(user)
    db.session.flush()
    for user in users:  # demo logins start in the tool, as if the Datenschutzerklärung had been confirmed
        if user.status == AccountStatus.ACTIVE:
            record_consent(user, ConsentKind.PRIVACY_NOTICE, True)
    actors = load_actors(users)
    groups = load_groups(users)
    load_polls(users)
    load_news(users)
    load_projects()
    partners = load_partners(users)
    summary = (
        f"{len(users)} Demo-Konten, {len(actors)} Akteure, {groups} Arbeitskreise und {partners} "
        "Partnerorganisationen angelegt"
    )
    record("demo.loaded", summary=summary, actor=users[0])
    return users


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Load the demo data (once; a second call changes nothing). Refused in production: the password is public."""
    if current_app.config["NAME"] == "production":
        raise click.ClickException(
            "Demo-Daten werden im Produktionsbetrieb nicht geladen (das Passwort ist öffentlich)."
        )
    if demo_loaded():
        click.echo("Demo-Daten sind bereits geladen.")
        return
    with unit_of_work():
        load_demo()
    click.echo("Demo-Daten geladen. Anmeldung mit Passwort 'landshut-demo' als:")
    for email, _name, role, _org, status in DEMO_USERS:
        if status == AccountStatus.ACTIVE and email.split("@")[0] in {"manager", "mitglied", "partner"}:
            click.echo(f"  {email:<24} ({role})")
