from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from netzwerk import clock
from netzwerk.dbtypes import UTCDateTime
from netzwerk.extensions import db

# slug (also the URL) → the page's name in the footer
PAGES = {
    "datenschutz": _l("Datenschutz"),
    "impressum": _l("Impressum"),
    "barrierefreiheit": _l("Barrierefreiheit"),
    "leichte-sprache": _l("Leichte Sprache"),
}


class LegalPage(db.Model):
    __tablename__ = "legal_page"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)  # Markdown, rendered sanitised
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    @property
    def name(self) -> str:  # for the audit log
        return self.title
