/* kg who-met-whom page: people linked by the meetings they shared (kg/viz/meetings.py), a network
 * (edge width = shared meetings, tooltip = the meetings with dates and the sentences), the list of
 * pairs (filter by name) and a panel with the evidence. Text from documents goes in with textContent. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var timings = (window.kgTimings = { start: performance.now() });
  var common = window.kgCommon;
  function $(id) { return document.getElementById(id); }
  var el = common.el;
  var byId = {};
  data.people.forEach(function (p) { byId[p.id] = p; });
  function meetingLine(i) {
    var m = data.meetings[i];
    return (m.date || "undated") + " · " + m.name + (m.regions.length ? " · " + m.regions.join(", ") : "");
  }
  function pairTitle(p) {
    var lines = [byId[p.a].name + " — " + byId[p.b].name + ": " + p.meetings.length + " shared meeting" +
                 (p.meetings.length === 1 ? "" : "s")];
    p.meetings.slice(0, 8).forEach(function (i) {
      lines.push("• " + meetingLine(i));
      [p.a, p.b].forEach(function (who) {
        var ev = data.meetings[i].parts[who].evidence[0];
        if (ev) lines.push("   “" + ev.sentence + "” — " + ev.doc);
      });
    });
    if (p.meetings.length > 8) lines.push("(+" + (p.meetings.length - 8) + " more: click the edge)");
    return lines.join("\n");
  }

  $("kg-summary").textContent = data.summary;
  window.kgNav(data);
  var toolbar = $("kg-toolbar");
  var filter = el("input");
  filter.type = "search"; filter.id = "kg-filter"; filter.placeholder = "Filter by name…";
  toolbar.appendChild(filter);
  var status = el("span"); status.id = "kg-status";
  toolbar.appendChild(status);

  var main = $("kg-main");
  var graphBox = el("div"); graphBox.id = "kg-graph";
  var side = el("aside"); side.id = "kg-panel";
  main.appendChild(graphBox);
  main.appendChild(side);
  var tableBox = el("div", "kg-pairs");
  var panel = el("div"); panel.id = "kg-pair-panel";
  side.appendChild(el("h3", null, "Pairs, by shared meetings"));
  side.appendChild(tableBox);
  side.appendChild(panel);

  // ------------------------------------------------------------ the network
  var max = data.pairs.length ? data.pairs[0].meetings.length : 1;
  var nodes = new vis.DataSet(data.people.map(function (p) {
    return { id: p.id, x: p.x, y: p.y, label: p.name, shape: "dot", size: 8 + 3 * Math.sqrt(p.meetings),
             title: p.name + "\n" + p.meetings + " meetings, met " + p.partners + " people",
             font: { size: p.top ? 26 : 12 }, color: { background: "#d55e00", border: "#7f3800" } };
  }));
  var edges = new vis.DataSet(data.pairs.map(function (p, i) {
    return { id: "p" + i, from: p.a, to: p.b, width: 1 + 6 * (p.meetings.length - 1) / Math.max(1, max - 1),
             title: pairTitle(p), color: { color: "#7b8794", opacity: 0.5 } };
  }));
  var network = new vis.Network(graphBox, { nodes: nodes, edges: edges }, {
    physics: { enabled: false }, layout: { improvedLayout: false },
    nodes: { font: { strokeWidth: 3, strokeColor: "#ffffff" }, scaling: { label: { drawThreshold: 3 } } },
    edges: { smooth: false },
    interaction: { hover: true, tooltipDelay: 150, hideEdgesOnDrag: data.pairs.length > 400 },
  });
  network.once("afterDrawing", function () { timings.firstDraw = performance.now() - timings.start; });

  // ------------------------------------------------------------ the list of pairs and the panel
  var rows = [];
  var table = el("table", "kg-table");
  var head = el("tr");
  ["Person", "Person", "Shared", "Meetings"].forEach(function (t) { head.appendChild(el("th", null, t)); });
  table.appendChild(head);
  data.pairs.forEach(function (p, i) {
    var tr = el("tr", "kg-pair");
    tr.dataset.pair = i;
    tr.appendChild(el("td", null, byId[p.a].name));
    tr.appendChild(el("td", null, byId[p.b].name));
    tr.appendChild(el("td", "kg-num", p.meetings.length));
    tr.appendChild(el("td", null, p.meetings.slice(0, 3).map(function (m) { return data.meetings[m].date || "undated"; })
      .join(", ") + (p.meetings.length > 3 ? ", …" : "")));
    tr.addEventListener("click", function () { showPair(i); });
    table.appendChild(tr);
    rows.push(tr);
  });
  tableBox.appendChild(table);

  function evidenceItem(ev) {
    var fig = el("figure", "kg-ev");
    fig.appendChild(el("blockquote", null, ev.sentence || "(no sentence recorded)"));
    fig.appendChild(el("figcaption", null, (ev.doc || "unknown document") + " · " + (ev.date || "undated")));
    return fig;
  }
  function personLine(id) {
    var p = el("p", "kg-meta");
    p.appendChild(el("strong", null, byId[id].name));
    if (common.served) { p.appendChild(document.createTextNode(" ")); p.appendChild(common.entityLink(id)); }
    return p;
  }
  function showPair(i) {
    var p = data.pairs[i];
    rows.forEach(function (r) { r.classList.toggle("kg-selected", Number(r.dataset.pair) === i); });
    while (panel.firstChild) panel.removeChild(panel.firstChild);
    panel.dataset.pair = i;
    panel.appendChild(el("h2", null, byId[p.a].name + " — " + byId[p.b].name));
    panel.appendChild(el("p", "kg-meta", p.meetings.length + " shared meeting" + (p.meetings.length === 1 ? "" : "s")));
    p.meetings.forEach(function (m) {
      var meeting = data.meetings[m];
      var h = el("h3", null, meetingLine(m));
      if (common.served) { h.appendChild(document.createTextNode(" ")); h.appendChild(common.entityLink(meeting.id)); }
      panel.appendChild(h);
      [p.a, p.b].forEach(function (who) {
        var part = meeting.parts[who];
        var line = personLine(who);
        line.appendChild(document.createTextNode(" " + part.roles.join(", ")));
        panel.appendChild(line);
        part.evidence.forEach(function (ev) { panel.appendChild(evidenceItem(ev)); });
      });
    });
    network.selectEdges(["p" + i]);
  }
  function applyFilter() {
    var q = filter.value.trim().toLowerCase(), shown = 0;
    data.pairs.forEach(function (p, i) {
      var ok = !q || byId[p.a].name.toLowerCase().indexOf(q) >= 0 || byId[p.b].name.toLowerCase().indexOf(q) >= 0;
      rows[i].hidden = !ok;
      if (ok) shown++;
    });
    status.textContent = "Listing " + shown + " of " + data.pairs.length + " pairs";
  }
  filter.addEventListener("input", applyFilter);
  network.on("click", function (ev) {
    if (ev.nodes.length) { filter.value = byId[ev.nodes[0]].name; applyFilter(); }
    else if (ev.edges.length) showPair(Number(String(ev.edges[0]).slice(1)));
  });
  function fromHash() {
    var m = /^#person=(.+)$/.exec(location.hash);
    if (!m) return;
    var id = decodeURIComponent(m[1]);
    if (!byId[id]) { status.textContent = "This person shared no meeting with anyone in this view."; return; }
    filter.value = byId[id].name;
    applyFilter();
    network.selectNodes([id]);
    network.focus(id, { scale: 1, animation: false });
  }
  applyFilter();
  if (!data.pairs.length) panel.appendChild(el("p", "kg-hint", "No two people shared a meeting in this view."));
  else panel.appendChild(el("p", "kg-hint", "Click a pair or an edge for the meetings and the sentences that state them."));
  window.addEventListener("hashchange", fromHash);
  fromHash();
  timings.ready = performance.now() - timings.start;
  window.kg = { network: network, data: data, showPair: showPair, applyFilter: applyFilter };
})();
