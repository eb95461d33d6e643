"""The scheduler's daily upkeep of the database (netzwerk/maintenance.py): on SQLite, planner statistics, so
a join starts from the small table (two partner accounts), not from a year of meetings."""

from sqlalchemy import text

from netzwerk.extensions import db
from netzwerk.maintenance import refresh_planner_statistics
from netzwerk.scheduler import build_scheduler, periodic_jobs
from netzwerk.unit_of_work import unit_of_work


def test_the_scheduler_refreshes_the_statistics_once_a_day(app):
    jobs = {job.name: job for job in periodic_jobs(app)}
    assert jobs["planner_statistics"].every.total_seconds() == 24 * 3600
    assert "planner_statistics" in {job.id for job in build_scheduler(app).get_jobs()}


def test_sqlite_gets_statistics_postgresql_keeps_its_own(app, make_user):
    make_user(name="Statistik Person")
    with app.app_context():
        with unit_of_work():
            refresh_planner_statistics()
        if db.engine.dialect.name != "sqlite":
            assert db.session.scalar(text("SELECT to_regclass('sqlite_stat1')")) is None
            return
        rows = dict(db.session.execute(text("SELECT idx, stat FROM sqlite_stat1 WHERE tbl = 'user_account'")).all())
        assert rows and all(stat.split()[0].isdigit() for stat in rows.values()), rows
