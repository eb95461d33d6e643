"""The benchmark's data generator (bench/generate.py) builds one demo's worth of the region per scale step."""

from sqlalchemy import func, select

from bench.generate import build_region, counts
from netzwerk.extensions import db
from netzwerk.meetings.models import Invitation
from netzwerk.network_picture.services import network_picture


def test_scale_one_is_the_demo_size_and_the_rows_hang_together(app):
    with app.app_context():
        added = build_region(1)
        db.session.commit()
        assert added == {
            "user_account": 18,
            "actor": 109,
            "contact_person": 109,
            "working_group": 6,
            "membership": 22,
            "meeting": 12,
            "invitation": 44,
            "partnership": 7,
            "partner_link": 7,
        }
        assert counts() == {name: added[name] for name in counts()}
        assert db.session.scalar(select(func.count()).where(Invitation.answer == "yes")) == 22  # the held meetings
        assert len(network_picture().nodes) > 6  # groups, their members' actors and the partners are linked


def test_each_scale_step_adds_the_same_again_with_unique_names(app):
    with app.app_context():
        build_region(2)
        db.session.commit()
        assert counts()["actor"] == 2 * 109 and counts()["membership"] == 2 * 22
