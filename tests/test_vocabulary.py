"""One vocabulary: every stored code is a member of a LabelledEnum, with its German label, the German codes
it had before migration 0021, and a CHECK constraint on its column."""

import re
from enum import StrEnum

import pytest
from flask_babel import force_locale
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

import netzwerk.actors.models
import netzwerk.auth.models
import netzwerk.groups.models
import netzwerk.mail.models
import netzwerk.meetings.models
import netzwerk.partners.models
import netzwerk.polls.models
import netzwerk.privacy.models
import netzwerk.projects.models
from netzwerk.actors.models import ActorKind, Area
from netzwerk.audit.models import AuditEntry
from netzwerk.extensions import db
from netzwerk.groups.models import GroupStatus
from netzwerk.partners.models import PartnerStatus, PartnerType
from netzwerk.vocabulary import LabelledEnum, check_sql, code_label, code_list

MODEL_MODULES = [
    netzwerk.actors.models,
    netzwerk.auth.models,
    netzwerk.groups.models,
    netzwerk.mail.models,
    netzwerk.meetings.models,
    netzwerk.partners.models,
    netzwerk.polls.models,
    netzwerk.privacy.models,
    netzwerk.projects.models,
]


def code_lists() -> list[type]:
    found = []
    for module in MODEL_MODULES:
        found += [v for v in vars(module).values() if isinstance(v, type) and issubclass(v, StrEnum) and list(v)]
    return sorted(set(found), key=lambda cls: cls.__name__)


class Colour(LabelledEnum):
    RED = "red", "Rot", "rot"
    DARK_BLUE = "dark_blue", "Dunkelblau", "dunkelblau", "marine"
    PLAIN = "plain"


def test_a_member_has_its_code_label_and_legacy_codes():
    assert Colour.RED == "red" and f"{Colour.RED}" == "red" and Colour.RED.label == "Rot"
    assert Colour("rot") is Colour.RED and Colour("marine") is Colour.DARK_BLUE
    assert Colour.PLAIN.label == "plain"  # a code shown to nobody is its own label
    assert Colour.lookup("blau") is None and Colour.lookup(None) is None
    assert Colour.label_of("dunkelblau") == "Dunkelblau" and Colour.label_of("lila") == "lila"
    assert Colour.label_of("lila", "") == ""
    assert Colour.values() == ["red", "dark_blue", "plain"]
    assert [(c.value, c.label) for c in Colour.choices()] == [
        ("red", "Rot"),
        ("dark_blue", "Dunkelblau"),
        ("plain", "plain"),
    ]
    assert Colour.labels() == {Colour.RED: "Rot", Colour.DARK_BLUE: "Dunkelblau", Colour.PLAIN: "plain"}
    assert check_sql("colour", Colour.values()) == "colour IN ('red', 'dark_blue', 'plain')"


@pytest.mark.parametrize("codes", code_lists(), ids=lambda cls: cls.__name__)
def test_every_code_list_is_labelled_with_english_codes(codes):
    assert issubclass(codes, LabelledEnum), f"{codes.__name__} is a plain StrEnum"
    values = codes.values()
    assert all(re.fullmatch(r"[a-z][a-z_]*", value) for value in values), values
    for member in codes:
        assert str(member.label), member
        for legacy in member.legacy_codes:
            assert legacy not in values and codes(legacy) is member


def test_the_german_codes_of_before_are_legacy_codes():
    assert ActorKind("unternehmen") is ActorKind.COMPANY and ActorKind("sonstige") is ActorKind.OTHER
    assert Area("stadt") is Area.CITY and Area("landkreis") is Area.COUNTY
    assert PartnerType("wirtschaftsfoerderung") is PartnerType.ECONOMIC_DEVELOPMENT
    assert PartnerStatus("aktiv") is PartnerStatus.ACTIVE and PartnerStatus("beendet") is PartnerStatus.ENDED


def test_the_registry_knows_each_record_types_fields():
    assert code_list("WorkingGroup", "status") is GroupStatus and code_list("Partnership", "status") is PartnerStatus
    assert code_list("user_account", "role") is netzwerk.auth.models.Role  # the export reads tables
    assert str(code_label("WorkingGroup", "status", "closed")) == "beendet"
    assert str(code_label("Partnership", "status", "beendet")) == "beendet"  # a legacy code of an old entry
    assert str(code_label("User", "status", "active")) == "aktiv"
    assert code_label("WorkingGroup", "name", "closed") == "closed"  # not a coded field
    assert code_label(None, "status", "closed") == "closed"


def test_labels_follow_the_language(app):
    with app.test_request_context(), force_locale("en"):
        assert str(ActorKind.COMPANY.label) == "Company"
        assert str(code_label("WorkingGroup", "status", "closed")) != "beendet"


@pytest.mark.parametrize(
    ("sql", "code"),
    [
        ("UPDATE user_account SET role = :code", "chef"),
        ("UPDATE municipality SET area = :code", "stadt"),
        ("UPDATE user_account SET status = :code", "aktiv"),
        ("UPDATE field_of_action SET foerla_field = :code", "klima"),
    ],
)
def test_the_database_refuses_codes_outside_the_list(app, make_user, sql, code):
    make_user()
    with app.app_context():
        with pytest.raises(IntegrityError):
            db.session.execute(text(sql), {"code": code})
            db.session.flush()
        db.session.rollback()


def test_the_audit_log_shows_labels_of_the_record_types_field_also_for_old_german_codes(app, as_role):
    manager, _ = as_role("admin")
    with app.app_context():
        db.session.add_all(
            [
                AuditEntry(
                    action="group.status_changed", target_type="WorkingGroup", changes={"status": ["active", "closed"]}
                ),
                AuditEntry(
                    action="partner.updated", target_type="Partnership", changes={"status": ["aktiv", "ruhend"]}
                ),
                AuditEntry(action="actor.updated", target_type="Actor", changes={"kind": ["unternehmen", "research"]}),
                AuditEntry(action="user.updated", target_type="User", changes={"status": ["invited", "active"]}),
            ]
        )
        db.session.commit()
    page = manager.get("/aenderungsprotokoll/").text
    assert "Status: aktiv → beendet" in page
    assert "Status: aktiv → ruhend" in page
    assert "Art: Unternehmen → Hochschule/Forschung" in page
    assert "Status: eingeladen → aktiv" in page
    assert "→ closed" not in page and "unternehmen →" not in page


def test_old_links_with_german_codes_still_filter(app, client, make_actor):
    make_actor(name="Brauerei Alt", kind="company", is_public=True)
    make_actor(name="Verein Neu", kind="association", is_public=True)
    page = client.get("/akteure/", query_string={"art": "unternehmen"}).text
    assert "Brauerei Alt" in page and "Verein Neu" not in page
