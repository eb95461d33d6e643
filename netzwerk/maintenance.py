"""Upkeep of the database the scheduler does once a day.

SQLite plans its joins from statistics that only ANALYZE collects; without them it guesses, and at Landshut ×10
the annual report's partner attendance began at 5,000 meetings instead of at the two partner accounts (77 ms
instead of well under one). PostgreSQL's autovacuum keeps its statistics itself."""

from sqlalchemy import text

from netzwerk.extensions import db

SQLITE_ANALYSIS_LIMIT = 1000  # rows looked at per index: approximate statistics in some 0.1 s at ×10


def refresh_planner_statistics() -> None:
    """ANALYZE on SQLite, in the caller's transaction (the scheduler job's unit of work commits it)."""
    if db.session.get_bind().dialect.name != "sqlite":
        return
    db.session.execute(text(f"PRAGMA analysis_limit = {SQLITE_ANALYSIS_LIMIT}"))
    db.session.execute(text("ANALYZE"))
