"""The office's settings for what it hands out: its name and the funding notice (Fördervermerk) on attendance
lists and the annual report (one row)

Revision ID: 0028_office_settings
Revises: 0027_meeting_messages
Create Date: 2026-12-06 01:20:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0028_office_settings'
down_revision = '0027_meeting_messages'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'office_settings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('office_name', sa.String(length=200), nullable=False),
        sa.Column('funding_notice', sa.Text(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.CheckConstraint('id = 1', name=op.f('ck_office_settings_single_row')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_office_settings')),
    )


def downgrade():
    op.drop_table('office_settings')
