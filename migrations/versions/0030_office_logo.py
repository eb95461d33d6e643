"""The office's logo on the annual report's title page

Revision ID: 0030_office_logo
Revises: 0029_task_assignee
Create Date: 2026-12-06 01:30:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0030_office_logo'
down_revision = '0029_task_assignee'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('office_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('logo', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('logo_type', sa.String(length=20), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('office_settings', schema=None) as batch_op:
        batch_op.drop_column('logo_type')
        batch_op.drop_column('logo')
