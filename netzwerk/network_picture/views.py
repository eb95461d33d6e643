from math import sqrt

from flask import jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from netzwerk.actors.models import ActorKind, Area
from netzwerk.actors.services import fields_of_action, municipalities
from netzwerk.auth.permissions import admin_required
from netzwerk.forms import int_arg, page_number, query_text
from netzwerk.network_picture.blueprint import bp
from netzwerk.network_picture.services import (
    ACTOR,
    BUNDLINGS,
    BY_FIELD,
    BY_PLACE,
    BY_VENUE,
    DETAIL_LIMIT,
    GROUP,
    KINDS,
    PARTNER,
    PROJECT,
    Bundle,
    Drawing,
    Node,
    PictureFilter,
    picture_and_drawing,
)
from netzwerk.pagination import window_of

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
BUNDLING_LABELS = {
    BY_VENUE: _l("Arbeitskreis, Vorhaben oder Partner"),
    BY_PLACE: _l("Gemeinde"),
    BY_FIELD: _l("Handlungsfeld"),
}
TABLE_ROWS = 50  # rows per page of the tables below the picture
NAMES_IN_A_CELL = 10  # actors named in a table cell; the rest are counted
CLUSTERS_LISTED = 20


def filter_from_args() -> PictureFilter:
    """The filter of the query string; values that are not offered are ignored (the whole network)."""
    area = query_text("gebiet", 20)
    kinds = frozenset(request.args.getlist("art")) & set(KINDS)
    return PictureFilter(
        field_of_action_id=int_arg("handlungsfeld"),
        municipality_id=int_arg("gemeinde"),
        area=Area.lookup(area) or "",
        kinds=kinds or frozenset(KINDS),
        group_id=int_arg("arbeitskreis"),
    )


def bundling_from_args() -> str:
    chosen = query_text("buendeln", 20)
    return chosen if chosen in BUNDLINGS else BY_VENUE


def url_of(node: Node) -> str:
    if node.kind == GROUP:
        return url_for("groups.detail", group_id=node.id)
    if node.kind == PROJECT:
        return url_for("projects.detail", project_id=node.id)
    if node.kind == PARTNER:
        return url_for("partners.detail", partnership_id=node.partnership_id)
    return url_for("actors.detail", actor_id=node.id)


def detail_of(node: Node, field_names: dict[int, str], actor_kinds: dict[str, str] | None = None) -> str:
    """One line about the node: its kind of organisation and municipality, or its field of action.
    ``actor_kinds``: the kinds' labels, translated once for a whole picture."""
    if node.is_venue:
        return ", ".join(sorted(field_names.get(f, "") for f in node.field_ids))
    kind = (actor_kinds or {}).get(node.actor_kind) or str(ActorKind.label_of(node.actor_kind, ""))
    return " · ".join(part for part in (kind, node.municipality) if part)


def node_size(node: Node) -> int:
    if node.kind == GROUP:
        return 34 + min(46, 2 * len(node.neighbours))
    if node.kind in (PROJECT, PARTNER):
        return 26 + min(20, len(node.neighbours))
    return 14


def bundle_label(part: Bundle) -> str:
    if part.key == "bx":
        return _("ohne Verbindung")
    if part.key == "bk":
        return _("nur in Kooperationen")
    if part.label:
        return part.label
    return _("ohne Gemeinde") if part.key.startswith("bm") else _("ohne Handlungsfeld")


def bundle_url(part: Bundle) -> str:
    """Where a click on a bundle leads: the picture that shows its actors one by one (the current filter and
    the bundle's), the page of the project or partner it hangs on, or the list of actors without a link."""
    if part.zoom:
        args = {key: value for key, value in request.args.to_dict(flat=False).items() if not key.startswith("seite")}
        return url_for("network_picture.index", **{**args, **part.zoom})
    if part.hub is not None:
        return url_of(part.hub)
    return "#ohne-verbindung"


def graph_data(drawn: Drawing, field_names: dict[int, str], bridges: set[str]) -> dict:
    """Cytoscape.js elements: what the picture draws."""
    kind_labels = {kind: str(label) for kind, label in KIND_LABELS.items()}  # translated once, not per node
    actor_kinds = {kind.value: str(kind.label) for kind in ActorKind}
    nodes = [
        {
            "data": {
                "id": n.key,
                "label": n.name,
                "kind": n.kind,
                "kindLabel": kind_labels[n.kind],
                "detail": detail_of(n, field_names, actor_kinds),
                "url": url_of(n),
                "size": node_size(n),
                "labelOffset": 3,  # the script moves a hub's name below the ring of its actors
                "bridge": n.key in bridges,
                "unlinked": not n.neighbours,
            }
        }
        for n in drawn.nodes
    ]
    bundle_kinds = {ACTOR: _("Akteure, gebündelt"), GROUP: _("Arbeitskreise und Vorhaben, gebündelt")}
    for part in drawn.bundles:
        label = bundle_label(part)
        if part.kind == GROUP:
            text = ngettext(
                "%(num)d Arbeitskreis oder Vorhaben: %(name)s",
                "%(num)d Arbeitskreise und Vorhaben: %(name)s",
                part.size,
                name=label,
            )
        else:
            text = ngettext("%(num)d Akteur: %(name)s", "%(num)d Akteure: %(name)s", part.size, name=label)
        nodes.append(
            {
                "data": {
                    "id": part.key,
                    "label": text,
                    "kind": "buendel-ak" if part.kind == GROUP else "buendel",
                    "kindLabel": bundle_kinds[part.kind],
                    "detail": "",
                    "url": bundle_url(part),
                    "size": (34 if part.kind == GROUP else 18) + min(52, round(4 * sqrt(part.size))),
                    "labelOffset": 3,
                    "bridge": False,
                    "unlinked": part.key == "bx",
                }
            }
        )
    edges = [
        {"data": {"id": f"{a}-{b}", "source": a, "target": b, "relation": relation, "weight": weight}}
        for a, b, relation, weight in drawn.edges
    ]
    return {"nodes": nodes, "edges": edges}


def picture_as_drawn(wanted: PictureFilter, fields) -> tuple:
    """The picture for the filter, what it draws (with the bundling of the query string), the fields' names."""
    field_names = {f.id: f.short_name or f.name for f in fields}
    picture, drawn = picture_and_drawing(wanted, bundling_from_args(), field_names)
    return picture, drawn, field_names


@bp.get("/uebersicht/netzwerkbild")
@admin_required
def index():
    wanted = filter_from_args()
    fields = fields_of_action()
    picture, drawn, field_names = picture_as_drawn(wanted, fields)
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
    bridges = {n.key for n in picture.bridges}
    unlinked_actors = [n for n in picture.unlinked if not n.is_venue]
    return render_template(
        "network_picture/index.html",
        picture=picture,
        drawn=drawn,
        graph=graph_data(drawn, field_names, bridges),
        summary=summary,
        wanted=wanted,
        focus=picture_focus(picture, wanted),
        bundling=bundling_from_args(),
        bundlings=BUNDLING_LABELS,
        detail_limit=DETAIL_LIMIT,
        fields=fields,
        field_names=field_names,
        municipalities=municipalities(),
        kinds=KINDS,
        kind_labels=KIND_LABELS,
        kind_plurals=KIND_PLURALS,
        url_of=url_of,
        detail_of=detail_of,
        names_in_a_cell=NAMES_IN_A_CELL,
        clusters=picture.clusters[:CLUSTERS_LISTED],
        bridge_rows=window_of(picture.bridges, page_number("seite_bruecken"), TABLE_ROWS),
        lonely_venues=[n for n in picture.unlinked if n.is_venue],
        lonely_actor_count=len(unlinked_actors),
        lonely_actors=window_of(unlinked_actors, page_number("seite_ohne"), 2 * TABLE_ROWS),
        venue_rows=window_of(picture.of_kind(GROUP, PROJECT), page_number("seite_ak"), TABLE_ROWS),
        participant_rows=window_of(
            [n for n in picture.linked if not n.is_venue], page_number("seite_akteure"), TABLE_ROWS
        ),
    )


def picture_focus(picture, wanted: PictureFilter) -> Node | None:
    """The group a bundle was opened for, if it is in the picture."""
    if not wanted.group_id:
        return None
    return next((n for n in picture.of_kind(GROUP) if n.id == wanted.group_id), None)


@bp.get("/uebersicht/netzwerkbild.json")
@admin_required
def data():
    """The picture's elements and figures as JSON (same filter and bundling as the page)."""
    picture, drawn, field_names = picture_as_drawn(filter_from_args(), fields_of_action())
    graph = graph_data(drawn, field_names, {n.key for n in picture.bridges})
    graph["figures"] = {
        "nodes": len(picture.nodes),
        "edges": len(picture.edges),
        "clusters": len(picture.clusters),
        "bridges": len(picture.bridges),
        "unlinked": len(picture.unlinked),
        "bundled_by": drawn.bundled_by,
    }
    return jsonify(graph)
