"""Outgoing mail: when the last attempt to send it was made (the last mail server error for /healthz)

Revision ID: 0020_mail_attempts
Revises: 0019_job_runs
Create Date: 2026-12-03 12:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020_mail_attempts'
down_revision = '0019_job_runs'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attempted_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.drop_column('attempted_at')
