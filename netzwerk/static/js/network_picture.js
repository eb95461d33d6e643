// The network picture: draws the page's JSON data block with Cytoscape.js (netzwerk/static/vendor/).
// The page's tables hold the same data, so nothing is lost without JavaScript.
"use strict";

(function () {
  var container = document.getElementById("netzwerkbild");
  var source = document.getElementById("netzwerk-daten");
  if (!container || !source || typeof cytoscape !== "function") return;
  var data = JSON.parse(source.textContent);
  var info = document.getElementById("netzwerk-info");
  var labels = container.dataset;
  var started = performance.now();

  // a bundle stands for many actors: the actors' green, drawn as a ring (see the style below)
  var COLOURS = { arbeitskreis: "#1d3f6e", vorhaben: "#6a1b9a", partner: "#a34400", akteur: "#1e6b35", buendel: "#d7eadc", "buendel-ak": "#1d3f6e" };
  var SHAPES = { arbeitskreis: "round-rectangle", vorhaben: "diamond", partner: "hexagon", akteur: "ellipse", buendel: "ellipse", "buendel-ak": "round-rectangle" };
  var EDGES = { mitgliedschaft: ["#5f6b78", "solid"], kooperation: ["#a34400", "dashed"], vorhaben: ["#6a1b9a", "dotted"] };

  var style = [
    {
      selector: "node",
      style: {
        "background-color": function (n) { return COLOURS[n.data("kind")]; },
        shape: function (n) { return SHAPES[n.data("kind")]; },
        width: "data(size)",
        height: "data(size)",
        label: "data(label)",
        "font-size": 11,
        color: "#1b1f24",
        // a leaf on a ring writes its name outwards (placeOnRings), so neighbours' names do not cross
        "text-valign": function (n) { return n.data("valign") || "bottom"; },
        "text-halign": function (n) { return n.data("halign") || "center"; },
        "text-margin-y": function (n) { return n.data("valign") === "center" ? 0 : n.data("labelOffset"); },
        "text-margin-x": function (n) { return { left: -4, right: 4 }[n.data("halign")] || 0; },
        "text-wrap": "ellipsis",
        "text-max-width": 140,
        "text-outline-color": "#ffffff",
        "text-outline-width": 2,
        // actors' names appear when zoomed in far enough to read them; groups and projects always show theirs
        "min-zoomed-font-size": 9
      }
    },
    {
      selector: 'node[kind = "arbeitskreis"], node[kind = "vorhaben"], node[kind = "buendel-ak"]',
      style: { "font-size": 18, "font-weight": "bold", "min-zoomed-font-size": 5, "text-wrap": "wrap", "text-max-width": 200 }
    },
    { selector: 'node[kind = "partner"]', style: { "font-size": 12, "font-weight": "bold", "min-zoomed-font-size": 7 } },
    {
      selector: 'node[kind = "buendel"]',
      style: { "border-width": 3, "border-color": "#1e6b35", "font-size": 12, "min-zoomed-font-size": 6, "text-max-width": 160 }
    },
    // a black double ring: visible on every fill colour and without telling colours apart
    { selector: "node[?bridge]", style: { "border-width": 6, "border-style": "double", "border-color": "#000000", "min-zoomed-font-size": 6 } },
    { selector: "node[?unlinked]", style: { "background-color": "#6b6b6b", "text-max-width": 100 } },
    {
      selector: "edge",
      style: {
        // a bundle's line stands for as many links as it has actors behind it
        width: function (e) { return Math.min(8, 1.5 + Math.sqrt(e.data("weight") || 1) - 1); },
        "curve-style": "straight",
        "line-color": function (e) { return EDGES[e.data("relation")][0]; },
        "line-style": function (e) { return EDGES[e.data("relation")][1]; },
        opacity: 0.7
      }
    },
    // names on inner rings would cover the outer ring: shown on hover or selection
    { selector: "node[?innerRing]", style: { "text-opacity": 0 } },
    { selector: ".faded", style: { opacity: 0.12 } },
    { selector: "node.hover, node:selected", style: { "min-zoomed-font-size": 0, "z-index": 10, "text-opacity": 1 } },
    { selector: "node:selected", style: { "overlay-color": "#ffbf47", "overlay-opacity": 0.5, "overlay-padding": 6 } },
    { selector: "edge.near", style: { opacity: 1, width: 3 } }
  ];

  var cy = cytoscape({
    container: container,
    elements: data,
    style: style,
    layout: { name: "preset" },
    minZoom: 0.05,
    maxZoom: 4,
    boxSelectionEnabled: false
  });

  var RING_GAP = 24; // distance between leaves on a ring around their hub, and between rings

  function byName(a, b) {
    return a.data("label").localeCompare(b.data("label"), "de");
  }

  // Nodes linked to exactly one hub (most actors: one group) sit on rings around it; the radius of a hub's
  // outermost ring.
  function ringRadius(hub, count) {
    var radius = firstRing(hub, count);
    while (count > 0) {
      count -= ringCapacity(radius, count);
      if (count > 0) radius += RING_GAP;
    }
    return radius;
  }

  // Up to ONE_RING leaves share one ring, as wide as they need, so every name can be written outwards.
  var ONE_RING = 40;
  function firstRing(hub, count) {
    var base = hub.data("size") / 2 + RING_GAP;
    return count <= ONE_RING ? Math.max(base, (count * RING_GAP) / (2 * Math.PI)) : base;
  }
  function ringCapacity(radius, left) {
    return left <= ONE_RING && radius >= (left * RING_GAP) / (2 * Math.PI) ? left : Math.max(6, Math.floor((2 * Math.PI * radius) / RING_GAP));
  }

  function placeOnRings(hub, leaves) {
    var centre = hub.position();
    var radius = firstRing(hub, leaves.length);
    var index = 0;
    while (index < leaves.length) {
      var fits = Math.min(leaves.length - index, ringCapacity(radius, leaves.length - index));
      for (var i = 0; i < fits; i += 1) {
        var angle = (2 * Math.PI * i) / fits;
        var cos = Math.cos(angle), sin = Math.sin(angle);
        leaves[index + i].position({ x: centre.x + radius * cos, y: centre.y + radius * sin });
        // only the outer ring writes outwards; inner rings keep their names for a zoom in or a click
        var outer = index + fits >= leaves.length;
        // names at the very top and bottom would run into each other and into the hub's own name: they show
        // on hover or selection, as the names of inner rings do
        var side = outer && Math.abs(cos) > 0.2;
        leaves[index + i].data({
          halign: side ? (cos > 0 ? "right" : "left") : "center",
          valign: side ? "center" : (sin < 0 ? "top" : "bottom"),
          innerRing: !side
        });
      }
      index += fits;
      radius += RING_GAP;
    }
  }

  // The core (groups, projects, bridges and whatever links two or more nodes) by a force-directed layout, each
  // hub taking the room of its rings; then the leaves on rings around their hub; the nodes without a link in
  // a compact grid below. Laying out only the core keeps 500 or 1,000 nodes fast (the force layout costs the
  // square of its nodes) and shows every group as a hub with its actors around it.
  var fieldsBundled = cy.nodes('[kind = "buendel-ak"]').nonempty();

  function layOut() {
    var isolated = cy.nodes("[?unlinked]");
    var leaves = cy.nodes().filter(function (n) {
      return n.degree(false) === 1 && n.neighborhood("node").degree(false) > 1;
    });
    var core = cy.nodes().difference(isolated).difference(leaves);
    var leavesOf = {};
    leaves.sort(function (a, b) { return b.data("size") - a.data("size") || byName(a, b); }).forEach(function (leaf) {
      var hub = leaf.neighborhood("node")[0].id();
      (leavesOf[hub] = leavesOf[hub] || []).push(leaf);
    });
    var room = {};
    core.forEach(function (hub) {
      room[hub.id()] = ringRadius(hub, (leavesOf[hub.id()] || []).length);
      // a hub's name goes below its rings, where no leaf covers it
      if (leavesOf[hub.id()]) hub.data("labelOffset", room[hub.id()] - hub.data("size") / 2 + 14);
      // while the force layout runs, a hub is as large as its rings, so no other node lands on them
      hub.data({ drawnSize: hub.data("size"), size: 2 * room[hub.id()] });
    });

    var done = function () {
      core.forEach(function (hub) {
        hub.data("size", hub.data("drawnSize"));
        placeOnRings(hub, leavesOf[hub.id()] || []);
      });
      var linked = cy.nodes().difference(isolated);
      var box = linked.nonempty() ? linked.boundingBox() : { x1: 0, y2: 0, w: 800 };
      if (isolated.nonempty()) {
        var width = Math.max(box.w, 900);
        var columns = Math.max(1, Math.floor(width / 110));
        var rows = Math.ceil(isolated.length / columns);
        isolated.layout({
          name: "grid",
          boundingBox: { x1: box.x1, y1: box.y2 + 120, w: width, h: rows * 45 },
          cols: columns,
          avoidOverlap: true,
          sort: byName
        }).run();
      }
      fitReadable();
      container.dataset.layoutMs = String(Math.round(performance.now() - started));
      container.dataset.layout = "done";
    };
    if (core.empty()) return done();
    if (fieldsBundled) return done(placeAroundFields(core));
    var layout = core.union(core.edgesWith(core)).layout({
      name: "cose",
      animate: false,
      randomize: true,
      numIter: 800,
      nodeDimensionsIncludeLabels: false,
      nodeRepulsion: function (n) { return 20000 + 40 * room[n.id()] * room[n.id()]; },
      idealEdgeLength: function () { return 40; },
      nodeOverlap: 200,
      componentSpacing: 120,
      gravity: 0.8
    });
    layout.one("layoutstop", function () { done(); });
    layout.run();
  }

  // Fields of action drawn as bundles: a handful of hubs that nearly every partner links to, where a force
  // layout piles everything up in the middle. The fields sit on a wide circle; each partner near the middle of
  // the fields it works in, partners with the same fields side by side (a spiral around that point).
  function placeAroundFields(core) {
    var fields = core.filter('[kind = "buendel-ak"]');
    var radius = Math.max(320, fields.length * 90);
    fields.forEach(function (hub, i) {
      var angle = (2 * Math.PI * i) / fields.length - Math.PI / 2;
      hub.position({ x: radius * Math.cos(angle), y: radius * Math.sin(angle) });
    });
    var crowd = {};
    core.difference(fields).sort(byName).forEach(function (node) {
      var linked = node.neighborhood('node[kind = "buendel-ak"]');
      var x = 0, y = 0;
      linked.forEach(function (hub) { x += hub.position("x"); y += hub.position("y"); });
      var spot = linked.length ? linked.map(function (hub) { return hub.id(); }).sort().join() : "";
      var n = (crowd[spot] = (crowd[spot] || 0) + 1);
      var turn = 2.4 * n, distance = 28 * Math.sqrt(n);  // a sunflower spiral: evenly spread, no overlaps
      var centre = linked.length ? { x: (0.55 * x) / linked.length, y: (0.55 * y) / linked.length } : { x: 0, y: 0 };
      node.position({ x: centre.x + distance * Math.cos(turn), y: centre.y + distance * Math.sin(turn) });
    });
  }

  // the whole picture, but never magnified beyond its natural size (a small picture would show huge, crossing
  // names)
  function fitReadable() {
    cy.fit(undefined, 20);
    if (cy.zoom() > 1) cy.zoom({ level: 1, renderedPosition: { x: container.clientWidth / 2, y: container.clientHeight / 2 } });
    if (cy.zoom() === 1) cy.center();
  }

  function text(tag, content) {
    var element = document.createElement(tag);
    element.textContent = content;
    return element;
  }

  // What the selected node is, whom it is linked to, and a link to its page (built with textContent: names
  // come from the data and are never parsed as HTML).
  function show(node) {
    info.replaceChildren();
    info.appendChild(text("h3", node.data("label")));
    var detail = [node.data("kindLabel"), node.data("detail")].filter(Boolean).join(" · ");
    info.appendChild(text("p", detail));
    if (node.data("bridge")) info.appendChild(text("p", labels.bridgeLabel));
    var names = node.neighborhood("node").map(function (n) { return n.data("label"); }).sort();
    var shown = names.slice(0, 20).join(", ");
    if (names.length > 20) shown += " " + labels.moreLabel.replace("{n}", String(names.length - 20));
    info.appendChild(text("p", labels.linkedLabel + ": " + (names.length ? shown : labels.noneLabel)));
    var opens = /^buendel/.test(node.data("kind")) ? labels.bundleLabel : labels.openLabel;
    var link = text("a", opens + ": " + node.data("label"));
    link.href = node.data("url");
    var paragraph = document.createElement("p");
    paragraph.appendChild(link);
    info.appendChild(paragraph);
  }

  function highlight(node) {
    cy.elements().removeClass("faded near");
    if (!node) return;
    var near = node.closedNeighborhood();
    cy.elements().difference(near).addClass("faded");
    near.edges().addClass("near");
  }

  cy.on("tap", "node", function (event) {
    highlight(event.target);
    show(event.target);
  });
  cy.on("tap", function (event) {
    if (event.target === cy) {
      highlight(null);
      info.replaceChildren();
    }
  });
  cy.on("mouseover", "node", function (event) {
    event.target.addClass("hover");
    container.title = event.target.data("label");
  });
  cy.on("mouseout", "node", function (event) {
    event.target.removeClass("hover");
    container.removeAttribute("title");
  });

  var tools = document.querySelector(".network-tools");
  tools.hidden = false;
  tools.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-zoom]");
    if (!button) return;
    var centre = { x: container.clientWidth / 2, y: container.clientHeight / 2 };
    if (button.dataset.zoom === "fit") fitReadable();
    else cy.zoom({ level: cy.zoom() * (button.dataset.zoom === "in" ? 1.5 : 1 / 1.5), renderedPosition: centre });
  });

  layOut();
})();
