"""The suite's isolation: tests share one app (tests/conftest.py), yet each starts as if it had its own.

The second test of each pair runs after the first (pytest keeps the file's order) and sees none of its traces."""

from sqlalchemy import func, select

from netzwerk.actors.models import FieldOfAction, Municipality
from netzwerk.auth.models import User
from netzwerk.extensions import db
from tests.conftest import REFERENCE_TABLES


def test_a_test_leaves_rows_changed_reference_data_and_configuration(app, make_user):
    make_user()
    make_user()
    app.config["TIMEZONE"] = "America/New_York"
    app.config["SOMETHING_NEW"] = {"left": "behind"}
    with app.app_context():
        db.session.execute(db.delete(FieldOfAction))
        db.session.commit()


def test_the_next_one_starts_from_the_migrations_and_its_own_configuration(app, make_user):
    assert app.config["TIMEZONE"] == "Europe/Berlin"
    assert "SOMETHING_NEW" not in app.config
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0
        assert db.session.scalar(select(func.count()).select_from(FieldOfAction)) > 0
    assert make_user().id == 1  # ids start again


def test_new_reference_rows_get_ids_after_those_of_the_migrations(app):
    """The reference tables' sequences continue after the rows the migrations put in (PostgreSQL)."""
    assert "municipality" in REFERENCE_TABLES
    with app.app_context():
        highest = db.session.scalar(select(func.max(Municipality.id)))
        copy = Municipality(ags="09999999", name="Kopie", official_name="Kopie", kind="Gemeinde", area="county")
        db.session.add(copy)
        db.session.commit()
        assert copy.id == highest + 1
