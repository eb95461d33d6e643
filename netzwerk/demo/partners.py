"""Demo partnerships: the real partner organisations of netzwerk/data/partners.csv (loaded as actors by
demo/actors.py) with a partnership, the demo partner accounts assigned to them, and some links (Kooperationen).
The links' wording and dates are invented for the demo."""

from datetime import date

from sqlalchemy import select

from netzwerk.actors.models import Actor
from netzwerk.audit.services import acting_as
from netzwerk.auth.models import User
from netzwerk.extensions import db
from netzwerk.groups.models import WorkingGroup
from netzwerk.partners.models import PartnerStatus, PartnerType
from netzwerk.partners.services.links import create_link
from netzwerk.partners.services.partnerships import PartnershipData, assign_organisation, save_partnership

# organisation (as in partners.csv) → partnership type
PARTNERS = {
    "Europäische Metropolregion München e.V.": PartnerType.METROPOLITAN_REGION,
    "Flughafen München GmbH": PartnerType.AIRPORT,
    "Hochschule Landshut": PartnerType.RESEARCH,
    "IHK Niederbayern": PartnerType.CHAMBER,
    "Handwerkskammer Niederbayern-Oberpfalz": PartnerType.CHAMBER,
    "LINK – Landshuter Innovations- und Kreativzentrum e.V.": PartnerType.ECONOMIC_DEVELOPMENT,
    "Niederbayern-Forum e.V.": PartnerType.NEIGHBOUR_REGION,
}

# partner account → its organisation
PARTNER_ACCOUNTS = {
    "partner@example.org": "Europäische Metropolregion München e.V.",
    "lena.bauer@example.org": "Flughafen München GmbH",
}

# partner, linked group (by short name) or actor (by name), what about, since (invented)
LINKS = [
    (
        "Europäische Metropolregion München e.V.",
        "AK Metropolregion",
        "Abstimmung Pendlerverkehr und Bahnanbindung",
        date(2023, 3, 1),
    ),
    (
        "Flughafen München GmbH",
        "AK Fachkräfte",
        "Ausbildungsplätze und Pendlerangebote am Flughafen",
        date(2024, 9, 15),
    ),
    ("Flughafen München GmbH", "AK Metropolregion", "Regionalbüro: Erreichbarkeit des Flughafens", date(2022, 5, 1)),
    ("Hochschule Landshut", "AK Innovation", "Transfertage und Gründungsberatung", date(2021, 10, 1)),
    (
        "Hochschule Landshut",
        "LINK – Landshuter Innovations- und Kreativzentrum e.V.",
        "Mitgründerin des LINK",
        date(2020, 1, 1),
    ),
    ("IHK Niederbayern", "AK Fachkräfte", "Ausbildungsmesse 2027", date(2025, 2, 1)),
]


def load_partners(users: list[User]) -> int:
    actors = {a.name: a for a in db.session.scalars(select(Actor).where(Actor.name.in_(PARTNERS)))}
    groups = {g.short_name: g for g in db.session.scalars(select(WorkingGroup))}
    manager = users[0] if users else None
    partnerships = {}
    with acting_as(manager):
        for name, type_ in PARTNERS.items():
            if name not in actors:
                continue
            data = PartnershipData(
                type=type_,
                status=PartnerStatus.ACTIVE,
                since=date(2015, 1, 1),
                contact_user_id=manager.id if manager else None,
            )
            partnerships[name] = save_partnership(None, data, actors[name])
        by_email = {user.email: user for user in users}
        for email, name in PARTNER_ACCOUNTS.items():
            if email in by_email and name in partnerships:
                assign_organisation(by_email[email], partnerships[name])
        for partner, target, about, since in LINKS:
            if partner in partnerships:
                other = groups.get(target) or db.session.scalar(select(Actor).where(Actor.name == target))
                if other is not None:
                    create_link(partnerships[partner], other, about, since)
    return len(partnerships)
