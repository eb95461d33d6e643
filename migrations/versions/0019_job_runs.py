"""Scheduler: each periodic job's last started and last completed run (catch-up after a failover)

Revision ID: 0019_job_runs
Revises: 0018_cancel_reason
Create Date: 2026-11-27 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019_job_runs'
down_revision = '0018_cancel_reason'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('scheduler_job_run',
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('last_started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_scheduler_job_run'))
    )


def downgrade():
    op.drop_table('scheduler_job_run')
