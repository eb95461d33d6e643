"""Stadt-Umland projects (Vorhaben): the manager keeps them, with milestones and participants; they show on the
linked groups' and actors' pages; the public sees the ones flagged public."""

import pytest
from sqlalchemy import select

from netzwerk.actors.models import Actor
from netzwerk.extensions import db
from netzwerk.projects.models import Project
from tests import factories
from tests.conftest import post_form


@pytest.fixture
def setting(app, make_actor):
    actor = make_actor(name="Hochschule Landshut", is_public=True)
    return factories.create(app, factories.group, name="AK Innovation", is_public=True), actor.id


def project_form(group_id, actor_id, **changes):
    data = {
        "title": "Transferzentrum",
        "field_of_action_id": "",
        "status": "planning",
        "lead": "both",
        "description": "Ein gemeinsames Transferzentrum.",
        "synergies": "Ein Standort für Stadt und Landkreis.",
        "group_ids": [str(group_id)],
        "actor_ids": [str(actor_id)],
        "milestones-0-title": "Machbarkeitsstudie",
        "milestones-0-due_on": "2027-03-31",
        "milestones-1-title": "",
        "milestones-1-due_on": "",
    }
    data.update(changes)
    return data


def test_the_manager_keeps_a_project_that_shows_where_it_belongs(app, as_role, setting):
    group_id, actor_id = setting
    manager, _ = as_role("admin")
    response = post_form(manager, "/vorhaben/neu", project_form(group_id, actor_id))
    assert response.status_code == 302, response.text
    with app.app_context():
        project = db.session.scalar(select(Project))
        assert [m.title for m in project.milestones] == ["Machbarkeitsstudie"]
        assert [g.id for g in project.groups] == [group_id] and [a.id for a in project.actors] == [actor_id]
        project_id = project.id
    page = manager.get(f"/vorhaben/{project_id}").text
    assert "Machbarkeitsstudie" in page and "Stadt und Landkreis" in page and "in Planung" in page
    assert "Transferzentrum" in manager.get(f"/arbeitskreise/{group_id}").text
    assert "Transferzentrum" in manager.get(f"/akteure/{actor_id}").text
    assert "Transferzentrum" in manager.get("/vorhaben/?stand=planning").text
    assert "Transferzentrum" not in manager.get("/vorhaben/?stand=done").text
    # internal until flagged public
    visitor = app.test_client()
    assert visitor.get(f"/vorhaben/{project_id}").status_code == 404
    assert "Transferzentrum" not in visitor.get(f"/arbeitskreise/{group_id}").text
    member, _ = as_role("member")
    assert member.get(f"/vorhaben/{project_id}").status_code == 200
    edit = post_form(
        manager, f"/vorhaben/{project_id}/bearbeiten", project_form(group_id, actor_id, version="1", is_public="y")
    )
    assert edit.status_code == 302
    assert visitor.get(f"/vorhaben/{project_id}").status_code == 200
    assert "Vorhaben geändert" in manager.get("/aenderungsprotokoll/").text


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "Bitte geben Sie einen Titel ein."),
        ({"status": "erfunden"}, "Keine gültige Auswahl"),
        ({"group_ids": ["999999"]}, "Bitte wählen Sie nur aus den angebotenen Einträgen."),
        ({"actor_ids-neu": "Nirgendwo AG"}, "Kein Akteur gefunden, der zu „Nirgendwo AG“ passt."),
        ({"milestones-0-due_on": "31.02.2027"}, "Kein gültiges Datum"),
        ({"milestones-0-title": ""}, "Bitte benennen Sie den Meilenstein."),
        ({"description": "Text\x00"}, "unzulässige Steuerzeichen"),
    ],
)
def test_bad_project_input_is_explained_and_nothing_saved(app, as_role, setting, changes, message):
    group_id, actor_id = setting
    manager, _ = as_role("admin")
    response = post_form(manager, "/vorhaben/neu", project_form(group_id, actor_id, **changes))
    assert response.status_code == 422 and message in response.text
    with app.app_context():
        assert db.session.scalar(select(Project)) is None


def test_participants_are_added_by_name_and_removed_by_unticking(app, as_role, setting, make_actor):
    """The form lists no actors but the chosen ones: one more is typed per save (several matches offered as a
    choice), one is removed by taking off its tick."""
    group_id, actor_id = setting
    make_actor(name="Stadtwerke Landshut")
    make_actor(name="Stadtwerke Vilsbiburg")
    manager, _ = as_role("admin")
    assert "Stadtwerke" not in manager.get("/vorhaben/neu").text
    form = project_form(group_id, actor_id, **{"actor_ids-neu": "Stadtwerke"})
    response = post_form(manager, "/vorhaben/neu", form)
    assert response.status_code == 422 and "Mehrere Akteure passen zu „Stadtwerke“" in response.text
    assert 'checked id="actor_ids-0" name="actor_ids" type="checkbox"' in response.text  # stays ticked
    with app.app_context():
        vilsbiburg = db.session.scalar(select(Actor.id).where(Actor.name == "Stadtwerke Vilsbiburg"))
    form["actor_ids-neu-wahl"] = str(vilsbiburg)
    assert post_form(manager, "/vorhaben/neu", form).status_code == 302
    with app.app_context():
        project = db.session.scalar(select(Project))
        assert sorted(a.name for a in project.actors) == ["Hochschule Landshut", "Stadtwerke Vilsbiburg"]
        project_id, version = project.id, project.version
    edit = project_form(group_id, vilsbiburg, **{"actor_ids-neu": "", "version": str(version)})  # Hochschule untick
    assert post_form(manager, f"/vorhaben/{project_id}/bearbeiten", edit).status_code == 302
    with app.app_context():
        assert [a.name for a in db.session.get(Project, project_id).actors] == ["Stadtwerke Vilsbiburg"]


def test_partners_take_part_and_hidden_participants_stay_hidden(app, as_role, setting, make_actor):
    """A partner organisation in a project is listed as Netzwerkpartner (with its partner page, which lists the
    project); an internal actor or group is named only to those who may see it."""

    group_id, actor_id = setting
    hidden = make_actor(name="Verschwiegene GmbH", is_public=False)
    with app.app_context():
        partnership = factories.partnership(actor_id, type="research")
        internal = factories.group(name="Interner Kreis", is_public=False)
        db.session.commit()
        partnership_id, internal_id = partnership.id, internal.id
    manager, _ = as_role("admin")
    form = project_form(group_id, actor_id, is_public="y")
    form["actor_ids"] = [str(actor_id), str(hidden.id)]
    form["group_ids"] = [str(group_id), str(internal_id)]
    assert post_form(manager, "/vorhaben/neu", form).status_code == 302
    with app.app_context():
        project_id = db.session.scalar(select(Project.id))
    page = manager.get(f"/vorhaben/{project_id}").text
    assert "Netzwerkpartner" in page and f"/partner/{partnership_id}" in page and "Verschwiegene GmbH" in page
    visitor = app.test_client().get(f"/vorhaben/{project_id}").text
    assert f"/partner/{partnership_id}" in visitor  # a public partner
    assert "Verschwiegene GmbH" not in visitor and "Interner Kreis" not in visitor
    assert "Transferzentrum" in manager.get(f"/partner/{partnership_id}").text
