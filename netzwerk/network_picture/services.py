"""The network as a graph: who takes part where, its clusters, its bridges and who has no link yet.

Nodes are actors, partner organisations (actors with a partnership), working groups and Stadt-Umland projects
(Vorhaben). Edges: an actor takes part in a group (a current membership of a person representing it), a
partner is linked to a group or an actor (a current Kooperation), an actor or a group takes part in a project.
Everything is read with a fixed number of column queries (no ORM objects per row), so the page costs the same
number of queries for 100 or 5,000 actors.

What is drawn stays readable at any size: up to DETAIL_LIMIT actors each is a node of its own; beyond that,
groups, projects and partners remain the map and the actors are drawn as bundles (per group or project they take
part in, per municipality or per field of action), each a click away from the filtered picture that shows its
actors one by one."""

import gc
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property

from sqlalchemy import or_, select

from netzwerk import clock
from netzwerk.actors.models import Actor, FieldOfAction, Municipality, actor_field_of_action
from netzwerk.caching.services import cached, watch
from netzwerk.extensions import db
from netzwerk.groups.models import GroupStatus, Membership, WorkingGroup
from netzwerk.partners.models import PartnerLink, Partnership, PartnerStatus
from netzwerk.projects.models import Project, ProjectStatus, project_actor, project_group

ACTOR, PARTNER, GROUP, PROJECT = "akteur", "partner", "arbeitskreis", "vorhaben"
KINDS = (GROUP, PROJECT, PARTNER, ACTOR)
VENUES = frozenset({GROUP, PROJECT})  # where one takes part
MEMBERSHIP, COOPERATION, PROJECT_PART = "mitgliedschaft", "kooperation", "vorhaben"
DETAIL_LIMIT = 150  # actors drawn one by one; with more, they are drawn as bundles
VENUE_LIMIT = 150  # groups and projects drawn one by one; with more, per field of action
BY_VENUE, BY_PLACE, BY_FIELD = "arbeitskreis", "gemeinde", "handlungsfeld"  # how actors are bundled
BUNDLINGS = (BY_VENUE, BY_PLACE, BY_FIELD)
TOPIC = "netzwerkbild"  # what the picture is read from; a change to any of it draws a new picture
watch(TOPIC, Actor, FieldOfAction, Municipality, WorkingGroup, Membership, Partnership, PartnerLink, Project)


@dataclass(frozen=True)
class PictureFilter:
    field_of_action_id: int | None = None
    municipality_id: int | None = None
    area: str = ""  # an Area code, or "" for both
    kinds: frozenset[str] = frozenset(KINDS)
    group_id: int | None = None  # one group and those taking part in it (a bundle opened)

    @property
    def by_place(self) -> bool:
        return bool(self.municipality_id or self.area)


@dataclass(eq=False, slots=True)
class Node:
    key: str  # unique in the picture: "a12" (actor or partner), "g3" (group), "v4" (project)
    kind: str
    id: int  # the actor's, group's or project's id
    name: str
    field_ids: set[int] = field(default_factory=set)
    municipality_id: int | None = None
    municipality: str = ""
    area: str = ""
    actor_kind: str = ""  # ActorKind of actors and partners
    partnership_id: int | None = None
    neighbours: set["Node"] = field(default_factory=set, repr=False)  # repr would walk the whole graph

    @property
    def is_venue(self) -> bool:
        return self.kind in VENUES

    def neighbours_of(self, *kinds: str) -> list["Node"]:
        return sorted((n for n in self.neighbours if n.kind in kinds), key=sort_key)

    @property
    def groups(self) -> list["Node"]:
        return self.neighbours_of(GROUP)


def sort_key(node: Node) -> tuple:
    return (node.name.casefold(), node.key)


@dataclass
class Cluster:
    nodes: list[Node]

    @property
    def groups(self) -> list[Node]:
        return [n for n in self.nodes if n.kind == GROUP]

    @property
    def size(self) -> int:
        return len(self.nodes)

    @cached_property
    def kind_counts(self) -> Counter:
        return Counter(n.kind for n in self.nodes)

    def count(self, *kinds: str) -> int:
        return sum(self.kind_counts[kind] for kind in kinds)


@dataclass
class NetworkPicture:
    nodes: list[Node]  # sorted by name
    edges: list[tuple[Node, Node, frozenset[str]]]  # (participant or partner, venue or actor, relations)
    clusters: list[Cluster]  # connected parts with at least two nodes, the largest first
    bridges: list[Node]  # non-group nodes linked to two or more groups
    unlinked: list[Node]  # nodes without any edge

    def of_kind(self, *kinds: str) -> list[Node]:
        return [n for n in self.nodes if n.kind in kinds]

    @property
    def linked(self) -> list[Node]:
        return [n for n in self.nodes if n.neighbours]

    @cached_property
    def kind_counts(self) -> Counter:
        return Counter(n.kind for n in self.nodes)

    def count(self, *kinds: str) -> int:
        return sum(self.kind_counts[kind] for kind in kinds)


# --- Reading the network ------------------------------------------------------------------------------


def read_nodes() -> dict[str, Node]:
    """Actors (not archived; partners when their partnership has not ended), groups (not closed), projects
    (not done)."""
    municipalities = select(Municipality.id, Municipality.name, Municipality.area)
    places = {m.id: (m.name, m.area) for m in db.session.execute(municipalities)}
    partnerships = dict(
        db.session.execute(
            select(Partnership.actor_id, Partnership.id).where(Partnership.status != PartnerStatus.ENDED)
        ).all()
    )
    nodes: dict[str, Node] = {}
    actors = select(Actor.id, Actor.name, Actor.kind, Actor.municipality_id).where(Actor.archived_at.is_(None))
    for actor_id, name, actor_kind, municipality_id in db.session.execute(actors):
        place, area = places.get(municipality_id, ("", ""))
        partnership_id = partnerships.get(actor_id)
        kind = PARTNER if partnership_id else ACTOR
        nodes[f"a{actor_id}"] = Node(
            f"a{actor_id}", kind, actor_id, name, municipality_id=municipality_id, municipality=place, area=area,
            actor_kind=actor_kind, partnership_id=partnership_id,
        )  # fmt: skip
    for actor_id, field_id in db.session.execute(select(actor_field_of_action)):
        if node := nodes.get(f"a{actor_id}"):
            node.field_ids.add(field_id)
    groups = select(WorkingGroup.id, WorkingGroup.name, WorkingGroup.field_of_action_id).where(
        WorkingGroup.status != GroupStatus.CLOSED
    )
    for group_id, name, field_id in db.session.execute(groups):
        nodes[f"g{group_id}"] = Node(f"g{group_id}", GROUP, group_id, name, field_ids={field_id} - {None})
    projects = select(Project.id, Project.title, Project.field_of_action_id).where(Project.status != ProjectStatus.DONE)
    for project_id, title, field_id in db.session.execute(projects):
        nodes[f"v{project_id}"] = Node(f"v{project_id}", PROJECT, project_id, title, field_ids={field_id} - {None})
    return nodes


def read_edges(on: date) -> dict[tuple[str, str], set[str]]:
    """(participant key, venue or actor key) → how they are linked."""
    edges: dict[tuple[str, str], set[str]] = defaultdict(set)
    memberships = (
        select(Membership.actor_id, Membership.group_id)
        .where(Membership.actor_id.is_not(None), Membership.start_date <= on)
        .where(or_(Membership.end_date.is_(None), Membership.end_date > on))
        .group_by(Membership.actor_id, Membership.group_id)
    )
    for actor_id, group_id in db.session.execute(memberships):
        edges[(f"a{actor_id}", f"g{group_id}")].add(MEMBERSHIP)
    links = (
        select(Partnership.actor_id, PartnerLink.group_id, PartnerLink.actor_id)
        .join(Partnership, Partnership.id == PartnerLink.partnership_id)
        .where(PartnerLink.ended_on.is_(None), Partnership.status != PartnerStatus.ENDED)
    )
    for partner_id, group_id, actor_id in db.session.execute(links):
        if group_id:
            edges[(f"a{partner_id}", f"g{group_id}")].add(COOPERATION)
        elif actor_id != partner_id:  # two partners linked both ways are one edge
            low, high = sorted((partner_id, actor_id))
            edges[(f"a{low}", f"a{high}")].add(COOPERATION)
    for project_id, actor_id in db.session.execute(select(project_actor.c.project_id, project_actor.c.actor_id)):
        edges[(f"a{actor_id}", f"v{project_id}")].add(PROJECT_PART)
    for project_id, group_id in db.session.execute(select(project_group.c.project_id, project_group.c.group_id)):
        edges[(f"g{group_id}", f"v{project_id}")].add(PROJECT_PART)
    return edges


# --- Filtering ----------------------------------------------------------------------------------------


def connect(nodes: dict[str, Node], edges: dict[tuple[str, str], set[str]]) -> None:
    for a, b in edges:
        if a in nodes and b in nodes:
            nodes[a].neighbours.add(nodes[b])
            nodes[b].neighbours.add(nodes[a])


def matches_place(node: Node, wanted: PictureFilter) -> bool:
    if wanted.area and node.area != wanted.area:
        return False
    return not wanted.municipality_id or node.municipality_id == wanted.municipality_id


def keep(nodes: dict[str, Node], wanted: PictureFilter) -> set[str]:
    """Which nodes the filter keeps. A field of action keeps its groups and projects, the actors working in that
    field and the actors taking part in those groups and projects; a municipality or area keeps its actors and
    the groups and projects they take part in; the kinds then hide whole kinds of nodes."""
    field_id = wanted.field_of_action_id
    group = f"g{wanted.group_id}" if wanted.group_id else None
    venues = {
        k
        for k, n in nodes.items()
        if n.is_venue and (not field_id or field_id in n.field_ids) and (not group or k == group)
    }
    participants = set()
    for key, node in nodes.items():
        if node.is_venue or (wanted.by_place and not matches_place(node, wanted)):
            continue
        linked = any(n.key in venues for n in node.neighbours)
        if linked or (not group and (not field_id or field_id in node.field_ids)):
            participants.add(key)
    if wanted.by_place:
        venues = {k for k in venues if any(n.key in participants for n in nodes[k].neighbours)}
    return {k for k in venues | participants if nodes[k].kind in wanted.kinds}


def components(nodes: list[Node]) -> list[list[Node]]:
    """Connected parts of the graph (iterative, so 5,000 nodes in a chain do not hit the recursion limit)."""
    seen: set[str] = set()
    parts = []
    for start in nodes:
        if start.key in seen:
            continue
        seen.add(start.key)
        part, stack = [], [start]
        while stack:
            node = stack.pop()
            part.append(node)
            for n in node.neighbours:
                if n.key not in seen:
                    seen.add(n.key)
                    stack.append(n)
        parts.append(sorted(part, key=sort_key))
    return parts


@contextmanager
def collector_paused():
    """The graph is tens of thousands of linked objects: while they are built, Python's cycle collector would
    walk them again and again (more than half the time at 20,000 actors). They go as a whole afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def network_picture(wanted: PictureFilter | None = None, on: date | None = None) -> NetworkPicture:
    """The picture for the filter on a day (today): built once per change of the data, then shared, read-only."""
    return _cached_picture(wanted or PictureFilter(), on or clock.today())


@cached(TOPIC)
def _cached_picture(wanted: PictureFilter, on: date) -> NetworkPicture:
    with collector_paused():
        return _network_picture(wanted, on)


def _network_picture(wanted: PictureFilter, on: date) -> NetworkPicture:
    all_nodes = read_nodes()
    all_edges = read_edges(on)
    connect(all_nodes, all_edges)
    # the picture: the kept nodes with only the links between them
    nodes = {key: replace(all_nodes[key], neighbours=set()) for key in keep(all_nodes, wanted)}
    connect(nodes, all_edges)
    ordered = sorted(nodes.values(), key=sort_key)
    edges = sorted(
        ((nodes[a], nodes[b], frozenset(how)) for (a, b), how in all_edges.items() if a in nodes and b in nodes),
        key=lambda e: (e[0].key, e[1].key),
    )
    parts = [Cluster(part) for part in components(ordered) if len(part) > 1]
    parts.sort(key=lambda c: (-c.size, sort_key(c.nodes[0])))
    bridges = [n for n in ordered if n.kind != GROUP and len(n.groups) >= 2]
    unlinked = [n for n in ordered if not n.neighbours]
    return NetworkPicture(ordered, edges, parts, bridges, unlinked)


# --- Drawing: actors one by one or in bundles -----------------------------------------------------------


@dataclass(eq=False)
class Bundle:
    """Actors drawn as one node: those taking part in one group, project or partner's Kooperation, or those
    of one municipality or field of action, or those without any link. With too many groups to draw, also the
    groups and projects of one field of action (``kind`` GROUP)."""

    key: str  # "b" + the hub's key ("bg3"), "bm12" (municipality), "bf2" (field), "bx" (no link), "bv2" (venues)
    label: str
    members: list[Node] = field(default_factory=list)
    kind: str = ACTOR  # what the members are: ACTOR, or GROUP for groups and projects
    hubs: Counter = field(default_factory=Counter)  # hub key → how many of the bundle's actors are linked to it
    hub: Node | None = None  # the group, project or partner the bundle hangs on (bundles by venue)
    zoom: dict = field(default_factory=dict)  # the picture's filter that shows these actors one by one

    @property
    def size(self) -> int:
        return len(self.members)


@dataclass
class Drawing:
    """What the picture draws: nodes one by one, bundles of actors, and the lines between them (weight: how
    many actors a bundle's line stands for)."""

    nodes: list[Node]
    bundles: list[Bundle]
    edges: list[tuple[str, str, str, int]]  # (key, key, relation, weight)
    bundled_by: str | None  # None: every actor is drawn
    venues_bundled: bool = False  # groups and projects too, per field of action


def relation_of(hub: Node) -> str:
    return {GROUP: MEMBERSHIP, PROJECT: PROJECT_PART}.get(hub.kind, COOPERATION)


def strongest(relations) -> str:
    """The one relation an edge is drawn as (a membership outweighs a Kooperation, which outweighs a project)."""
    return next(r for r in (MEMBERSHIP, COOPERATION, PROJECT_PART) if r in relations)


def picture_and_drawing(wanted: PictureFilter, by: str, field_names: dict[int, str]) -> tuple[NetworkPicture, Drawing]:
    """The picture for the filter and how it is drawn, both built once per change of the data."""
    return _cached_drawing(wanted, clock.today(), by, tuple(sorted(field_names.items())))


@cached(TOPIC, maxsize=4)
def _cached_drawing(wanted: PictureFilter, on: date, by: str, field_names: tuple) -> tuple[NetworkPicture, Drawing]:
    picture = network_picture(wanted, on)
    return picture, drawing(picture, by, dict(field_names))


def drawing(picture: NetworkPicture, by: str = BY_VENUE, field_names: dict[int, str] | None = None) -> Drawing:
    """The picture as drawn: every node while it has at most DETAIL_LIMIT actors, else the actors in bundles."""
    actors = picture.of_kind(ACTOR)
    if len(picture.of_kind(GROUP, PROJECT)) > VENUE_LIMIT:
        return by_field_of_action(picture, field_names or {})
    if len(actors) <= DETAIL_LIMIT:
        edges = [(a.key, b.key, strongest(how), 1) for a, b, how in picture.edges]
        return Drawing(picture.nodes, [], edges, None)
    shown = [n for n in picture.nodes if n.kind != ACTOR]
    keys = {n.key for n in shown}
    edges = [(a.key, b.key, strongest(how), 1) for a, b, how in picture.edges if a.key in keys and b.key in keys]
    bundles = bundle(actors, by, field_names or {})
    for part in bundles:
        edges.extend(
            (part.key, hub, relation_of(picture_node), weight) for hub, weight, picture_node in _hub_lines(part)
        )
    return Drawing(shown, bundles, edges, by)


def _hub_lines(part: Bundle):
    nodes = {n.key: n for actor in part.members for n in actor.neighbours}
    return [(hub, weight, nodes[hub]) for hub, weight in sorted(part.hubs.items())]


def bundle(actors: list[Node], by: str, field_names: dict[int, str]) -> list[Bundle]:
    """The actors in bundles, the largest first; those without a link in one bundle of their own."""
    parts: dict[str, Bundle] = {}
    lonely = Bundle("bx", "")
    for actor in actors:
        hubs = [n for n in actor.neighbours if n.kind != ACTOR]
        if not hubs:
            lonely.members.append(actor)
            continue
        for key, label, zoom, hub in _bundles_of(actor, hubs, by, field_names):
            if key not in parts:
                parts[key] = Bundle(key, label, zoom=zoom, hub=hub)
            part = parts[key]
            part.members.append(actor)
            if by != BY_VENUE:
                part.hubs.update(h.key for h in hubs)
            elif hub is not None:
                part.hubs[hub.key] += 1
    ordered = sorted(parts.values(), key=lambda b: (-b.size, b.label.casefold(), b.key))
    return ordered + ([lonely] if lonely.members else [])


def _bundles_of(actor: Node, hubs: list[Node], by: str, field_names: dict[int, str]):
    """(key, label, zoom filter, hub) of each bundle an actor is drawn in."""
    if by == BY_PLACE:
        place = actor.municipality_id
        return [(f"bm{place or 0}", actor.municipality or "", {BY_PLACE: place} if place else {}, None)]
    if by == BY_FIELD:
        if not actor.field_ids:
            return [("bf0", "", {}, None)]
        return [(f"bf{f}", field_names.get(f, ""), {BY_FIELD: f}, None) for f in sorted(actor.field_ids)]
    return [(f"b{hub.key}", hub.name, {BY_VENUE: hub.id} if hub.kind == GROUP else {}, hub) for hub in hubs]


def by_field_of_action(picture: NetworkPicture, field_names: dict[int, str]) -> Drawing:
    """More groups and projects than one picture can show: per field of action one node for its groups and
    projects and one for the actors taking part in them; the partners stay, linked to the fields they work in.
    A click on a field's node opens the picture of that field."""
    venues: dict[int, Bundle] = {}
    for venue in picture.of_kind(GROUP, PROJECT):
        f = _main_field(venue)
        if f not in venues:
            venues[f] = Bundle(f"bv{f}", field_names.get(f, ""), kind=GROUP, zoom=_field_zoom(f))
        venues[f].members.append(venue)
    taking_part: dict[int, Bundle] = {}
    cooperating = Bundle("bk", "")  # actors linked to partners only
    lonely = Bundle("bx", "")
    lines: Counter = Counter()
    partners = picture.of_kind(PARTNER)
    relations = {  # only the partners' lines are drawn one by one
        frozenset((a.key, b.key)): strongest(how) for a, b, how in picture.edges if PARTNER in (a.kind, b.kind)
    }
    for actor in picture.of_kind(ACTOR):
        fields = {_main_field(n) for n in actor.neighbours if n.is_venue}
        for f in fields:
            if f not in taking_part:
                taking_part[f] = Bundle(f"ba{f}", field_names.get(f, ""), zoom=_field_zoom(f))
            taking_part[f].members.append(actor)
        if not fields and actor.neighbours:
            cooperating.members.append(actor)
            lines.update((cooperating.key, n.key, COOPERATION) for n in actor.neighbours if n.kind == PARTNER)
        elif not actor.neighbours:
            lonely.members.append(actor)
    for f, part in taking_part.items():
        lines[(part.key, f"bv{f}", MEMBERSHIP)] += part.size
    for partner in partners:
        for n in partner.neighbours:
            if n.is_venue:
                lines[(partner.key, f"bv{_main_field(n)}", relations[frozenset((partner.key, n.key))])] += 1
            elif n.kind == PARTNER and partner.key < n.key:
                lines[(partner.key, n.key, COOPERATION)] += 1
    bundles = sorted(venues.values(), key=lambda b: -b.size) + sorted(taking_part.values(), key=lambda b: -b.size)
    bundles += [part for part in (cooperating, lonely) if part.members]
    edges = [(a, b, relation, weight) for (a, b, relation), weight in sorted(lines.items())]
    return Drawing(partners, bundles, edges, BY_FIELD, venues_bundled=True)


def _main_field(node: Node) -> int:
    """The field of action a group or project is drawn under (0: none)."""
    return min(node.field_ids) if node.field_ids else 0


def _field_zoom(field_id: int) -> dict:
    return {BY_FIELD: field_id} if field_id else {}
