/* kg graph page, part 2: links to kg serve's entity pages, who a person met (from the page's own
 * edges), and the overview of a large graph (kg/viz/overview.py): the most connected entities
 * labelled, the other members of each community folded into one node that unfolds on click, a
 * legend of communities that folds or unfolds a whole community. Runs after graph.js. */
(function () {
  "use strict";
  var kg = window.kg, common = window.kgCommon;
  if (!kg) return;
  var data = kg.data, network = kg.network, el = kg.el;
  var ROLES = { attended: true, presided: true, spoke: true };

  // ------------------------------------------------------------ the panel: entity page, who met whom
  function metWith(id) {
    var met = {};
    kg.adjacency[id].forEach(function (eid) {
      var e = kg.edgeById[eid];
      if (!ROLES[e.label] || e.from !== id) return;
      kg.adjacency[e.to].forEach(function (other) {
        var o = kg.edgeById[other];
        if (!ROLES[o.label] || o.from === id || o.to !== e.to) return;
        (met[o.from] = met[o.from] || {})[e.to] = true;
      });
    });
    return Object.keys(met).map(function (p) { return { person: p, meetings: Object.keys(met[p]) }; })
      .sort(function (a, b) { return b.meetings.length - a.meetings.length || (kg.byId[a.person].name < kg.byId[b.person].name ? -1 : 1); });
  }
  kg.hooks.panel.push(function (n, panel) {
    if (common.served) {
      var p = el("p", "kg-meta");
      p.appendChild(common.entityLink(n.id, "Open the entity page"));
      panel.insertBefore(p, panel.querySelector("h2").nextSibling);
    }
    if (n.kind !== "person") return;
    var met = metWith(n.id);
    var h = el("h3", "kg-met", "Met at meetings (" + met.length + " " + (met.length === 1 ? "person" : "people") + ")");
    panel.appendChild(h);
    if (data.links && data.links.meetings || common.served) {
      var a = el("a", "kg-view-link", "Open the who-met-whom view");
      a.href = common.viewUrl("meetings", data.links && data.links.meetings) + "#person=" + encodeURIComponent(n.id);
      panel.appendChild(el("p", "kg-meta")).appendChild(a);
    } else {
      panel.appendChild(el("p", "kg-meta", "All pairs, weighted by shared meetings: kg viz --view meetings"));
    }
    var ul = el("ul", "kg-met-list");
    met.forEach(function (m) {
      var li = el("li");
      li.appendChild(kg.nodeLink(m.person));
      var names = m.meetings.map(function (id) {
        var mt = kg.byId[id];
        return mt.name + (mt.start_date ? " (" + mt.start_date + ")" : "");
      });
      li.appendChild(document.createTextNode(" — " + m.meetings.length + " meeting" +
        (m.meetings.length === 1 ? "" : "s") + ": " + names.join("; ")));
      ul.appendChild(li);
    });
    panel.appendChild(ul);
  });

  // ------------------------------------------------------------ the overview
  var ov = data.overview;
  if (!ov) return;
  var timings = window.kgTimings;
  var byId = kg.byId;
  var state = ov.communities.map(function () { return "overview"; });

  var banner = el("p", "kg-banner", ov.banner);
  banner.id = "kg-banner";
  var header = document.querySelector("header");
  header.insertBefore(banner, header.querySelector("#kg-toolbar"));
  var legend = el("div", "kg-communities");
  legend.id = "kg-communities";
  legend.appendChild(el("span", "kg-meta", "Communities (colour; the shape is the kind): "));
  ov.communities.forEach(function (c, i) {
    var b = el("button", "kg-community");
    b.type = "button";
    b.dataset.community = i;
    b.title = "fold or unfold this community";
    var swatch = el("span", "kg-swatch");
    swatch.style.background = c.color;
    b.appendChild(swatch);
    b.appendChild(document.createTextNode(c.name + " (" + c.members.length + ")"));
    b.addEventListener("click", function () { toggle(i); });
    legend.appendChild(b);
  });
  header.insertBefore(legend, header.querySelector("#kg-toolbar"));

  function restId(i) { return "kg-rest-" + i; }
  function allId(i) { return "kg-all-" + i; }
  function release(clusterPosition, contained) {
    var out = {};
    Object.keys(contained).forEach(function (id) {
      out[id] = byId[id] ? { x: byId[id].x, y: byId[id].y } : contained[id];
    });
    return out;
  }
  function open(id) { if (network.isCluster(id)) network.openCluster(id, { releaseFunction: release }); }
  var refresh = true;
  function fold(i, whole) {
    var c = ov.communities[i], member = {};
    c.members.forEach(function (id) { if (whole || !byId[id].top) member[id] = true; });
    var count = Object.keys(member).length;
    if (count < 2) return false;
    var id = whole ? allId(i) : restId(i);
    network.cluster({
      joinCondition: function (node) { return member[node.id] === true; },
      clusterNodeProperties: {
        id: id, x: c.x, y: c.y, shape: "dot", size: Math.min(70, 14 + 3 * Math.sqrt(count)),
        label: whole ? c.name + " (" + count + ")" : "+" + count + " more",
        title: (whole ? c.name : count + " more in " + c.name) + "\n(click to unfold)",
        color: { background: c.color, border: "#3e4c59" }, borderWidth: 2,
        font: { size: whole ? 30 : 18, strokeWidth: 4, strokeColor: "#ffffff" },
      },
    }, refresh);
    return true;
  }
  function mark(i, s) {
    state[i] = s;
    var b = legend.querySelector('[data-community="' + i + '"]');
    b.dataset.state = s;
    b.classList.toggle("kg-folded", s === "folded");
  }
  function unfold(i) { open(allId(i)); open(restId(i)); mark(i, "open"); }
  function toggle(i) {
    if (state[i] === "folded") { unfold(i); return; }
    open(restId(i));
    if (fold(i, true)) mark(i, "folded");
  }
  function unfoldAll() { ov.communities.forEach(function (c, i) { if (state[i] !== "open") unfold(i); }); }
  network.on("click", function (p) {
    if (!p.nodes.length || !network.isCluster(p.nodes[0])) return;
    var id = p.nodes[0], i = Number(id.split("-").pop());
    if (id === allId(i)) { open(id); fold(i, false) ? mark(i, "overview") : mark(i, "open"); }
    else { open(id); mark(i, "open"); }
  });
  kg.hooks.filter.push(function (active) { if (active) unfoldAll(); });
  kg.hooks.focus.push(function (id) {
    var path = network.findNode(id);
    while (path.length > 1) {
      var top = path[0], i = Number(String(top).split("-").pop());
      open(top);
      mark(i, "open");
      path = network.findNode(id);
    }
  });
  refresh = false; // one refresh for all the first folds
  ov.communities.forEach(function (c, i) { mark(i, fold(i, false) ? "overview" : "open"); });
  refresh = true;
  network.body.emitter.emit("_dataChanged");
  network.fit({ nodes: network.body.nodeIndices.slice() });
  timings.overview = performance.now() - timings.start;
  kg.overview = { state: state, toggle: toggle, unfold: unfold, unfoldAll: unfoldAll, fold: fold };
})();
