/* kg roster page (kg/viz/roster.py, rows of the named query "roster"): for the chosen organization,
 * who held which post as of the chosen date, and every appointment, holding and resignation in date
 * order with its sentence. Text from documents goes in with textContent. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var common = window.kgCommon;
  function $(id) { return document.getElementById(id); }
  var el = common.el;
  var C = {};
  data.columns.forEach(function (c, i) { C[c] = i; });
  $("kg-summary").textContent = data.summary;
  window.kgNav(data);
  var toolbar = $("kg-toolbar");
  var pick = el("select"); pick.id = "kg-org";
  data.orgs.forEach(function (o, i) {
    var opt = el("option", null, o.name + " (" + o.rows.length + ")"); opt.value = i; pick.appendChild(opt);
  });
  var date = el("input"); date.type = "date"; date.id = "kg-as-of";
  if (data.dateRange) date.value = data.dateRange[1];
  var l1 = el("label", null, "Organization "); l1.appendChild(pick);
  var l2 = el("label", null, "as of "); l2.appendChild(date);
  toolbar.appendChild(l1); toolbar.appendChild(l2);
  var main = $("kg-main");
  main.className = "kg-tables";
  var box = el("div", "kg-table-wrap");
  main.appendChild(box);

  function holders(rows, d) {
    var groups = {}, out = [];
    rows.forEach(function (r) { var k = r[C.post] + " " + r[C.person]; (groups[k] = groups[k] || []).push(r); });
    Object.keys(groups).forEach(function (k) {
      var g = groups[k];
      var holds = g.filter(function (r) { return (r[C.status] === "holds" || r[C.status] === "appointed") && r[C.since] <= d; });
      if (!holds.length) return;
      var last = holds.map(function (r) { return r[C.latest] <= d ? r[C.latest] : r[C.since]; }).sort().pop();
      var left = g.some(function (r) {
        return (r[C.status] === "resigned" || r[C.status] === "formerly held") &&
          [r[C.since], r[C.latest]].some(function (x) { return last < x && x <= d; });
      });
      if (!left) out.push(holds[0].concat([holds.map(function (r) { return r[C.since]; }).sort()[0], last]));
    });
    return out.sort(function (a, b) {
      return a[C.title] < b[C.title] ? -1 : a[C.title] > b[C.title] ? 1 : a[a.length - 2] < b[b.length - 2] ? -1 : 1;
    });
  }
  function person(r) {
    var td = el("td", null, r[C.name]);
    if (common.served) { td.appendChild(document.createTextNode(" ")); td.appendChild(common.entityLink(r[C.person])); }
    return td;
  }
  function table(id, heads) {
    var t = el("table", "kg-table"); t.id = id;
    var tr = el("tr");
    heads.forEach(function (h) { tr.appendChild(el("th", null, h)); });
    t.appendChild(tr);
    return t;
  }
  function draw() {
    var org = data.orgs[Number(pick.value)], d = date.value || "9999-12-31";
    while (box.firstChild) box.removeChild(box.firstChild);
    box.appendChild(el("h2", null, org.name));
    var held = holders(org.rows, d);
    box.appendChild(el("h3", null, "Who held which post as of " + d + " (" + held.length + ")"));
    var t1 = table("kg-holders", ["Post", "Holder", "First stated", "Last stated by then", "Sentence"]);
    held.forEach(function (r) {
      var tr = el("tr");
      tr.appendChild(el("td", null, r[C.title]));
      tr.appendChild(person(r));
      tr.appendChild(el("td", null, r[r.length - 2]));
      tr.appendChild(el("td", null, r[r.length - 1]));
      tr.appendChild(el("td", null, r[C.sentence] + " — " + r[C.doc]));
      t1.appendChild(tr);
    });
    if (!held.length) t1.appendChild(el("tr")).appendChild(el("td", null, "Nobody is stated to hold a post by then."));
    box.appendChild(t1);
    var rows = org.rows.filter(function (r) { return r[C.since] <= d; });
    box.appendChild(el("h3", null, "Appointments, holdings and resignations in order, up to " + d + " (" + rows.length + ")"));
    var t2 = table("kg-events", ["Date", "Post", "Person", "Statement", "Documents", "Sentence"]);
    rows.forEach(function (r) {
      var tr = el("tr", "kg-event");
      tr.dataset.status = r[C.status];
      tr.appendChild(el("td", null, r[C.since] + (r[C.latest] !== r[C.since] ? " … " + r[C.latest] : "")));
      tr.appendChild(el("td", null, r[C.title]));
      tr.appendChild(person(r));
      tr.appendChild(el("td", "kg-status-" + r[C.status].split(" ")[0], r[C.status]));
      tr.appendChild(el("td", "kg-num", r[C.docs]));
      tr.appendChild(el("td", null, r[C.sentence] + " — " + r[C.doc]));
      t2.appendChild(tr);
    });
    box.appendChild(t2);
  }
  function fromHash() {
    var m = /^#org=(.+)$/.exec(location.hash);
    if (!m) return;
    var name = decodeURIComponent(m[1]);
    data.orgs.forEach(function (o, i) { if (o.name === name) pick.value = i; });
  }
  pick.addEventListener("change", draw);
  date.addEventListener("change", draw);
  window.addEventListener("hashchange", function () { fromHash(); draw(); });
  fromHash();
  if (data.orgs.length) draw(); else box.appendChild(el("p", "kg-hint", "No post holder is stated in this graph."));
  window.kg = { data: data, draw: draw, holders: holders };
})();
