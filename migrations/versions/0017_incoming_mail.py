"""Incoming mail: replies to the tool's own address (calendar answers, forwarded replies) and their outcome

Revision ID: 0017_incoming_mail
Revises: 0016_meeting_updated_at
Create Date: 2026-11-27 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017_incoming_mail'
down_revision = '0016_meeting_updated_at'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('incoming_mail',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.String(length=300), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sender_email', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_incoming_mail_meeting_id_meeting'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_incoming_mail_user_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incoming_mail')),
    sa.UniqueConstraint('message_id', name=op.f('uq_incoming_mail_message_id'))
    )
    with op.batch_alter_table('incoming_mail', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incoming_mail_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_incoming_mail_outcome'), ['outcome'], unique=False)
        batch_op.create_index(batch_op.f('ix_incoming_mail_received_at'), ['received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_incoming_mail_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('incoming_mail', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incoming_mail_user_id'))
        batch_op.drop_index(batch_op.f('ix_incoming_mail_received_at'))
        batch_op.drop_index(batch_op.f('ix_incoming_mail_outcome'))
        batch_op.drop_index(batch_op.f('ix_incoming_mail_meeting_id'))

    op.drop_table('incoming_mail')
