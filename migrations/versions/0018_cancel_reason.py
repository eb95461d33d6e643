"""Outgoing mail for the big clients: a cancelled meeting's reason; per-person switches for the answer and
poll reminders (one-click unsubscribe turns each kind of recurring mail off on its own)

Revision ID: 0018_cancel_reason
Revises: 0017_incoming_mail
Create Date: 2026-11-26 15:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018_cancel_reason'
down_revision = '0017_incoming_mail'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cancel_reason', sa.Text(), nullable=False, server_default=''))
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answer_reminders', sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column('poll_reminders', sa.Boolean(), nullable=False, server_default=sa.true()))


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('poll_reminders')
        batch_op.drop_column('answer_reminders')
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_column('cancel_reason')
