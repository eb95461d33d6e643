"""The manager's reminder defaults are one row (id 1): two first saves at once could store two

Where that happened, the first row stays (the one the app read) and becomes id 1.

Revision ID: 0022_one_reminder_settings_row
Revises: 0021_english_codes
Create Date: 2026-12-04 08:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022_one_reminder_settings_row'
down_revision = '0021_english_codes'
branch_labels = None
depends_on = None


def upgrade():
    connection = op.get_bind()
    first = connection.scalar(sa.text("SELECT min(id) FROM reminder_settings"))
    if first is not None:
        connection.execute(sa.text("DELETE FROM reminder_settings WHERE id <> :first"), {"first": first})
        connection.execute(sa.text("UPDATE reminder_settings SET id = 1"))
    with op.batch_alter_table('reminder_settings', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_reminder_settings_single_row'), 'id = 1')


def downgrade():
    with op.batch_alter_table('reminder_settings', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_reminder_settings_single_row'), type_='check')
