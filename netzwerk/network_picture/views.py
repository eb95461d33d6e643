from flask import jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from netzwerk.actors.models import ActorKind, Area
from netzwerk.actors.services import fields_of_action, municipalities
from netzwerk.auth.permissions import admin_required
from netzwerk.forms import int_arg, query_text
from netzwerk.network_picture.blueprint import bp
from netzwerk.network_picture.services import (
    ACTOR,
    COOPERATION,
    GROUP,
    KINDS,
    MEMBERSHIP,
    PARTNER,
    PROJECT,
    PROJECT_PART,
    NetworkPicture,
    Node,
    PictureFilter,
    network_picture,
)

KIND_LABELS = {
    GROUP: _l("Arbeitskreis"),
    PROJECT: _l("Vorhaben"),
    PARTNER: _l("Partnerorganisation"),
    ACTOR: _l("Akteur"),
}
KIND_PLURALS = {
    GROUP: _l("Arbeitskreise"),
    PROJECT: _l("Vorhaben"),
    PARTNER: _l("Partnerorganisationen"),
    ACTOR: _l("Akteure"),
}


def filter_from_args() -> PictureFilter:
    """The filter of the query string; values that are not offered are ignored (the whole network)."""
    area = query_text("gebiet", 20)
    kinds = frozenset(request.args.getlist("art")) & set(KINDS)
    return PictureFilter(
        field_of_action_id=int_arg("handlungsfeld"),
        municipality_id=int_arg("gemeinde"),
        area=Area.lookup(area) or "",
        kinds=kinds or frozenset(KINDS),
    )


def url_of(node: Node) -> str:
    if node.kind == GROUP:
        return url_for("groups.detail", group_id=node.id)
    if node.kind == PROJECT:
        return url_for("projects.detail", project_id=node.id)
    if node.kind == PARTNER:
        return url_for("partners.detail", partnership_id=node.partnership_id)
    return url_for("actors.detail", actor_id=node.id)


def detail_of(node: Node, field_names: dict[int, str]) -> str:
    """One line about the node: its kind of organisation and municipality, or its field of action."""
    if node.is_venue:
        return ", ".join(sorted(field_names.get(f, "") for f in node.field_ids))
    kind = ActorKind.label_of(node.actor_kind, "")
    return " · ".join(str(part) for part in (kind, node.municipality) if part)


def node_size(node: Node) -> int:
    if node.kind == GROUP:
        return 34 + min(46, 2 * len(node.neighbours))
    if node.kind in (PROJECT, PARTNER):
        return 26 + min(20, len(node.neighbours))
    return 14


def strongest(relations: frozenset[str]) -> str:
    """The one relation an edge is drawn as (a membership outweighs a Kooperation, which outweighs a project)."""
    return next(r for r in (MEMBERSHIP, COOPERATION, PROJECT_PART) if r in relations)


def graph_data(picture: NetworkPicture, field_names: dict[int, str]) -> dict:
    """Cytoscape.js elements: what the picture draws."""
    bridges = {n.key for n in picture.bridges}
    nodes = [
        {
            "data": {
                "id": n.key,
                "label": n.name,
                "kind": n.kind,
                "kindLabel": str(KIND_LABELS[n.kind]),
                "detail": detail_of(n, field_names),
                "url": url_of(n),
                "size": node_size(n),
                "labelOffset": 3,  # the script moves a hub's name below the ring of its actors
                "bridge": n.key in bridges,
                "unlinked": not n.neighbours,
            }
        }
        for n in picture.nodes
    ]
    edges = [
        {"data": {"id": f"{a.key}-{b.key}", "source": a.key, "target": b.key, "relation": strongest(how)}}
        for a, b, how in picture.edges
    ]
    return {"nodes": nodes, "edges": edges}


@bp.get("/uebersicht/netzwerkbild")
@admin_required
def index():
    wanted = filter_from_args()
    picture = network_picture(wanted)
    fields = fields_of_action()
    field_names = {f.id: f.short_name or f.name for f in fields}
    summary = _(
        "Netzwerkbild: %(nodes)d Knoten (%(groups)d Arbeitskreise, %(projects)d Vorhaben, %(partners)d "
        "Partnerorganisationen, %(actors)d Akteure), %(edges)d Verbindungen, %(clusters)d Cluster, %(bridges)d "
        "Brücken zwischen Arbeitskreisen, %(unlinked)d ohne Verbindung. Dieselben Daten stehen in den Tabellen.",
        nodes=len(picture.nodes),
        groups=picture.count(GROUP),
        projects=picture.count(PROJECT),
        partners=picture.count(PARTNER),
        actors=picture.count(ACTOR),
        edges=len(picture.edges),
        clusters=len(picture.clusters),
        bridges=len(picture.bridges),
        unlinked=len(picture.unlinked),
    )
    return render_template(
        "network_picture/index.html",
        picture=picture,
        graph=graph_data(picture, field_names),
        summary=summary,
        wanted=wanted,
        fields=fields,
        field_names=field_names,
        municipalities=municipalities(),
        kinds=KINDS,
        kind_labels=KIND_LABELS,
        kind_plurals=KIND_PLURALS,
        url_of=url_of,
        detail_of=detail_of,
    )


@bp.get("/uebersicht/netzwerkbild.json")
@admin_required
def data():
    """The picture's elements and figures as JSON (same filter as the page)."""
    picture = network_picture(filter_from_args())
    field_names = {f.id: f.short_name or f.name for f in fields_of_action()}
    graph = graph_data(picture, field_names)
    graph["figures"] = {
        "nodes": len(picture.nodes),
        "edges": len(picture.edges),
        "clusters": len(picture.clusters),
        "bridges": [n.key for n in picture.bridges],
        "unlinked": [n.key for n in picture.unlinked],
    }
    return jsonify(graph)
