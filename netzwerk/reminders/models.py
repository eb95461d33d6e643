"""The manager's defaults for reminders (one row)."""

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from netzwerk.extensions import db

SETTINGS_ID = 1  # the one row: two first saves at once insert the same key, and the second is a Conflict
DAY_CHOICES = (14, 7, 3, 2, 1, 0)  # days before a meeting a reminder can go out (0: on the day itself)


def parse_days(text: str | None) -> list[int]:
    """ "7,1" → [7, 1]; anything that is not one of DAY_CHOICES is left out."""
    days = {int(part) for part in (text or "").split(",") if part.strip().isascii() and part.strip().isdigit()}
    return sorted((day for day in days if day in DAY_CHOICES), reverse=True)


def format_days(days) -> str:
    return ",".join(str(day) for day in sorted({int(day) for day in days}, reverse=True))


class ReminderSettings(db.Model):
    __tablename__ = "reminder_settings"
    __table_args__ = (CheckConstraint(f"id = {SETTINGS_ID}", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # built-in defaults in reminders.services.reminder_settings (a column default would turn None into 3)
    days: Mapped[str] = mapped_column(String(40))  # before each meeting, e.g. "7,1"
    send_hour: Mapped[int] = mapped_column()  # local time of day reminders go out
    answer_days: Mapped[int | None] = mapped_column()  # "please answer" reminder; None: none
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    @property
    def day_list(self) -> list[int]:
        return parse_days(self.days)
