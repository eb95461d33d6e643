"""The office's own settings for what it hands out: its name and the funding notice (Fördervermerk) that funded
events must show, on the annual report and on every attendance list."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from netzwerk.extensions import db

SETTINGS_ID = 1  # the one row: two first saves at once insert the same key, and the second is a Conflict
DEFAULT_OFFICE_NAME = "Regionalmanagement Stadt und Landkreis Landshut"
DEFAULT_FUNDING_NOTICE = _l(
    "Das Regionalmanagement Stadt und Landkreis Landshut wird gefördert vom Freistaat Bayern im Rahmen der "
    "Förderrichtlinie Landesentwicklung (FöRLa)."
)


class OfficeSettings(db.Model):
    __tablename__ = "office_settings"
    __table_args__ = (CheckConstraint(f"id = {SETTINGS_ID}", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_name: Mapped[str] = mapped_column(String(200))
    funding_notice: Mapped[str] = mapped_column(Text)
    # the office's logo for the report's title page: re-encoded PNG or JPEG (partners.services.logo), or none
    logo: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    logo_type: Mapped[str] = mapped_column(String(20), default="")
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}
