"""Actor search as people type it: the indexed texts hold each word with its umlauts written out as well as
folded ("Müller" -> "mueller muller"), so "Mueller", "Praezision" and "Strasse" find "Müller", "Präzision" and
"Straße", and "Müller" finds "Mueller"; recomputes every actor's texts (the SQLite triggers and the PostgreSQL
expression index follow)

Revision ID: 0026_search_spellings
Revises: 0025_covering_indexes
Create Date: 2026-12-06 00:40:00

"""
from collections import defaultdict

import sqlalchemy as sa
from alembic import op

from netzwerk.actors.search import search_text

# revision identifiers, used by Alembic.
revision = '0026_search_spellings'
down_revision = '0025_covering_indexes'
branch_labels = None
depends_on = None

BATCH = 1000


def upgrade():
    connection = op.get_bind()
    actor = sa.table(
        'actor', sa.column('id'), sa.column('name'), sa.column('description'),
        sa.column('search_document'), sa.column('contact_search'),
    )
    sectors = defaultdict(list)
    for actor_id, name in connection.execute(sa.text(
        'SELECT actor_sector.actor_id, sector.name FROM actor_sector JOIN sector ON sector.id = actor_sector.sector_id'
    )):
        sectors[actor_id].append(name)
    contacts = defaultdict(list)
    for actor_id, name in connection.execute(sa.text('SELECT actor_id, name FROM contact_person ORDER BY id')):
        contacts[actor_id].append(name)
    rows = connection.execute(sa.select(actor.c.id, actor.c.name, actor.c.description)).all()
    for start in range(0, len(rows), BATCH):
        values = [
            {
                'actor_id': actor_id,
                'document': search_text(' '.join(p for p in (name, description, *sorted(sectors[actor_id])) if p)),
                'contacts': search_text(' '.join(contacts[actor_id])),
            }
            for actor_id, name, description in rows[start:start + BATCH]
        ]
        connection.execute(
            actor.update()
            .where(actor.c.id == sa.bindparam('actor_id'))
            .values(search_document=sa.bindparam('document'), contact_search=sa.bindparam('contacts')),
            values,
        )


def downgrade():
    pass  # the written-out words stay in the texts; the older search still finds everything it found before
