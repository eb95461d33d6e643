"""Cache generations: a token per topic, replaced by every change to what the topic is made of

Revision ID: 0024_cache_generation
Revises: 0023_indexes_at_scale
Create Date: 2026-12-05 00:30:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0024_cache_generation'
down_revision = '0023_indexes_at_scale'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'cache_generation',
        sa.Column('topic', sa.String(length=40), nullable=False),
        sa.Column('token', sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint('topic', name=op.f('pk_cache_generation')),
    )


def downgrade():
    op.drop_table('cache_generation')
