"""Every schema change is a migration: the models match what the migrations build, and they run both ways."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from netzwerk import create_app
from netzwerk.actors.search import include_in_schema_comparison
from netzwerk.extensions import db


def test_models_match_the_migrations(app):
    with app.app_context():
        with db.engine.connect() as connection:
            opts = {"compare_type": True, "include_object": include_in_schema_comparison}
            context = MigrationContext.configure(connection, opts=opts)
            assert compare_metadata(context, db.metadata) == []


@pytest.fixture
def empty_database(database_url, tmp_path):
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path}/empty.sqlite"
        return
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text("DROP DATABASE IF EXISTS migration_check"))
        connection.execute(text("CREATE DATABASE migration_check"))
    yield database_url.rsplit("/", 1)[0] + "/migration_check"
    with admin.connect() as connection:
        connection.execute(text("DROP DATABASE IF EXISTS migration_check WITH (FORCE)"))
    admin.dispose()


def test_upgrade_downgrade_upgrade_on_an_empty_database(empty_database):
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": empty_database})
    with app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {table.name for table in db.metadata.sorted_tables} <= tables
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}, inspect(db.engine).get_table_names()
        upgrade()
        db.engine.dispose()


def test_downgrading_keeps_related_rows(empty_database):
    """Batch mode rebuilds tables on SQLite; that must not cascade into other tables' rows."""
    from netzwerk.auth.models import TokenPurpose, User
    from netzwerk.auth.services import issue_token

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": empty_database})
    with app.test_request_context():
        upgrade()
        user = User(email="bleibt@example.org", name="Bleibt", role="member")
        db.session.add(user)
        db.session.flush()
        issue_token(user, TokenPurpose.INVITATION, app.config["INVITATION_VALID_FOR"])
        db.session.commit()
        downgrade(revision="0001_foundation")
        assert db.session.execute(text("SELECT count(*) FROM user_token")).scalar() == 1
        db.session.rollback()  # end the read: on PostgreSQL its lock would block 0021's ALTER TABLE user_token
        upgrade()
        assert db.session.execute(text("SELECT count(*) FROM user_token")).scalar() == 1
        db.session.remove()
        db.engine.dispose()


def test_english_codes_migration_converts_german_codes_both_ways(empty_database):
    """0021 renames the German codes stored up to 0020 (actors, municipalities, fields of action, partnerships)
    and adds a CHECK constraint per code column; the downgrade brings the German codes back."""
    from sqlalchemy.exc import IntegrityError

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": empty_database})
    now = "2026-01-01 00:00:00+00:00"

    def actor_row(id, name, kind):
        return {"id": id, "name": name, "key": name, "document": name, "kind": kind, "now": now}

    actor_sql = text(
        "INSERT INTO actor (id, name, name_key, kind, street, postal_code, website, email, phone, description, "
        "is_public, search_document, contact_search, created_at, updated_at, version) VALUES "
        "(:id, :name, :key, :kind, '', '', '', '', '', '', false, :document, '', :now, :now, 1)"
    )

    def codes():
        found = (
            db.session.execute(text("SELECT kind FROM actor WHERE id = 1")).scalar(),
            tuple(db.session.execute(text("SELECT type, status FROM partnership WHERE actor_id = 1")).one()),
            db.session.execute(text("SELECT area FROM municipality WHERE name = 'Ergolding'")).scalar(),
            db.session.execute(text("SELECT foerla_field FROM field_of_action WHERE id = 1")).scalar(),
        )
        db.session.rollback()  # end the transaction: its locks would block the migration's ALTER TABLE
        return found

    with app.app_context():
        upgrade(revision="0020_mail_attempts")
        db.session.execute(actor_sql, actor_row(1, "brauerei", "unternehmen"))
        db.session.execute(
            text(
                "INSERT INTO partnership (actor_id, type, status, offers, public_fields, created_at, version) "
                "VALUES (1, 'kammer', 'ruhend', '', '[]', :now, 1)"
            ),
            {"now": now},
        )
        db.session.commit()
        german = codes()
        assert german == ("unternehmen", ("kammer", "ruhend"), "landkreis", "demografie")

        upgrade(revision="0021_english_codes")
        assert codes() == ("company", ("chamber", "dormant"), "county", "demography")
        with pytest.raises(IntegrityError):
            db.session.execute(actor_sql, actor_row(2, "alt", "unternehmen"))
        db.session.rollback()
        db.session.execute(actor_sql, actor_row(3, "mühle", "company"))
        db.session.commit()
        if db.engine.dialect.name == "sqlite":  # the rebuilt actor table keeps feeding its FTS5 index
            found = db.session.execute(text("SELECT rowid FROM actor_search WHERE actor_search MATCH 'mühle'"))
            assert found.scalars().all() == [3]
            db.session.rollback()  # end the read (outside a request it holds SQLite's write lock)

        downgrade(revision="0020_mail_attempts")
        assert codes() == german
        db.session.execute(actor_sql, actor_row(4, "frei", "irgendwas"))  # no CHECK
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def test_two_reminder_settings_rows_become_the_one_the_app_read(empty_database):
    """0022 keeps the first of the rows two first saves at once could store, as id 1, and allows no second."""
    from sqlalchemy.exc import IntegrityError

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": empty_database})
    insert = text("INSERT INTO reminder_settings (id, days, send_hour, version) VALUES (:id, :days, 9, 1)")
    with app.app_context():
        upgrade(revision="0021_english_codes")
        db.session.execute(insert, [{"id": 3, "days": "7,1"}, {"id": 5, "days": "14"}])
        db.session.commit()
        upgrade(revision="0022_one_reminder_settings_row")
        assert db.session.execute(text("SELECT id, days FROM reminder_settings")).all() == [(1, "7,1")]
        with pytest.raises(IntegrityError):
            db.session.execute(insert, {"id": 2, "days": "3"})
        db.session.rollback()
        downgrade(revision="0021_english_codes")
        db.session.execute(insert, {"id": 2, "days": "3"})
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def test_actors_stored_before_0026_are_found_by_their_written_out_spelling(empty_database):
    """0026 recomputes the indexed texts of every stored actor: "Mueller" finds the Müller entered before."""
    from netzwerk.actors.models import Actor
    from netzwerk.actors.search import fold, search_condition

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": empty_database})
    with app.app_context():
        upgrade(revision="0025_covering_indexes")
        db.session.execute(
            text(
                "INSERT INTO actor (name, name_key, kind, street, postal_code, website, email, phone, description,"
                " is_public, search_document, contact_search, created_at, updated_at, version) VALUES"
                " ('Müller Präzision', 'muller prazision', 'company', '', '', '', '', '', 'Straßenbau', true,"
                " :document, '', '2026-01-01 00:00:00', '2026-01-01 00:00:00', 1)"
            ),
            {"document": fold("Müller Präzision Straßenbau")},
        )
        db.session.commit()
        upgrade()
        for query in ("Mueller", "Praezision", "Strasse", "Muller", "Müller"):
            assert db.session.scalars(Actor.__table__.select().where(search_condition(query, True))).all(), query
        db.session.remove()
        db.engine.dispose()
