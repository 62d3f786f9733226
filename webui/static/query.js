// The SPARQL editor: YASGUI on /sparql, with the competency queries one click away.
(function () {
  "use strict";
  var el = document.getElementById("yasgui");
  var configEl = document.getElementById("query-config");
  if (!el || !configEl || typeof Yasgui !== "function") { return; }
  var config = JSON.parse(configEl.textContent);
  var endpoint = new URL(config.endpoint, window.location.href).href;

  // An IRI in the results: its prefixed name (by the query's prefixes, then the
  // project's), else the address without its scheme; never in angle brackets. The full
  // IRI is its title (on hover) and the graph's own resources link to their pages here.
  function shortName(iri, prefixes) {
    var best = "";
    Object.keys(prefixes || {}).forEach(function (p) {
      var ns = prefixes[p];
      if (ns && iri.indexOf(ns) === 0 && ns.length > (best ? prefixes[best].length : 0)) { best = p; }
    });
    if (best) { return best + ":" + iri.slice(prefixes[best].length); }
    return iri.replace(/^https?:\/\/(www\.)?/, "");
  }
  function pageFor(iri) {
    var local = (config.local || []).some(function (ns) { return iri.indexOf(ns) === 0; });
    return local ? "/resource?iri=" + encodeURIComponent(iri) : iri;
  }
  var Table = Yasgui.Yasr && Yasgui.Yasr.plugins && Yasgui.Yasr.plugins.table;
  if (Table) {
    // YASR's table renderer, with the link built as DOM (so escaped) and only for http(s)
    Table.prototype.getUriLinkFromBinding = function (binding, prefixes) {
      var iri = String(binding.value);
      var web = /^https?:\/\//.test(iri);
      var node = document.createElement(web ? "a" : "span");
      node.className = "iri";
      node.textContent = shortName(iri, prefixes);
      node.title = iri;
      if (web) { node.href = pageFor(iri); }
      return node.outerHTML;
    };
  }

  var yasgui = new Yasgui(el, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    persistenceId: null,
    yasqe: { value: config.default },
    yasr: { prefixes: config.prefixes || {} }
  });
  // Labels for the controls YASGUI leaves unlabelled.
  function label() {
    el.querySelectorAll(".CodeMirror textarea").forEach(function (t) {
      t.setAttribute("aria-label", "SPARQL query");
    });
    el.querySelectorAll(".CodeMirror-scroll").forEach(function (t) {
      t.setAttribute("tabindex", "0");  // scrollable, so reachable by keyboard
      t.setAttribute("aria-label", "SPARQL query text");
    });
    el.querySelectorAll("input.autocomplete").forEach(function (i) {
      i.setAttribute("aria-label", "SPARQL endpoint");
    });
    // Run and share sit in a bar above the query, not over its text (still inside
    // .yasqe, where YASGUI's own styles for them apply)
    el.querySelectorAll(".CodeMirror > .yasqe_buttons").forEach(function (buttons) {
      var yasqe = buttons.closest(".yasqe");
      buttons.classList.add("app-yasqe-toolbar");
      yasqe.insertBefore(buttons, yasqe.firstChild);
    });
    // The results scroll inside their own box (sideways and down, under a sticky
    // header): a labelled region that the keyboard can reach
    el.querySelectorAll(".yasr_results:not([role])").forEach(function (r) {
      r.setAttribute("role", "region");
      r.setAttribute("aria-label", "Query results");
      r.setAttribute("tabindex", "0");
    });
    // the row-number column's header is empty in YASR: name it for screen readers
    el.querySelectorAll(".yasr_results thead th").forEach(function (th) {
      if (th.textContent.trim()) { return; }
      var name = document.createElement("span");
      name.className = "govuk-visually-hidden";
      name.textContent = "Row";
      th.appendChild(name);
    });
  }
  label();
  yasgui.on("tabChange", label);
  yasgui.on("tabAdd", function () { window.setTimeout(label, 0); });
  // The results (YASR) are redrawn after each query: label their controls too.
  var names = { tableSizer: "Results per page", search: "Filter the results" };
  new MutationObserver(function () {
    label();
    el.querySelectorAll(".yasr select, .yasr input").forEach(function (c) {
      if (c.getAttribute("aria-label") || c.closest("label") || (c.id && document.querySelector("label[for='" + c.id + "']"))) { return; }
      var key = Object.keys(names).find(function (k) { return c.classList.contains(k); });
      c.setAttribute("aria-label", key ? names[key] : (c.getAttribute("placeholder") || c.name || "Results option"));
    });
  }).observe(el, { childList: true, subtree: true });
  var tab = yasgui.getTab();
  if (tab && !tab.getQuery().trim()) { tab.setQuery(config.default); }

  // What the endpoint rewrote before running the query (X-KG-Rewrites,
  // docs/endpoint.md "What is rewritten automatically"), shown under the editor
  var rewrites = document.getElementById("query-rewrites");
  function showRewrites(instance, response) {
    var value = response && response.headers && response.headers.get ? response.headers.get("X-KG-Rewrites") : null;
    if (!rewrites) { return; }
    if (!value) { rewrites.hidden = true; rewrites.textContent = ""; return; }
    rewrites.textContent = value === "none"
      ? "Run as written: no automatic rewrite applied."
      : "Rewritten for speed before it ran, with the same answers: " + value + ".";
    rewrites.hidden = false;
  }
  function watch(current) {
    var yasqe = current && current.getYasqe ? current.getYasqe() : null;
    if (!yasqe || yasqe.kgWatched) { return; }
    yasqe.kgWatched = true;
    yasqe.on("queryResponse", showRewrites);
  }
  watch(yasgui.getTab());
  yasgui.on("tabChange", function (y, id) { watch(yasgui.getTab(id)); });
  yasgui.on("query", function (y, current) { watch(current); });

  document.querySelectorAll(".app-example").forEach(function (button) {
    button.addEventListener("click", function () {
      var ex = config.examples[Number(button.getAttribute("data-example"))];
      var current = yasgui.getTab();
      current.setQuery(ex.text);
      current.setName(ex.name);
      var yasqe = current.getYasqe();
      if (yasqe) { yasqe.focus(); }
    });
  });
  window.kgYasgui = yasgui;
})();
