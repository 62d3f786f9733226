// The SPARQL editor: YASGUI on /sparql, with the competency queries one click away.
(function () {
  "use strict";
  var el = document.getElementById("yasgui");
  var configEl = document.getElementById("query-config");
  if (!el || !configEl || typeof Yasgui !== "function") { return; }
  var config = JSON.parse(configEl.textContent);
  var endpoint = new URL(config.endpoint, window.location.href).href;
  var yasgui = new Yasgui(el, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    persistenceId: null,
    yasqe: { value: config.default }
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
  }
  label();
  yasgui.on("tabChange", label);
  yasgui.on("tabAdd", function () { window.setTimeout(label, 0); });
  // The results (YASR) are redrawn after each query: label their controls too.
  var names = { tableSizer: "Results per page", search: "Filter the results" };
  new MutationObserver(function () {
    label();
    el.querySelectorAll(".yasr select, .yasr input").forEach(function (c) {
      if (c.getAttribute("aria-label") || (c.id && document.querySelector("label[for='" + c.id + "']"))) { return; }
      var key = Object.keys(names).find(function (k) { return c.classList.contains(k); });
      c.setAttribute("aria-label", key ? names[key] : (c.getAttribute("placeholder") || c.name || "Results option"));
    });
  }).observe(el, { childList: true, subtree: true });
  var tab = yasgui.getTab();
  if (tab && !tab.getQuery().trim()) { tab.setQuery(config.default); }

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
