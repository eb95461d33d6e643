"""Indexes found by make bench at Landshut x10: the last send attempt (/healthz and the overview sorted a million
mails), a meeting's end (coming and past meetings), a group's meetings by date (replaces the group index)

Revision ID: 0023_indexes_at_scale
Revises: 0022_one_reminder_settings_row
Create Date: 2026-12-04 22:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0023_indexes_at_scale'
down_revision = '0022_one_reminder_settings_row'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outgoing_mail_attempted_at'), ['attempted_at'], unique=False)
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_ends_at'), ['ends_at'], unique=False)
        batch_op.create_index('ix_meeting_group_starts', ['group_id', 'starts_at'], unique=False)
        batch_op.drop_index(batch_op.f('ix_meeting_group_id'))


def downgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_group_id'), ['group_id'], unique=False)
        batch_op.drop_index('ix_meeting_group_starts')
        batch_op.drop_index(batch_op.f('ix_meeting_ends_at'))
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outgoing_mail_attempted_at'))
