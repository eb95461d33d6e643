"""Meetings: updated_at, the last change of what calendars show (DTSTAMP, the feeds' Last-Modified)

Revision ID: 0016_meeting_updated_at
Revises: 0015_privacy
Create Date: 2026-11-27 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016_meeting_updated_at'
down_revision = '0015_privacy'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True))
    # the best we know for existing meetings: created, or later told of a new time or place
    op.execute(
        'UPDATE meeting SET updated_at = CASE WHEN announced_at > created_at THEN announced_at ELSE created_at END'
    )
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.alter_column('updated_at', existing_type=sa.DateTime(timezone=True), nullable=False)


def downgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_column('updated_at')
