"""Partnerships, partner links (Kooperationen), the partner users' organisation and the logos."""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, LargeBinary, String, Text, and_, select, union
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from netzwerk import clock
from netzwerk.actors.models import Actor
from netzwerk.auth.models import User
from netzwerk.dbtypes import UTCDateTime
from netzwerk.extensions import db
from netzwerk.groups.models import WorkingGroup
from netzwerk.vocabulary import LabelledEnum, coded_fields, stored_codes


class PartnerType(LabelledEnum):
    # code, label, the German code stored before migration 0022
    METROPOLITAN_REGION = "metropolitan_region", _l("Metropolregion"), "metropolregion"
    AIRPORT = "airport", _l("Flughafen"), "flughafen"
    RESEARCH = "research", _l("Hochschule/Forschung"), "hochschule"
    CHAMBER = "chamber", _l("Kammer"), "kammer"
    ECONOMIC_DEVELOPMENT = "economic_development", _l("Wirtschaftsförderung"), "wirtschaftsfoerderung"
    NEIGHBOUR_REGION = "neighbour_region", _l("Nachbarregion"), "nachbarregion"
    OTHER = "other", _l("Sonstige"), "sonstige"


class PartnerStatus(LabelledEnum):
    ACTIVE = "active", _l("aktiv"), "aktiv"
    DORMANT = "dormant", _l("ruhend"), "ruhend"
    ENDED = "ended", _l("beendet"), "beendet"


class ProfileField(LabelledEnum):
    """What a partner may show publicly or keep internal, field by field. Contact persons are never public
    (the public directory shows no personal data)."""

    DESCRIPTION = "description", _l("Beschreibung")
    OFFERS = "offers", _l("Angebote und Themen")
    WEBSITE = "website", _l("Website")
    ADDRESS = "address", _l("Adresse")
    LOGO = "logo", _l("Logo")


DEFAULT_PUBLIC_FIELDS = ["description", "offers", "website", "logo"]  # ProfileField codes


class Partnership(db.Model):
    """An actor that is a partner of the Regionalmanagement (one partnership per actor)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("actor.id", ondelete="CASCADE"), unique=True)
    type: Mapped[str] = mapped_column(String(30), default=PartnerType.OTHER, index=True)
    since: Mapped[date | None] = mapped_column(Date)
    # the contact person at the Regionalmanagement
    contact_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(20), default=PartnerStatus.ACTIVE, index=True)
    offers: Mapped[str] = mapped_column(Text, default="")  # Angebote und Themen, kept by the partner
    public_fields: Mapped[list] = mapped_column(JSON, default=lambda: list(DEFAULT_PUBLIC_FIELDS))
    # the current logo (PartnerLogo.id); a plain column, not a foreign key, to keep the tables free of a cycle
    logo_id: Mapped[int | None]
    # when a partner user last saved the profile, and when the manager last asked for an update
    profile_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    update_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    version: Mapped[int] = mapped_column(default=1)

    actor: Mapped[Actor] = relationship()
    contact_user: Mapped[User | None] = relationship()
    logo: Mapped["PartnerLogo | None"] = relationship(
        primaryjoin="foreign(Partnership.logo_id) == PartnerLogo.id", viewonly=True
    )
    links: Mapped[list["PartnerLink"]] = relationship(
        back_populates="partnership", cascade="all, delete-orphan", order_by="PartnerLink.since"
    )

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    @property
    def name(self) -> str:
        return self.actor.name

    @property
    def type_label(self):
        return PartnerType(self.type).label

    @property
    def status_label(self):
        return PartnerStatus(self.status).label

    def is_public_field(self, field: str) -> bool:
        return field in (self.public_fields or [])


class PartnerLogo(db.Model):
    """An uploaded logo, re-encoded (PNG or JPEG, no metadata). Old logos stay so a change can be undone; only
    the partnership's current logo is ever served."""

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    content_type: Mapped[str] = mapped_column(String(20))  # image/png or image/jpeg
    width: Mapped[int]
    height: Mapped[int]
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class PartnerUser(db.Model):
    """A partner user's organisation: exactly one per user (the primary key), several users per organisation."""

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id", ondelete="CASCADE"), index=True)

    user: Mapped[User] = relationship()
    partnership: Mapped[Partnership] = relationship()


class PartnerLink(db.Model):
    """A Kooperation: a partner linked to a working group or another actor, with what it is about and since
    when. Ended links keep their end date and stay as history."""

    __table_args__ = (CheckConstraint("(group_id IS NULL) <> (actor_id IS NULL)", name="one_target"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("working_group.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("actor.id", ondelete="CASCADE"), index=True)
    about: Mapped[str] = mapped_column(String(300))
    since: Mapped[date] = mapped_column(Date, default=clock.today)
    ended_on: Mapped[date | None] = mapped_column(Date, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    partnership: Mapped[Partnership] = relationship(back_populates="links")
    group: Mapped[WorkingGroup | None] = relationship()
    actor: Mapped[Actor | None] = relationship()

    @property
    def is_current(self) -> bool:
        return self.ended_on is None

    @property
    def target_name(self) -> str:
        return self.group.name if self.group is not None else self.actor.name


stored_codes(Partnership, type=PartnerType, status=PartnerStatus)
coded_fields("Partnership", public_fields=ProfileField)
coded_fields("Actor", public_fields=ProfileField)  # a partner's own changes are recorded on its actor


def actors_with_partner_link(visible_links):
    """A subquery for the actor list's filter: partners with a current link and actors a partner is linked to,
    counting only links the viewer may see (``visible_links``: a WHERE condition on PartnerLink)."""
    current = and_(PartnerLink.ended_on.is_(None), visible_links)
    partners = select(Partnership.actor_id).join(PartnerLink, PartnerLink.partnership_id == Partnership.id)
    targets = select(PartnerLink.actor_id).where(current, PartnerLink.actor_id.is_not(None))
    return union(partners.where(current).correlate(None), targets.correlate(None))
