/* kg timeline page: the evidence panel and the row filter. Text goes in with textContent only. */
(function () {
  "use strict";
  var items = JSON.parse(document.getElementById("tl-data").textContent);
  var panel = document.getElementById("tl-panel");
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function show(indexes, node) {
    document.querySelectorAll(".tl-selected").forEach(function (n) { n.classList.remove("tl-selected"); });
    if (node) node.classList.add("tl-selected");
    while (panel.firstChild) panel.removeChild(panel.firstChild);
    panel.hidden = false;
    var close = el("button", "tl-close", "×");
    close.type = "button";
    close.title = "close";
    close.addEventListener("click", function () {
      panel.hidden = true;
      document.querySelectorAll(".tl-selected").forEach(function (n) { n.classList.remove("tl-selected"); });
    });
    panel.appendChild(close);
    var first = items[indexes[0]];
    panel.dataset.shows = indexes.join(" ");
    panel.appendChild(el("h2", null, first.person + " — " + first.thing));
    indexes.forEach(function (i) {
      var item = items[i];
      panel.appendChild(el("p", "tl-meta", item.relation + " · " + (item.date || item.date_text)));
      if (!item.evidence.length) panel.appendChild(el("p", "tl-meta", "(no sentence recorded)"));
      item.evidence.forEach(function (ev) {
        var fig = el("figure", "tl-ev");
        fig.appendChild(el("blockquote", null, ev.sentence || "(no sentence recorded)"));
        var parts = [ev.doc || "unknown document", ev.date || "undated", ev.fact];
        if (ev.confidence !== null && ev.confidence !== undefined) parts.push("confidence " + ev.confidence);
        fig.appendChild(el("figcaption", null, parts.join(" · ")));
        panel.appendChild(fig);
      });
    });
  }
  document.querySelectorAll(".tl-item").forEach(function (node) {
    var indexes = node.getAttribute("data-items").split(" ").map(Number);
    node.addEventListener("click", function () { show(indexes, node); });
    node.addEventListener("keydown", function (ev) { if (ev.key === "Enter") show(indexes, node); });
  });
  var filter = document.getElementById("tl-filter");
  var kinds = { holding: document.getElementById("tl-show-holding"), meeting: document.getElementById("tl-show-meeting") };
  function apply() {
    var q = filter.value.trim().toLowerCase();
    document.querySelectorAll(".tl-row[data-search]").forEach(function (row) {
      row.hidden = q !== "" && row.getAttribute("data-search").indexOf(q) < 0;
    });
    document.querySelectorAll(".tl-item").forEach(function (node) {
      var kind = items[Number(node.getAttribute("data-items").split(" ")[0])].kind;
      node.hidden = !kinds[kind].checked;
    });
  }
  filter.addEventListener("input", apply);
  kinds.holding.addEventListener("change", apply);
  kinds.meeting.addEventListener("change", apply);
  window.kgTimeline = { items: items, show: show, apply: apply };
})();
