/* kg pages: what every view shares. Links to the entity pages of kg serve when the page is served
 * by it (http or https), so that a view opened from disk makes no request. */
window.kgCommon = (function () {
  "use strict";
  var ID = "https://w3id.org/kg/id/";
  var served = /^https?:$/.test(location.protocol);
  function entityUrl(iri) {
    if (iri.indexOf(ID) === 0) return "entity/" + iri.slice(ID.length).split("/").map(encodeURIComponent).join("/");
    return "entity?iri=" + encodeURIComponent(iri);
  }
  function entityLink(iri, text) {
    var a = document.createElement("a");
    a.className = "kg-entity-link";
    a.href = entityUrl(iri);
    a.textContent = text || "entity page";
    a.title = iri;
    return a;
  }
  /* an element with a class and text (text from documents always goes in as textContent) */
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  /* the kg serve page of another view, or the file written beside this one */
  function viewUrl(name, file) { return served ? "viz?view=" + encodeURIComponent(name) : file; }
  return { served: served, el: el, entityUrl: entityUrl, entityLink: entityLink, viewUrl: viewUrl };
})();
