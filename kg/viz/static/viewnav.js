/* kg view pages: the navigation between the views (when written side by side, or served by kg serve). */
window.kgNav = function (data) {
  "use strict";
  var common = window.kgCommon, nav = document.getElementById("kg-views");
  if (!(data.links || common.served)) return;
  nav.hidden = false;
  nav.appendChild(document.createTextNode("Views: "));
  [["graph", "graph"], ["meetings", "who met whom"], ["roster", "rosters"], ["initiatives", "initiative map"]]
    .forEach(function (v) {
      var a = document.createElement("a");
      a.textContent = v[1];
      a.href = common.viewUrl(v[0], data.links && data.links[v[0]]);
      nav.appendChild(a);
    });
};
