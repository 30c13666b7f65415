/* kg graph page: draws the embedded graph data with vis-network; search, filters, evidence panel.
 * Every text that comes from documents is put in the page with textContent (never innerHTML),
 * and vis-network shows tooltips as plain text and labels on a canvas. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var timings = (window.kgTimings = { start: performance.now() });
  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  var SVGNS = "http://www.w3.org/2000/svg";
  function svg(tag, attrs) {
    var e = document.createElementNS(SVGNS, tag);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    return e;
  }
  function kindIcon(kind) {
    var style = data.kinds[kind], c = style.color, s = svg("svg", { width: 14, height: 14, "class": "kg-icon" });
    var shapes = {
      dot: ["circle", { cx: 7, cy: 7, r: 6 }],
      square: ["rect", { x: 1.5, y: 1.5, width: 11, height: 11 }],
      diamond: ["polygon", { points: "7,0.5 13.5,7 7,13.5 0.5,7" }],
      triangle: ["polygon", { points: "7,1 13.5,13 0.5,13" }],
      star: ["polygon", { points: "7,0.5 8.8,5 13.5,5.2 9.8,8.2 11.1,13 7,10.3 2.9,13 4.2,8.2 0.5,5.2 5.2,5" }],
      hexagon: ["polygon", { points: "3.5,1 10.5,1 13.5,7 10.5,13 3.5,13 0.5,7" }],
      ellipse: ["ellipse", { cx: 7, cy: 7, rx: 6.5, ry: 4.5 }],
    };
    var spec = shapes[style.shape] || shapes.dot;
    var attrs = Object.assign({ fill: c, stroke: "#333", "stroke-width": 0.6 }, spec[1]);
    s.appendChild(svg(spec[0], attrs));
    return s;
  }

  // ------------------------------------------------------------ data sets
  var byId = {}, edgeById = {}, adjacency = {};
  data.nodes.forEach(function (n) { byId[n.id] = n; adjacency[n.id] = []; });
  data.edges.forEach(function (e) {
    edgeById[e.id] = e;
    adjacency[e.from].push(e.id);
    if (e.to !== e.from) adjacency[e.to].push(e.id);
  });
  var hooks = { filter: [], focus: [], panel: [] }; // extensions (overview.js) hook in here
  function visNode(n) {
    var st = data.kinds[n.kind];
    if (n.color) st = { shape: st.shape, color: n.color };
    var extra = n.x === undefined ? {} : { x: n.x, y: n.y, font: n.focus ? undefined : { size: n.fontSize } };
    return Object.assign({
      id: n.id, label: n.label, title: n.title, size: n.size, shape: st.shape,
      color: { background: st.color, border: n.focus ? "#111" : "#3e4c59",
               highlight: { background: st.color, border: "#111" }, hover: { background: st.color, border: "#111" } },
      borderWidth: n.focus ? 4 : 1,
      font: n.focus ? { size: 18, bold: true } : undefined,
      hidden: false,
    }, extra);
  }
  function visEdge(e) {
    return {
      id: e.id, from: e.from, to: e.to, label: e.label, title: e.title,
      dashes: e.derived ? [5, 4] : false,
      color: e.derived ? { color: "#b4bec8", highlight: "#52606d", hover: "#52606d" }
                       : { color: "#7b8794", highlight: "#1f2933", hover: "#1f2933" },
      hidden: false,
    };
  }
  var nodes = new vis.DataSet(data.nodes.map(visNode));
  var focusId = null;
  data.nodes.forEach(function (n) { if (n.focus) focusId = n.id; });
  var edges = new vis.DataSet(data.edges.map(visEdge));

  // ------------------------------------------------------------ header: summary, note, legend, filters
  $("kg-summary").textContent = data.summary;
  if (data.note) { $("kg-note").textContent = data.note; $("kg-note").hidden = false; }
  var kindShown = {};
  var kindsBox = $("kg-kinds");
  data.kindOrder.forEach(function (kind) {
    var info = data.kinds[kind];
    if (kind === "other" && !info.count) return;
    kindShown[kind] = true;
    var label = el("label");
    label.title = "show or hide " + kind + " nodes";
    var box = el("input");
    box.type = "checkbox"; box.checked = true; box.value = kind; box.id = "kg-kind-" + kind;
    box.addEventListener("change", function () { kindShown[kind] = box.checked; applyFilters(); });
    label.appendChild(box);
    label.appendChild(kindIcon(kind));
    label.appendChild(document.createTextNode(kind + " (" + info.count + ")"));
    kindsBox.appendChild(label);
  });
  var edgeKey = el("span", "kg-edge-key");
  var solid = svg("svg", { width: 26, height: 8 }), dashed = svg("svg", { width: 26, height: 8 });
  solid.appendChild(svg("line", { x1: 0, y1: 4, x2: 26, y2: 4, stroke: "#7b8794", "stroke-width": 2 }));
  dashed.appendChild(svg("line", { x1: 0, y1: 4, x2: 26, y2: 4, stroke: "#b4bec8", "stroke-width": 2,
                                   "stroke-dasharray": "5,4" }));
  edgeKey.appendChild(solid);
  edgeKey.appendChild(document.createTextNode(" stated in an article  "));
  edgeKey.appendChild(dashed);
  edgeKey.appendChild(document.createTextNode(" from entity descriptions"));
  kindsBox.appendChild(edgeKey);
  data.regions.forEach(function (r) { var o = el("option", null, r); o.value = r; $("kg-region").appendChild(o); });
  if (data.dateRange) {
    ["kg-from", "kg-to"].forEach(function (id) { $(id).min = data.dateRange[0]; $(id).max = data.dateRange[1]; });
  }
  var names = $("kg-names");
  var seen = {};
  data.nodes.slice().sort(function (a, b) { return b.degree - a.degree; }).forEach(function (n) {
    [n.name].concat(n.alt_names || []).forEach(function (name) {
      if (seen[name]) return;
      seen[name] = true;
      var o = el("option"); o.value = name; names.appendChild(o);
    });
  });
  if (data.omitted && data.omitted.count) {
    var box = $("kg-omitted");
    box.hidden = false;
    box.querySelector("summary").textContent = data.omitted.text;
    var ul = el("ul");
    data.omitted.names.forEach(function (item) { ul.appendChild(el("li", null, item.name + " (" + item.kind + ")")); });
    if (data.omitted.names.length < data.omitted.count) {
      ul.appendChild(el("li", null, "… and " + (data.omitted.count - data.omitted.names.length) + " more"));
    }
    box.appendChild(ul);
  }

  // ------------------------------------------------------------ the network
  var container = $("kg-graph");
  var progress = $("kg-progress");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  network.once("afterDrawing", function () { timings.firstDraw = performance.now() - timings.start; });
  network.on("stabilizationProgress", function (p) {
    timings.progress = p.iterations;
    progress.textContent = "Laying out " + data.nodes.length + " nodes… " + Math.round((100 * p.iterations) / p.total) + "%";
  });
  function settled(params) {
    if (timings.stabilized === undefined) {
      timings.stabilized = performance.now() - timings.start;
      timings.iterations = params && params.iterations !== undefined ? params.iterations : timings.progress;
    }
    if (data.nodes.length) progress.textContent = "";
    if (data.freezeAfterLayout) network.setOptions({ physics: { enabled: false } });
    $("kg-physics").checked = !data.freezeAfterLayout && data.options.physics.enabled !== false;
    if (focusId) network.selectNodes([focusId]);
  }
  network.once("stabilizationIterationsDone", function () {
    timings.iterationsDone = performance.now() - timings.start;
    settled();
  });
  network.once("stabilized", function (p) { timings.stabilizedEvent = performance.now() - timings.start; settled(p); });
  if (!data.nodes.length) progress.textContent = "Nothing to draw: the graph has no people, organizations, posts, " +
    "meetings, initiatives or places.";
  if (!data.nodes.length || data.options.physics.enabled === false || !data.options.physics.stabilization.enabled) {
    timings.iterationsDone = performance.now() - timings.start;
    settled();
  }
  $("kg-physics").addEventListener("change", function () {
    network.setOptions({ physics: { enabled: $("kg-physics").checked } });
  });

  // ------------------------------------------------------------ filters
  function inRange(dates, from, to) {
    return dates.some(function (d) { return (!from || d >= from) && (!to || d <= to); });
  }
  function applyFilters() {
    var region = $("kg-region").value, from = $("kg-from").value, to = $("kg-to").value;
    var dated = !!(from || to);
    hooks.filter.forEach(function (f) { f(region || dated || Object.keys(kindShown).some(function (k) { return !kindShown[k]; })); });
    var ok = {};
    data.nodes.forEach(function (n) {
      var pass = kindShown[n.kind] !== false && (!region || n.regions.indexOf(region) >= 0);
      if (pass && dated) pass = n.dates.length ? inRange(n.dates, from, to) : null; // null: decided by neighbours
      ok[n.id] = pass;
    });
    if (dated) {
      // undated nodes (places, organizations named only in descriptions) stay when a dated neighbour stays
      data.nodes.forEach(function (n) {
        if (ok[n.id] !== null) return;
        ok[n.id] = adjacency[n.id].some(function (eid) {
          var e = edgeById[eid], other = e.from === n.id ? e.to : e.from;
          return ok[other] === true && byId[other].dates.length > 0;
        });
      });
    }
    var nodeUpdates = [], edgeUpdates = [], shownNodes = 0, shownEdges = 0;
    data.nodes.forEach(function (n) {
      var hidden = !ok[n.id];
      if (!hidden) shownNodes++;
      if (nodes.get(n.id).hidden !== hidden) nodeUpdates.push({ id: n.id, hidden: hidden });
    });
    data.edges.forEach(function (e) {
      var hidden = !(ok[e.from] && ok[e.to] && (!dated || !e.dates.length || inRange(e.dates, from, to)));
      if (!hidden) shownEdges++;
      if (edges.get(e.id).hidden !== hidden) edgeUpdates.push({ id: e.id, hidden: hidden });
    });
    nodes.update(nodeUpdates);
    edges.update(edgeUpdates);
    $("kg-status").textContent = "Showing " + shownNodes + " of " + data.nodes.length + " nodes, " +
      shownEdges + " of " + data.edges.length + " edges";
  }
  function reset() {
    Object.keys(kindShown).forEach(function (k) { kindShown[k] = true; $("kg-kind-" + k).checked = true; });
    $("kg-region").value = ""; $("kg-from").value = ""; $("kg-to").value = "";
    $("kg-search").value = ""; $("kg-message").textContent = "";
    applyFilters();
    network.unselectAll();
    network.fit({ animation: { duration: 300 } });
    showHint();
  }
  ["kg-region", "kg-from", "kg-to"].forEach(function (id) { $(id).addEventListener("change", applyFilters); });
  $("kg-reset").addEventListener("click", reset);

  // ------------------------------------------------------------ search
  function search(text) {
    var q = (text || "").trim().toLowerCase();
    $("kg-message").textContent = "";
    if (!q) return null;
    var ranks = [];
    data.nodes.forEach(function (n) {
      var names = [n.name].concat(n.alt_names || []).map(function (s) { return s.toLowerCase(); });
      var rank = names.indexOf(q) >= 0 ? 0
        : names.some(function (s) { return s.indexOf(q) === 0; }) ? 1
        : names.some(function (s) { return s.indexOf(q) >= 0; }) ? 2 : -1;
      if (rank >= 0) ranks.push([rank, -n.degree, n.name, n.id]);
    });
    if (!ranks.length) {
      var gone = (data.omitted && data.omitted.names || []).filter(function (item) {
        return item.name.toLowerCase().indexOf(q) >= 0;
      });
      $("kg-message").textContent = gone.length
        ? "“" + gone[0].name + "” was left out of this view; use kg viz --focus to draw it."
        : "No node matches “" + text.trim() + "”.";
      return null;
    }
    ranks.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0); });
    var id = ranks[0][3];
    if (nodes.get(id).hidden) {
      reset();
      $("kg-search").value = text;
      $("kg-message").textContent = "Filters were reset to show “" + byId[id].name + "”.";
    }
    focusNode(id);
    return id;
  }
  function focusNode(id) {
    hooks.focus.forEach(function (f) { f(id); });
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 1.1), animation: { duration: 400 } });
    showNode(id);
  }
  $("kg-search-form").addEventListener("submit", function (ev) { ev.preventDefault(); search($("kg-search").value); });

  // ------------------------------------------------------------ the evidence panel
  var panel = $("kg-panel");
  function clear() { while (panel.firstChild) panel.removeChild(panel.firstChild); }
  function showHint() {
    clear();
    panel.appendChild(el("p", "kg-hint", "Click a node or an edge to see the sentences behind it, with the " +
      "document and its date. Hover for a summary."));
  }
  function evidenceItem(ev) {
    var fig = el("figure", "kg-ev");
    fig.appendChild(el("blockquote", null, ev.sentence || "(no sentence recorded)"));
    var parts = [ev.doc || "unknown document", ev.date || "undated", ev.fact];
    if (ev.confidence !== null && ev.confidence !== undefined) parts.push("confidence " + ev.confidence);
    fig.appendChild(el("figcaption", null, parts.join(" · ")));
    fig.title = ev.assertion;
    return fig;
  }
  function nodeLink(id) {
    var b = el("button", "kg-link", byId[id].name);
    b.type = "button";
    b.addEventListener("click", function () { focusNode(id); });
    return b;
  }
  function edgeLink(eid, text) {
    var b = el("button", "kg-link", text);
    b.type = "button";
    b.addEventListener("click", function () { network.selectEdges([eid]); showEdge(eid); });
    return b;
  }
  function badge(kind) {
    var b = el("span", "kg-badge", kind);
    b.style.background = data.kinds[kind].color;
    return b;
  }
  function showNode(id) {
    var n = byId[id];
    if (!n) return;
    clear();
    panel.dataset.shows = "node";
    panel.dataset.id = id;
    panel.appendChild(el("h2", null, n.name));
    var meta = el("p", "kg-meta");
    meta.appendChild(badge(n.kind));
    meta.appendChild(document.createTextNode(" " + n.degree + " connection" + (n.degree === 1 ? "" : "s")));
    panel.appendChild(meta);
    if (n.alt_names && n.alt_names.length) panel.appendChild(el("p", "kg-meta", "Also written: " + n.alt_names.join("; ")));
    if (n.regions.length) panel.appendChild(el("p", "kg-meta", "Region: " + n.regions.join(", ")));
    if (n.start_date) panel.appendChild(el("p", "kg-meta", "Date: " + n.start_date));
    else if (n.dates.length) {
      var span = n.dates[0] === n.dates[n.dates.length - 1] ? n.dates[0] : n.dates[0] + " – " + n.dates[n.dates.length - 1];
      panel.appendChild(el("p", "kg-meta", "Reported: " + span));
    }
    panel.appendChild(el("p", "kg-iri", n.id));
    var conns = adjacency[id];
    panel.appendChild(el("h3", null, "Connections (" + conns.length + ")"));
    var ul = el("ul");
    conns.forEach(function (eid) {
      var e = edgeById[eid], li = el("li");
      var outgoing = e.from === id, other = outgoing ? e.to : e.from;
      li.appendChild(edgeLink(eid, outgoing ? e.label + " →" : "← " + e.label));
      li.appendChild(document.createTextNode(" "));
      li.appendChild(nodeLink(other));
      var evs = e.evidence.length ? e.evidence : [];
      evs.slice(0, 3).forEach(function (ev) { li.appendChild(evidenceItem(ev)); });
      if (evs.length > 3) li.appendChild(el("div", "kg-meta", "+" + (evs.length - 3) + " more sentences (click the relation)"));
      if (!evs.length) li.appendChild(el("div", "kg-meta", "from the entity descriptions"));
      ul.appendChild(li);
    });
    panel.appendChild(ul);
    if (n.mentions && n.mentions.length) {
      panel.appendChild(el("h3", null, "Mentioned in (" + n.mentions.length + ")"));
      n.mentions.forEach(function (ev) { panel.appendChild(evidenceItem(ev)); });
    }
    hooks.panel.forEach(function (f) { f(n, panel); });
  }
  function showEdge(eid) {
    var e = edgeById[eid];
    if (!e) return;
    clear();
    panel.dataset.shows = "edge";
    panel.dataset.id = eid;
    var h = el("h2");
    h.appendChild(nodeLink(e.from));
    h.appendChild(document.createTextNode(" — " + e.label + " → "));
    h.appendChild(nodeLink(e.to));
    panel.appendChild(h);
    panel.appendChild(el("p", "kg-iri", e.predicate));
    if (e.evidence.length) {
      panel.appendChild(el("h3", null, "Stated in " + e.evidence.length + " sentence" + (e.evidence.length === 1 ? "" : "s")));
      e.evidence.forEach(function (ev) { panel.appendChild(evidenceItem(ev)); });
    } else {
      panel.appendChild(el("p", "kg-meta", "No single sentence states this relation: it comes from the entity " +
        "descriptions (how the names read, and kg's list of places)."));
      if (e.derived_from && e.derived_from.length) {
        panel.appendChild(el("h3", null, "Sentences naming " + byId[e.from].name));
        e.derived_from.forEach(function (ev) { panel.appendChild(evidenceItem(ev)); });
      }
    }
  }
  network.on("click", function (p) {
    if (p.nodes.length) showNode(p.nodes[0]);
    else if (p.edges.length) showEdge(p.edges[0]);
  });

  applyFilters();
  if (focusId) showNode(focusId); else showHint();
  window.kg = {
    network: network, nodes: nodes, edges: edges, data: data, search: search, applyFilters: applyFilters,
    reset: reset, showNode: showNode, showEdge: showEdge, focusNode: focusNode,
    hooks: hooks, adjacency: adjacency, byId: byId, edgeById: edgeById, el: el, nodeLink: nodeLink,
  };
})();
