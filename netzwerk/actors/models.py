"""The actor registry: organisations of the region, where they are, what they work on, who to contact."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from netzwerk import clock
from netzwerk.auth.models import User
from netzwerk.dbtypes import UTCDateTime
from netzwerk.extensions import db
from netzwerk.vocabulary import LabelledEnum, stored_codes


class Area(LabelledEnum):
    # code, label, the German code stored before migration 0021 (still accepted in links: ?gebiet=stadt)
    CITY = "city", _l("Stadt Landshut"), "stadt"
    COUNTY = "county", _l("Landkreis Landshut"), "landkreis"


class Municipality(db.Model):
    """The city of Landshut and the municipalities of the Landkreis (reference data, loaded by a migration)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    ags: Mapped[str] = mapped_column(String(8), unique=True)  # Amtlicher Gemeindeschlüssel
    name: Mapped[str] = mapped_column(String(100))  # everyday spelling
    official_name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(30))  # kreisfreie Stadt, Stadt, Markt, Gemeinde
    area: Mapped[str] = mapped_column(String(20))  # Area
    population: Mapped[int | None]  # None: unknown, never guessed
    population_date: Mapped[str] = mapped_column(String(40), default="")

    @property
    def title(self) -> str:
        kind = "Stadt" if self.kind == "kreisfreie Stadt" else self.kind
        return f"{kind} {self.name}"

    @property
    def area_label(self):
        return Area(self.area).label


class FoerlaField(LabelledEnum):
    """The five Handlungsfelder of the Bavarian funding programme (FöRLa), for the annual report."""

    DEMOGRAPHY = "demography", _l("Demografischer Wandel"), "demografie"
    COMPETITIVENESS = (
        "competitiveness",
        _l("Wettbewerbsfähigkeit (Innovation, Digitalisierung, Fachkräftesicherung, Bildung)"),
        "wettbewerb",
    )
    SETTLEMENT = "settlement", _l("Siedlungsentwicklung (Ortskerne, Flächen, Mobilität)"), "siedlung"
    IDENTITY = "identity", _l("Regionale Identität (Stadt-Land-Partnerschaft)"), "identitaet"
    CLIMATE = "climate", _l("Klimawandel und Energie"), "klima"


class FieldOfAction(db.Model):
    """A Handlungsfeld of the Regionalmanagement: a strategic goal or a cross-cutting theme."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(150), unique=True)
    short_name: Mapped[str] = mapped_column(String(60), default="")
    is_cross_cutting: Mapped[bool] = mapped_column(default=False)
    description: Mapped[str] = mapped_column(Text, default="")
    foerla_field: Mapped[str | None] = mapped_column(String(20))  # FoerlaField
    position: Mapped[int] = mapped_column(default=0)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    @property
    def foerla_label(self):
        return FoerlaField.label_of(self.foerla_field, "") if self.foerla_field else ""


class ActorKind(LabelledEnum):
    # code, label, the German code stored before migration 0021
    COMPANY = "company", _l("Unternehmen"), "unternehmen"
    MUNICIPALITY = "municipality", _l("Kommune"), "kommune"
    EDUCATION = "education", _l("Bildungseinrichtung"), "bildung"
    RESEARCH = "research", _l("Hochschule/Forschung"), "hochschule"
    ASSOCIATION = "association", _l("Verein/Verband"), "verein"
    CHAMBER = "chamber", _l("Kammer"), "kammer"
    AUTHORITY = "authority", _l("Verwaltung/Behörde"), "verwaltung"
    PARTNER = "partner", _l("Partnerorganisation")
    OTHER = "other", _l("Sonstige"), "sonstige"


actor_field_of_action = Table(
    "actor_field_of_action",
    db.metadata,
    Column("actor_id", ForeignKey("actor.id", ondelete="CASCADE"), primary_key=True),
    Column("field_of_action_id", ForeignKey("field_of_action.id", ondelete="CASCADE"), primary_key=True, index=True),
)

actor_sector = Table(
    "actor_sector",
    db.metadata,
    Column("actor_id", ForeignKey("actor.id", ondelete="CASCADE"), primary_key=True),
    Column("sector_id", ForeignKey("sector.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Sector(db.Model):
    """A free tag for an actor's line of business, e.g. "Künstliche Intelligenz"."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    # folded name (search.fold): one tag per spelling, matched alike on SQLite and PostgreSQL
    key: Mapped[str] = mapped_column(String(80), unique=True)


class Actor(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # lower case, umlauts folded, legal forms dropped: what duplicate detection compares
    name_key: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(20), default=ActorKind.OTHER, index=True)
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id"), index=True)
    street: Mapped[str] = mapped_column(String(200), default="")
    postal_code: Mapped[str] = mapped_column(String(10), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    is_public: Mapped[bool] = mapped_column(default=False, index=True)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Folded texts indexed for full-text search (search.py): what the public may search (name, description,
    # sectors), and the contact persons' names, which only signed-in readers of the registry search.
    search_document: Mapped[str] = mapped_column(Text, default="")
    contact_search: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)
    version: Mapped[int] = mapped_column(default=1)

    municipality: Mapped[Municipality | None] = relationship()
    fields_of_action: Mapped[list[FieldOfAction]] = relationship(
        secondary=actor_field_of_action, order_by=FieldOfAction.position
    )
    sectors: Mapped[list[Sector]] = relationship(secondary=actor_sector, order_by=Sector.name)
    contacts: Mapped[list["ContactPerson"]] = relationship(
        back_populates="actor", cascade="all, delete-orphan", passive_deletes=True, order_by="ContactPerson.id"
    )

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    @property
    def kind_label(self):
        return ActorKind(self.kind).label

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class ContactPerson(db.Model):
    """A person to contact at an actor; linked to an account when the person has one."""

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actor.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    function: Mapped[str] = mapped_column(String(120), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    # where the data came from (data protection: Art. 14 DSGVO), e.g. "Import Kontaktliste 2026-11"
    source: Mapped[str] = mapped_column(String(200), default="")

    actor: Mapped[Actor] = relationship(back_populates="contacts")
    user: Mapped[User | None] = relationship()


stored_codes(Municipality, area=Area)
stored_codes(FieldOfAction, foerla_field=FoerlaField)
stored_codes(Actor, kind=ActorKind)
