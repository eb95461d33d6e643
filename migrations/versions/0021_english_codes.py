"""One vocabulary: English codes for actors, municipalities, fields of action and partnerships, and a CHECK
constraint on every column that stores a code (netzwerk/vocabulary.py)

Audit entries keep the codes they were written with (history is not rewritten); the audit log reads the old
German codes through the legacy codes of the code lists.

Revision ID: 0021_english_codes
Revises: 0020_mail_attempts
Create Date: 2026-11-28 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021_english_codes'
down_revision = '0020_mail_attempts'
branch_labels = None
depends_on = None

# (table, column) → {German code: English code}: the codes this migration renames.
RENAMED = {
    ("municipality", "area"): {"stadt": "city", "landkreis": "county"},
    ("field_of_action", "foerla_field"): {
        "demografie": "demography", "wettbewerb": "competitiveness", "siedlung": "settlement",
        "identitaet": "identity", "klima": "climate",
    },
    ("actor", "kind"): {
        "unternehmen": "company", "kommune": "municipality", "bildung": "education", "hochschule": "research",
        "verein": "association", "kammer": "chamber", "verwaltung": "authority", "sonstige": "other",
    },
    ("partnership", "type"): {
        "metropolregion": "metropolitan_region", "flughafen": "airport", "hochschule": "research",
        "kammer": "chamber", "wirtschaftsfoerderung": "economic_development", "nachbarregion": "neighbour_region",
        "sonstige": "other",
    },
    ("partnership", "status"): {"aktiv": "active", "ruhend": "dormant", "beendet": "ended"},
}

# (table, column) → the codes allowed after this migration (as of 0022; later code lists need their own
# migration). The constraints are named ck_<table>_<column>, as the models' stored_codes names them.
ALLOWED = {
    ("user_account", "role"): ["admin", "member", "partner"],
    ("user_account", "status"): ["invited", "active", "deactivated"],
    ("user_token", "purpose"): ["invitation", "password_reset"],
    ("municipality", "area"): ["city", "county"],
    ("field_of_action", "foerla_field"): ["demography", "competitiveness", "settlement", "identity", "climate"],
    ("actor", "kind"): [
        "company", "municipality", "education", "research", "association", "chamber", "authority", "partner",
        "other",
    ],
    ("working_group", "status"): ["active", "paused", "closed"],
    ("membership", "role"): ["lead", "deputy", "office", "member", "guest"],
    ("join_request", "status"): ["pending", "approved", "declined"],
    ("meeting", "status"): ["scheduled", "cancelled"],
    ("invitation", "answer"): ["yes", "maybe", "no"],
    ("invitation", "attendance"): ["present", "excused", "absent", "represented"],
    ("outgoing_mail", "status"): ["queued", "sending", "sent", "failed", "cancelled"],
    ("incoming_mail", "outcome"): ["answered", "unchanged", "forwarded", "rejected", "auto_reply"],
    ("poll", "status"): ["open", "closed"],
    ("poll_vote", "value"): ["yes", "if_need_be", "no"],
    ("consent", "kind"): ["privacy_notice", "contact_details"],
    ("deletion_request", "status"): ["open", "done", "declined"],
    ("partnership", "type"): [
        "metropolitan_region", "airport", "research", "chamber", "economic_development", "neighbour_region",
        "other",
    ],
    ("partnership", "status"): ["active", "dormant", "ended"],
    ("project", "status"): ["idea", "planning", "under_way", "done"],
    ("project", "lead"): ["city", "county", "both"],
}


def rename_codes(mapping_of):
    """UPDATE table SET column = CASE column WHEN 'old' THEN 'new' … ELSE column END, per renamed column."""
    for (table, column), mapping in RENAMED.items():
        mapping = mapping_of(mapping)
        cases = " ".join(f"WHEN '{old}' THEN '{new}'" for old, new in mapping.items())
        codes = ", ".join(f"'{old}'" for old in mapping)
        op.execute(f"UPDATE {table} SET {column} = CASE {column} {cases} ELSE {column} END WHERE {column} IN ({codes})")


def tables():
    return sorted({table for table, _column in ALLOWED})


def upgrade():
    rename_codes(lambda mapping: mapping)
    for table in tables():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for (name, column), codes in ALLOWED.items():
                if name == table:
                    allowed = ", ".join(f"'{code}'" for code in codes)
                    batch_op.create_check_constraint(op.f(f"ck_{table}_{column}"), f"{column} IN ({allowed})")
    restore_actor_search_triggers()


def downgrade():
    for table in tables():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for (name, column) in ALLOWED:
                if name == table:
                    batch_op.drop_constraint(op.f(f"ck_{table}_{column}"), type_="check")
    restore_actor_search_triggers()
    rename_codes(lambda mapping: {new: old for old, new in mapping.items()})


def restore_actor_search_triggers():
    """On SQLite, batch mode rebuilt the actor table, which dropped the triggers of its FTS5 index (0002)."""
    if op.get_bind().dialect.name != "sqlite":
        return
    new = "VALUES (new.id, new.search_document, new.contact_search)"
    old = "VALUES ('delete', old.id, old.search_document, old.contact_search)"
    op.execute(
        "CREATE TRIGGER IF NOT EXISTS actor_search_insert AFTER INSERT ON actor BEGIN "
        f"INSERT INTO actor_search(rowid, search_document, contact_search) {new}; END"
    )
    op.execute(
        "CREATE TRIGGER IF NOT EXISTS actor_search_delete AFTER DELETE ON actor BEGIN "
        f"INSERT INTO actor_search(actor_search, rowid, search_document, contact_search) {old}; END"
    )
    op.execute(
        "CREATE TRIGGER IF NOT EXISTS actor_search_update AFTER UPDATE OF search_document, contact_search ON actor "
        f"BEGIN INSERT INTO actor_search(actor_search, rowid, search_document, contact_search) {old}; "
        f"INSERT INTO actor_search(rowid, search_document, contact_search) {new}; END"
    )
