// kg serve's query page: editor, named-query examples, result table with entity links and evidence, graph view.
// Everything from the server reaches the page through textContent (never innerHTML).
(function () {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const editor = $("kg-editor"), results = $("kg-results"), status = $("kg-status"), errorBox = $("kg-error");
  const evidence = $("kg-evidence");
  const state = { info: null, lastKind: null, lastQuery: "", offset: 0, more: false, pageSize: null };
  window.kgPage = state;

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "text") node.textContent = v; else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v);
    }
    for (const child of children) if (child != null) node.append(child);
    return node;
  }

  function compact(iri) {
    for (const [prefix, ns] of Object.entries(state.info ? state.info.prefixes : {})) {
      if (iri.startsWith(ns) && iri.length > ns.length) return prefix + ":" + iri.slice(ns.length);
    }
    return iri;
  }

  function entityHref(iri) {
    const ns = state.info ? state.info.id_namespace : null;
    if (ns && iri.startsWith(ns) && iri.length > ns.length) {
      return "entity/" + iri.slice(ns.length).split("/").map(encodeURIComponent).join("/");
    }
    return "entity?iri=" + encodeURIComponent(iri);
  }

  function prologue() {
    return Object.entries(state.info.prefixes).map(([p, ns]) => `PREFIX ${p}: <${ns}>`).join("\n");
  }

  // ------------------------------------------------------------ results

  function termCell(term) {
    const td = el("td");
    if (!term) return td;
    if (term.type === "uri") {
      td.append(el("a", { href: entityHref(term.value), title: term.value, text: compact(term.value) }));
      td.append(el("button", { type: "button", class: "kg-info", title: "facts and evidence", text: "i",
        onclick: () => showEvidence(term.value) }));
    } else if (term.type === "bnode") {
      td.textContent = "_:" + term.value;
    } else {
      td.textContent = term.value;
      if (term["xml:lang"]) td.title = "@" + term["xml:lang"];
      else if (term.datatype) td.title = compact(term.datatype);
    }
    return td;
  }

  function table(vars, rows) {
    const head = el("tr", {}, ...vars.map((v) => el("th", { text: v })));
    const body = el("tbody", {}, ...rows.map((row) => el("tr", {}, ...vars.map((v) => termCell(row[v])))));
    return el("table", { class: "kg-results", id: "kg-table" }, el("thead", {}, head), body);
  }

  function unescapeNt(text) {
    return text.replace(/\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)/g, (_, e) => {
      if (e[0] === "u" || e[0] === "U") return String.fromCodePoint(parseInt(e.slice(1), 16));
      return { t: "\t", n: "\n", r: "\r", b: "\b", f: "\f" }[e] || e;
    });
  }

  function ntTerm(text) {
    if (text.startsWith("<")) return { type: "uri", value: text.slice(1, -1) };
    if (text.startsWith("_:")) return { type: "bnode", value: text.slice(2) };
    const m = text.match(/^"((?:[^"\\]|\\.)*)"(?:@([\w-]+)|\^\^<([^>]*)>)?$/);
    if (!m) return { type: "literal", value: text };
    const term = { type: "literal", value: unescapeNt(m[1]) };
    if (m[2]) term["xml:lang"] = m[2];
    if (m[3]) term.datatype = m[3];
    return term;
  }

  function parseNTriples(text) {
    const rows = [];
    const line = /^(<[^>]*>|_:\S+)\s+(<[^>]*>)\s+(.+?)\s*\.\s*$/;
    for (const raw of text.split("\n")) {
      const m = raw.match(line);
      if (m) rows.push({ subject: ntTerm(m[1]), predicate: ntTerm(m[2]), object: ntTerm(m[3]) });
    }
    return rows;
  }

  function showError(body) {
    errorBox.hidden = false;
    let text = body.message || String(body);
    if (body.line) text += `\n(line ${body.line}, column ${body.column})`;
    errorBox.textContent = text;
    if (body.line && body.column) {  // put the cursor where the parser stopped
      const lines = editor.value.split("\n");
      let at = 0;
      for (let i = 0; i < body.line - 1 && i < lines.length; i++) at += lines[i].length + 1;
      editor.focus();
      editor.setSelectionRange(at + body.column - 1, at + body.column);
    }
  }

  // Runs the editor's query (a new run starts at the first page), or the last query again from
  // `offset` (Previous / Next): the server cuts the page (kg's limit / offset parameters).
  async function run(offset) {
    const paging = typeof offset === "number";
    const query = paging ? state.lastQuery : editor.value;
    offset = paging ? offset : 0;
    const size = parseInt($("kg-page-size").value, 10) || null;
    errorBox.hidden = true;
    status.textContent = "running…";
    const started = performance.now();
    const page = new URLSearchParams();
    if (size) page.set("limit", size);
    if (offset) page.set("offset", offset);
    const response = await fetch("sparql" + (page.toString() ? "?" + page : ""), {
      method: "POST",
      headers: { "Content-Type": "application/sparql-query",
        Accept: "application/sparql-results+json, application/n-triples;q=0.9" },
      body: query,
    });
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    results.replaceChildren();
    state.offset = offset;
    state.more = false;
    pagerState();
    if (!response.ok) {
      status.textContent = `error ${response.status} after ${seconds} s`;
      let body;
      try { body = await response.json(); } catch (e) { body = { message: await response.text() }; }
      showError(body);
      return;
    }
    state.lastQuery = query;
    state.more = response.headers.get("X-KG-Truncated") === "true";
    state.pageSize = size;
    const cap = response.headers.get("X-KG-Row-Cap");
    const note = cap ? ` (cut at the server's cap of ${cap} rows)` : "";
    const count = (n, word) => {
      if (!offset && !state.more) return `${n} ${word}${n === 1 ? "" : "s"}`;
      const shown = n ? `${word}s ${offset + 1}–${offset + n}` : `no ${word}s after ${word} ${offset}`;
      return shown + (state.more ? " (more follow)" : "");
    };
    pagerState();
    if ((response.headers.get("Content-Type") || "").startsWith("application/n-triples")) {
      const rows = parseNTriples(await response.text());
      state.lastKind = "graph";
      results.append(table(["subject", "predicate", "object"], rows));
      status.textContent = `${count(rows.length, "triple")} in ${seconds} s${note} — "Draw as graph" shows them`;
      return;
    }
    const body = await response.json();
    if ("boolean" in body) {
      state.lastKind = "ask";
      results.append(el("p", { class: "kg-ask", id: "kg-ask", text: String(body.boolean) }));
      status.textContent = `ASK in ${seconds} s`;
      return;
    }
    state.lastKind = "select";
    const rows = body.results.bindings;
    results.append(table(body.head.vars, rows));
    status.textContent = `${count(rows.length, "row")} in ${seconds} s${note}`;
  }

  function pagerState() {
    $("kg-prev").disabled = !state.offset;
    $("kg-next").disabled = !(state.more && state.pageSize);
  }

  // ------------------------------------------------------------ evidence panel

  async function showEvidence(iri) {
    evidence.hidden = false;
    evidence.replaceChildren(el("p", { text: "loading…" }));
    const response = await fetch(entityHref(iri) + (entityHref(iri).includes("?") ? "&" : "?") + "format=json");
    const body = await response.json();
    evidence.replaceChildren();
    const close = el("button", { type: "button", text: "×", title: "close", onclick: () => { evidence.hidden = true; } });
    if (!response.ok) { evidence.append(close, el("p", { class: "kg-error", text: body.message })); return; }
    evidence.append(close, el("h3", {}, el("a", { href: entityHref(iri), text: body.name })));
    evidence.append(el("p", { class: "kg-iri", text: body.types.map(compact).join(", ") }));
    if (!body.facts.length) evidence.append(el("p", { text: "No facts with evidence." }));
    for (const fact of body.facts) {
      const ev = fact.evidence;
      const who = (id, name) => name || compact(id);
      const obj = fact.object.type === "uri" ? who(fact.object.value, fact.object.name) : fact.object.value;
      const where = (ev.doc_name || compact(ev.doc || "")) + (ev.start != null ? `, characters ${ev.start}–${ev.end}` : "");
      evidence.append(el("div", { class: "kg-fact" },
        el("strong", { text: fact.kind }), " ",
        el("span", { text: `${who(fact.subject, fact.subject_name)} — ${compact(fact.predicate)} — ${obj}` }),
        el("q", { class: "kg-sentence", text: ev.sentence }),
        el("small", { text: where })));
    }
  }

  // ------------------------------------------------------------ graph view

  function draw() {
    const pane = $("kg-graph-pane");
    pane.hidden = false;
    const form = $("kg-viz-form");
    form.elements.query.value = editor.value;
    form.submit();
    pane.scrollIntoView({ block: "nearest" });
  }

  // ------------------------------------------------------------ set up

  function loadExample(name) {
    const q = state.info.queries.find((x) => x.name === name);
    if (!q) return;
    editor.value = q.sparql;
    const params = q.params.map((p) => `${p.name} = ${p.default}`).join(", ");
    $("kg-example-info").textContent = q.description + (params ? ` Parameters (edit the VALUES lines): ${params}.` : "");
  }

  async function init() {
    const response = await fetch("api/info");
    state.info = await response.json();
    $("kg-backend").textContent = `${state.info.backend}; time limit ${state.info.timeout} s, row cap ${state.info.max_rows}`;
    const select = $("kg-examples");
    for (const q of state.info.queries) select.append(el("option", { value: q.name, text: q.name, title: q.description }));
    select.addEventListener("change", () => loadExample(select.value));
    const fromUrl = new URLSearchParams(location.search).get("query");
    editor.value = fromUrl || prologue() + "\n\nSELECT ?person ?name WHERE {\n  ?person a schema:Person ; schema:name ?name .\n}\nORDER BY ?name\nLIMIT 100\n";
    $("kg-run").addEventListener("click", () => run());
    $("kg-prev").addEventListener("click", () => run(Math.max(0, state.offset - state.pageSize)));
    $("kg-next").addEventListener("click", () => run(state.offset + state.pageSize));
    $("kg-draw").addEventListener("click", draw);
    $("kg-graph-close").addEventListener("click", () => { $("kg-graph-pane").hidden = true; });
    $("kg-download").addEventListener("change", (event) => {
      const fmt = event.target.value;
      event.target.value = "";
      if (fmt) window.open("sparql?" + new URLSearchParams({ query: editor.value, format: fmt }), "_blank");
    });
    editor.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); run(); }
    });
    state.ready = true;
    if (fromUrl) run();
  }

  init().catch((e) => showError({ message: "cannot reach the server: " + e }));
})();
