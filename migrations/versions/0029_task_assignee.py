"""Tasks from the minutes as work: the assigned person (matched from "wer" among the invitees), when it was
done, and the one reminder on the due date

Revision ID: 0029_task_assignee
Revises: 0028_office_settings
Create Date: 2026-12-06 01:40:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0029_task_assignee'
down_revision = '0028_office_settings'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assignee_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('done_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_task_assignee_id'), ['assignee_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_task_assignee_id_user_account'), 'user_account', ['assignee_id'], ['id'], ondelete='SET NULL'
        )


def downgrade():
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_task_assignee_id_user_account'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_task_assignee_id'))
        batch_op.drop_column('reminded_at')
        batch_op.drop_column('done_at')
        batch_op.drop_column('assignee_id')
