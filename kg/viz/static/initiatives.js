/* kg initiative map (kg/viz/initiative_map.py): for the chosen initiative (or all), a heat table of
 * regions by period, a cell counting the documents that report a promotion there and then; click a
 * cell for the sentences. Text from documents goes in with textContent. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var common = window.kgCommon;
  function $(id) { return document.getElementById(id); }
  var el = common.el;
  $("kg-summary").textContent = data.summary;
  window.kgNav(data);
  var pick = el("select"); pick.id = "kg-initiative";
  var all = el("option", null, "All initiatives"); all.value = "all"; pick.appendChild(all);
  data.initiatives.forEach(function (it, i) {
    var o = el("option", null, it.name + " (" + it.docs + ")"); o.value = i; pick.appendChild(o);
  });
  var label = el("label", null, "Initiative "); label.appendChild(pick);
  $("kg-toolbar").appendChild(label);
  var main = $("kg-main");
  main.className = "kg-tables";
  var box = el("div", "kg-table-wrap"), panel = el("aside"); panel.id = "kg-panel";
  main.appendChild(box); main.appendChild(panel);

  function cellsOf(choice) {
    if (choice !== "all") return data.initiatives[Number(choice)].cells;
    var merged = {};
    data.initiatives.forEach(function (it) {
      Object.keys(it.cells).forEach(function (r) {
        var row = (merged[r] = merged[r] || {});
        Object.keys(it.cells[r]).forEach(function (p) {
          row[p] = (row[p] || []).concat(it.cells[r][p].map(function (x) { return Object.assign({ initiative: it.name }, x); }));
        });
      });
    });
    return merged;
  }
  function docs(items) { var s = {}; items.forEach(function (x) { s[x.doc] = true; }); return Object.keys(s).length; }
  function showCell(region, period, items, td) {
    Array.prototype.forEach.call(box.querySelectorAll("td.kg-selected"), function (c) { c.classList.remove("kg-selected"); });
    td.classList.add("kg-selected");
    while (panel.firstChild) panel.removeChild(panel.firstChild);
    panel.dataset.cell = region + "|" + period;
    panel.appendChild(el("h2", null, region + " · " + period));
    panel.appendChild(el("p", "kg-meta", docs(items) + " document" + (docs(items) === 1 ? "" : "s")));
    items.forEach(function (x) {
      var fig = el("figure", "kg-ev");
      fig.appendChild(el("blockquote", null, x.sentence || "(no sentence recorded)"));
      fig.appendChild(el("figcaption", null, [x.initiative, x.promoter + " promotes", x.doc, x.date || "undated"]
        .filter(Boolean).join(" · ")));
      panel.appendChild(fig);
    });
  }
  function draw() {
    var choice = pick.value, cells = cellsOf(choice);
    while (box.firstChild) box.removeChild(box.firstChild);
    while (panel.firstChild) panel.removeChild(panel.firstChild);
    panel.appendChild(el("p", "kg-hint", "Click a cell for the sentences that report the promotion."));
    var title = choice === "all" ? "All initiatives" : data.initiatives[Number(choice)].name;
    box.appendChild(el("h2", null, title));
    if (choice !== "all" && common.served) box.appendChild(common.entityLink(data.initiatives[Number(choice)].id, "entity page"));
    var regions = Object.keys(cells).map(function (r) {
      var total = 0; Object.keys(cells[r]).forEach(function (p) { total += docs(cells[r][p]); });
      return [r, total];
    }).sort(function (a, b) { return b[1] - a[1] || (a[0] < b[0] ? -1 : 1); });
    var max = 1;
    regions.forEach(function (r) { Object.keys(cells[r[0]]).forEach(function (p) { max = Math.max(max, docs(cells[r[0]][p])); }); });
    var t = el("table", "kg-table kg-heat"); t.id = "kg-heat";
    var head = el("tr");
    head.appendChild(el("th", null, "Region"));
    data.periods.forEach(function (p) { head.appendChild(el("th", null, p)); });
    head.appendChild(el("th", null, "Documents"));
    t.appendChild(head);
    regions.forEach(function (r) {
      var tr = el("tr");
      tr.appendChild(el("th", null, r[0]));
      data.periods.forEach(function (p) {
        var items = cells[r[0]][p] || [], n = docs(items);
        var td = el("td", "kg-cell", n ? n : "");
        td.dataset.region = r[0]; td.dataset.period = p;
        if (n) {
          var a = 0.15 + 0.85 * n / max;
          td.style.background = "rgba(0, 114, 178, " + a.toFixed(2) + ")";
          td.style.color = a > 0.55 ? "#fff" : "#1f2933";
          td.title = r[0] + ", " + p + ": " + n + " document" + (n === 1 ? "" : "s");
          td.addEventListener("click", function () { showCell(r[0], p, items, td); });
        }
        tr.appendChild(td);
      });
      tr.appendChild(el("td", "kg-num", r[1]));
      t.appendChild(tr);
    });
    box.appendChild(t);
  }
  pick.addEventListener("change", draw);
  if (data.initiatives.length) draw(); else box.appendChild(el("p", "kg-hint", "No initiative is promoted in this graph."));
  window.kg = { data: data, draw: draw };
})();
