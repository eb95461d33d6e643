"""Messages to a meeting's invitees (all, the Zusagen, or those without an answer), kept on the meeting page

Revision ID: 0027_meeting_messages
Revises: 0026_search_spellings
Create Date: 2026-12-06 01:00:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0027_meeting_messages'
down_revision = '0026_search_spellings'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'meeting_message',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('audience', sa.String(length=20), nullable=False),
        sa.Column('subject', sa.String(length=200), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('recipients', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['author_id'], ['user_account.id'], name=op.f('fk_meeting_message_author_id_user_account'),
            ondelete='SET NULL',
        ),
        sa.ForeignKeyConstraint(
            ['meeting_id'], ['meeting.id'], name=op.f('fk_meeting_message_meeting_id_meeting'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_message')),
    )
    with op.batch_alter_table('meeting_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_message_meeting_id'), ['meeting_id'], unique=False)


def downgrade():
    with op.batch_alter_table('meeting_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_message_meeting_id'))
    op.drop_table('meeting_message')
