// The duty diagram (/diagram): Cytoscape.js with the ELK layered layout (cytoscape-elk),
// from the JSON embedded in the page. Parties are drawn in layers by their place in the
// arrangements (the server's "band"); one arrow per party and party it owes something
// to ("pairs"), expandable into one arrow per duty or role. Selecting a party, in the
// drawing or from the keyboard list, highlights its arrows and lists its duties in a
// panel; it never leaves the page. No inline script or style (Content-Security-Policy).
(function () {
  "use strict";
  var source = document.getElementById("diagram-data");
  var container = document.getElementById("diagram");
  if (!source || !container || typeof cytoscape !== "function") { return; }
  var data = JSON.parse(source.textContent);

  var FONT = 16;          // label size in model px
  var MIN_LABEL_PX = 12;  // the smallest label on screen we open at
  var NODE_W = 170;
  var NODE_H = 58;        // three lines of 16 px
  var GAP = 16;
  var PAD = 12;
  var LEGIBLE = MIN_LABEL_PX / FONT;
  var MAX_DRAWN = 150;    // parties drawn without asking
  var TAGS = { must: "govuk-tag--red", should: "govuk-tag--orange", may: "", will: "govuk-tag--green",
               objective: "govuk-tag--purple", role: "govuk-tag--grey" };
  var asAt = new URLSearchParams(window.location.search).get("as_at");

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) { e.textContent = text; }
    return e;
  }
  function withDate(href) {
    return href + (asAt && href.charAt(0) === "/" ? (href.indexOf("?") < 0 ? "?" : "&") + "as_at=" + encodeURIComponent(asAt) : "");
  }
  // At most three lines of about 19 characters, so a label stays inside its box.
  function wrap(text, width, lines) {
    var out = [], cur = "";
    text.split(/\s+/).forEach(function (w) {
      if (cur && (cur + " " + w).length > width) { out.push(cur); cur = w; } else { cur = cur ? cur + " " + w : w; }
    });
    if (cur) { out.push(cur); }
    if (out.length > lines) { out = out.slice(0, lines); out[lines - 1] = out[lines - 1].slice(0, width - 1) + "…"; }
    return out.map(function (l) { return l.length > width + 2 ? l.slice(0, width) + "…" : l; }).join("\n");
  }

  var bandLabel = {};
  data.bands.forEach(function (b) { bandLabel[b.key] = b.label; });

  var nodes = data.nodes.map(function (n) {
    var d = Object.assign({}, n.data, { short: wrap(n.data.label, 19, 3) });
    return { data: d, classes: "party" };
  });
  var pairs = data.pairs.map(function (p) {
    var d = Object.assign({}, p.data, { countLabel: p.data.count > 1 ? String(p.data.count) : "" });
    return { data: d, classes: "pair" };
  });
  var singles = data.edges.map(function (e) {
    var d = Object.assign({}, e.data, { id: "s-" + e.data.id, row: e.data.id, short: wrap(e.data.label, 30, 1) });
    return { data: d, classes: "single collapsed" };
  });

  var cy = cytoscape({
    container: container,
    elements: { nodes: nodes, edges: pairs.concat(singles) },
    minZoom: 0.05,
    maxZoom: 3,
    boxSelectionEnabled: false,
    autounselectify: true,  // selection is ours (class "chosen"), one party at a time
    style: [
      { selector: "node.party", style: {
        "label": "data(short)", "text-wrap": "wrap", "text-max-width": (NODE_W - 10) + "px",
        "font-size": FONT + "px", "font-family": "arial, sans-serif", "color": "#0b0c0c",
        "text-valign": "center", "text-halign": "center", "line-height": 1.15,
        "shape": "round-rectangle", "width": NODE_W + "px", "height": NODE_H + "px",
        "background-color": "#ffffff", "border-width": 1.5, "border-color": "#505a5f" } },
      { selector: "node[category = 'board']", style: {
        "background-color": "#f3f2f1", "border-width": 3, "border-color": "#0b0c0c" } },
      { selector: "node[category = 'kind']", style: { "border-style": "double", "border-width": 5 } },
      { selector: "node[category = 'role'], node[category = 'group']", style: { "shape": "cut-rectangle" } },
      { selector: "node.band", style: {
        "shape": "rectangle", "background-color": "#f8f8f8", "background-opacity": 1,
        "border-width": 0, "padding": "6px", "events": "no", "z-compound-depth": "bottom",
        "label": "data(label)", "font-size": "16px", "font-family": "arial, sans-serif", "text-wrap": "wrap",
        "font-weight": "bold", "color": "#505a5f", "text-valign": "center", "text-halign": "left",
        "text-rotation": -Math.PI / 2, "text-margin-x": -4 } },
      { selector: "edge", style: {
        "curve-style": "bezier", "control-point-step-size": 40,
        "line-color": "data(colour)", "target-arrow-color": "data(colour)",
        "target-arrow-shape": "triangle", "arrow-scale": 1.3, "width": 1.8,
        "font-family": "arial, sans-serif", "color": "#0b0c0c",
        "text-background-color": "#ffffff", "text-background-opacity": 1,
        "text-background-padding": "2px" } },
      { selector: "edge.pair", style: {
        "label": "data(countLabel)", "font-size": "14px", "font-weight": "bold",
        "width": "mapData(count, 1, 12, 1.8, 5)",
        "text-border-width": 1, "text-border-color": "#0b0c0c", "text-border-opacity": 1 } },
      { selector: "edge.pair[?roles_only]", style: { "line-style": "dashed" } },
      // each duty's words only where asked for: all of them at once are unreadable
      { selector: "edge.single", style: { "font-size": "12px", "text-rotation": "autorotate" } },
      { selector: "edge.single.named, edge.single.highlighted", style: { "label": "data(short)" } },
      { selector: "edge.single[kind = 'role'], edge.single[kind = 'represents'], edge.single[kind = 'post']",
        style: { "line-style": "dashed" } },
      { selector: "edge[?possibly]", style: { "line-style": "dotted" } },
      { selector: ".collapsed", style: { "display": "none" } },
      { selector: ".faded", style: { "opacity": 0.15 } },
      { selector: "edge.highlighted", style: { "z-index": 10, "width": 3.5 } },
      { selector: "edge.pair.highlighted", style: { "width": "mapData(count, 1, 12, 3.5, 7)" } },
      { selector: "node.chosen", style: { "border-width": 5, "border-color": "#0b0c0c" } },
      // the GOV.UK focus style: yellow with a black edge
      { selector: "node.focused", style: {
        "underlay-color": "#ffdd00", "underlay-opacity": 1, "underlay-padding": 8,
        "underlay-shape": "round-rectangle", "border-color": "#0b0c0c", "border-width": 4 } }
    ],
    layout: { name: "null" }
  });

  // ------------------------------------------------------------------------ layout
  // Each layer is split into rows of as many boxes as fit across the drawing at a
  // legible zoom; ELK orders the boxes in each row to cross as few arrows as it can.
  // An arrow between two parties of one layer goes down a row where the layer has rows
  // to spare: a party comes after those that owe it something in its layer (the
  // strategic board above the boards it answers to; a cycle is cut at the party with
  // the most arrows out).
  function rowsOfLayers() {
    var perRow = Math.max(2, Math.floor((cy.width() / LEGIBLE - 2 * PAD + GAP) / (NODE_W + GAP)));
    var rows = [];
    data.bands.forEach(function (band) {
      var members = cy.nodes(".party").filter(function (n) { return n.data("band") === band.key; });
      if (members.empty()) { return; }
      var inBand = members.edgesWith(members).filter(".pair");
      var score = function (n) { return n.outgoers(inBand).length - n.incomers(inBand).length; };
      var key = function (n) {
        return n.neighborhood("node").map(function (m) { return m.id(); }).sort().join(" ");
      };
      // parties with the same neighbours share a row; the busiest sit nearest the boards
      var sign = band.layer < 1 ? 1 : -1;
      var order = members.toArray().sort(function (a, b) {
        return score(b) - score(a) || sign * (a.degree() - b.degree()) ||
          key(a).localeCompare(key(b)) || a.data("label").localeCompare(b.data("label"));
      });
      var at = {};
      order.forEach(function (n, i) { at[n.id()] = i; });
      var placed = {};
      var own = [];
      // but never more rows than the layer needs: a person beside the post they hold
      var most = Math.ceil(order.length / perRow);
      order.forEach(function (n) {
        var row = 0;
        n.incomers(inBand).sources().forEach(function (m) {
          if (at[m.id()] < at[n.id()]) { row = Math.max(row, placed[m.id()] + 1); }
        });
        row = Math.min(row, most - 1);
        while (own[row] && own[row].length >= perRow) { row++; }
        (own[row] = own[row] || []).push(n);
        placed[n.id()] = row;
      });
      own.forEach(function (r) { if (r && r.length) { rows.push(r); } });
    });
    return rows;
  }

  var rowOf = {};
  var started;
  function draw() {
    started = performance.now();
    rowsOfLayers().forEach(function (row, i) { row.forEach(function (n) { rowOf[n.id()] = i; }); });
    // ELK's layers cannot hold an arrow between two boxes of one row: leave those out
    // of the layout (they are still drawn)
    var laidOut = cy.nodes(".party").union(cy.edges(".pair").filter(function (e) {
      return rowOf[e.source().id()] !== rowOf[e.target().id()];
    }));
    laidOut.layout(layoutOptions).one("layoutstop", function () { drawLayers(); initialView(); ready(); }).run();
  }
  var layoutOptions = {
    name: "elk",
    fit: false,
    nodeLayoutOptions: function (n) { return { "elk.partitioning.partition": String(rowOf[n.id()]) }; },
    elk: {
      "algorithm": "layered",
      "elk.direction": "DOWN",
      "elk.partitioning.activate": "true",
      "elk.separateConnectedComponents": "false",
      // cytoscape draws its own arrows: ELK's routes only need to keep the rows apart
      "elk.edgeRouting": "POLYLINE",
      "elk.layered.nodePlacement.strategy": "SIMPLE",
      "elk.spacing.nodeNode": String(GAP),
      "elk.layered.spacing.nodeNodeBetweenLayers": "32",
      "elk.spacing.edgeNode": "2",
      "elk.spacing.edgeEdge": "2",
      "elk.layered.spacing.edgeNodeBetweenLayers": "2",
      "elk.layered.spacing.edgeEdgeBetweenLayers": "2"
    }
  };
  // Hundreds of parties (every area at once) take ELK many seconds and cannot be read
  // anyway: offer to draw them rather than freeze the page; the table lists them all.
  var tooBig = document.getElementById("diagram-too-big");
  var frame = container.parentNode;
  if (cy.nodes(".party").length > MAX_DRAWN && tooBig) {
    tooBig.hidden = false;
    frame.hidden = true;
    document.getElementById("diagram-draw").addEventListener("click", function () {
      tooBig.hidden = true;
      frame.hidden = false;
      cy.resize();
      draw();
    });
  } else {
    draw();
  }

  // A shaded box behind each layer, named on its left: the layers are the meaning.
  function drawLayers() {
    data.bands.forEach(function (band) {
      var members = cy.nodes(".party").filter(function (n) { return n.data("band") === band.key; });
      if (members.empty()) { return; }
      cy.add({ group: "nodes", data: { id: "band-" + band.key, label: band.short }, classes: "band" });
      members.move({ parent: "band-" + band.key });
      // the name runs up the left side: wrapped to the layer's height, not beyond it
      var box = cy.getElementById("band-" + band.key);
      box.style("text-max-width", Math.max(40, box.height() - 4) + "px");
    });
  }

  var hint = document.getElementById("diagram-hint");
  function initialView() {
    cy.fit(cy.elements(":visible"), PAD);
    if (cy.zoom() < LEGIBLE) {
      // too many to read at once: open legible where most arrows meet; "Fit" shows all
      cy.zoom(LEGIBLE);
      cy.center(cy.nodes(".party").max(function (n) { return n.degree(); }).ele);
      container.setAttribute("data-partial", "true");
    } else {
      container.removeAttribute("data-partial");
    }
  }

  // Drawn and laid out: the controls work from now on (tests wait for data-ready).
  function ready() {
    window.kgDiagramTiming = { layoutMs: performance.now() - started, readyMs: performance.now() };
    window.kgDiagram = cy;
    container.setAttribute("data-ready", "true");
    ["diagram-toolbar", "diagram-parties", "diagram-png"].forEach(function (id) {
      var e = document.getElementById(id);
      if (e) { e.hidden = false; }
    });
    if (hint) {
      hint.hidden = false;
      if (container.hasAttribute("data-partial")) {
        hint.textContent += " Only part of the diagram is shown, so that its labels can be read: “Fit to view” shows all of it.";
      }
    }
  }

  // ----------------------------------------------------------------- zoom controls
  function zoomBy(factor) {
    cy.zoom({ level: cy.zoom() * factor, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
  }
  function on(id, fn) {
    var e = document.getElementById(id);
    if (e) { e.addEventListener("click", fn); }
  }
  on("diagram-zoom-in", function () { zoomBy(1.25); });
  on("diagram-zoom-out", function () { zoomBy(0.8); });
  on("diagram-fit", function () { cy.fit(cy.elements(":visible"), PAD); });
  on("diagram-reset", function () { clear(); setExpanded(false); initialView(); });

  // --------------------------------------------------------------- expand, collapse
  var expandButton = document.getElementById("diagram-expand");
  function expandPair(pair, expand, named) {
    var ids = pair.data("edges");
    pair.toggleClass("collapsed", expand);
    cy.edges(".single").filter(function (e) { return ids.indexOf(e.data("row")) >= 0; })
      .toggleClass("collapsed", !expand).toggleClass("named", !!(expand && named));
  }
  function setExpanded(expand) {
    cy.batch(function () { cy.edges(".pair").forEach(function (p) { expandPair(p, expand); }); });
    if (expandButton) { expandButton.setAttribute("aria-pressed", String(expand)); }
    refreshHighlight();
  }
  if (expandButton) {
    expandButton.addEventListener("click", function () {
      setExpanded(expandButton.getAttribute("aria-pressed") !== "true");
    });
  }
  cy.on("tap", "edge.pair", function (evt) { expandPair(evt.target, true, true); refreshHighlight(); });
  cy.on("tap", "edge.single", function (evt) {
    expandPair(cy.getElementById(evt.target.data("pair")), false);
    refreshHighlight();
  });

  // ------------------------------------------------------------------- selection
  var chosen = null;
  var panel = document.getElementById("diagram-panel");
  var panelHeading = document.getElementById("diagram-panel-heading");
  var panelBody = document.getElementById("diagram-panel-body");
  var announce = document.getElementById("diagram-announce");
  var buttons = Array.prototype.slice.call(document.querySelectorAll("#diagram-parties .app-party"));

  function refreshHighlight() {
    cy.batch(function () {
      cy.elements().removeClass("faded highlighted chosen");
      if (!chosen) { return; }
      cy.elements(".party, edge").not(chosen).addClass("faded");
      chosen.removeClass("faded").addClass("chosen");
      var edges = chosen.connectedEdges();
      edges.removeClass("faded").addClass("highlighted");
      edges.connectedNodes().removeClass("faded");
    });
  }

  function dutyList(rows, otherEnd) {
    var ul = el("ul", { "class": "govuk-list govuk-!-font-size-16 app-diagram-panel__list" });
    rows.forEach(function (r) {
      var li = el("li");
      li.appendChild(el("strong", { "class": ("govuk-tag " + (TAGS[r.modality] || "")).trim() }, r.modality));
      li.appendChild(document.createTextNode(" "));
      if (r.item.href) {
        var a = el("a", { "class": "govuk-link", href: withDate(r.item.href) }, r.label);
        li.appendChild(a);
      } else {
        li.appendChild(document.createTextNode(r.label));
      }
      var party = r[otherEnd];
      li.appendChild(document.createTextNode(otherEnd === "to" ? " — to " : " — by "));
      var b = el("button", { type: "button", "class": "app-party-link", "data-node": party.iri }, party.label);
      li.appendChild(b);
      if (r.status === "possibly in force") {
        li.appendChild(document.createTextNode(" "));
        li.appendChild(el("strong", { "class": "govuk-tag govuk-tag--yellow" }, "possibly in force"));
      }
      ul.appendChild(li);
    });
    return ul;
  }

  function fillPanel(node) {
    var id = node.id();
    var out = data.rows.filter(function (r) { return r.from.iri === id; });
    var inn = data.rows.filter(function (r) { return r.to.iri === id; });
    panelHeading.textContent = node.data("label");
    panelBody.textContent = "";
    panelBody.appendChild(el("p", { "class": "govuk-body-s govuk-!-margin-bottom-2" }, bandLabel[node.data("band")]));
    if (node.data("href")) {
      var p = el("p", { "class": "govuk-body" });
      p.appendChild(el("a", { "class": "govuk-link", href: withDate(node.data("href")) }, "Open the page of " + node.data("label")));
      panelBody.appendChild(p);
    }
    [["Duties and roles it holds", out, "to"], ["Owed to it, or held in it", inn, "from"]].forEach(function (part) {
      panelBody.appendChild(el("h3", { "class": "govuk-heading-s govuk-!-margin-bottom-2" }, part[0] + " (" + part[1].length + ")"));
      if (part[1].length) { panelBody.appendChild(dutyList(part[1], part[2])); } else { panelBody.appendChild(el("p", { "class": "govuk-body" }, "None.")); }
    });
    panel.hidden = false;
    return [out.length, inn.length];
  }

  // Keep a party in sight: on wide screens the panel covers the right of the drawing.
  function reveal(node) {
    var p = node.renderedPosition();
    var right = cy.width() - (panel && !panel.hidden && panel.offsetParent && getComputedStyle(panel).position === "absolute" ? panel.offsetWidth : 0);
    var margin = NODE_W * cy.zoom() / 2 + 8;
    var dx = 0, dy = 0;
    if (p.x < margin) { dx = margin - p.x; } else if (p.x > right - margin) { dx = right - margin - p.x; }
    if (p.y < margin) { dy = margin - p.y; } else if (p.y > cy.height() - margin) { dy = cy.height() - margin - p.y; }
    if (dx || dy) { cy.panBy({ x: dx, y: dy }); }
  }

  function select(node) {
    chosen = node;
    refreshHighlight();
    var counts = fillPanel(node);
    buttons.forEach(function (b) { b.setAttribute("aria-pressed", String(b.getAttribute("data-node") === node.id())); });
    reveal(node);
    announce.textContent = node.data("label") + " selected: " + counts[0] + " duties and roles it holds, " +
      counts[1] + " owed to it or held in it, listed under its name next to the diagram.";
  }

  function clear() {
    if (!chosen) { return; }
    chosen = null;
    refreshHighlight();
    panel.hidden = true;
    buttons.forEach(function (b) { b.setAttribute("aria-pressed", "false"); });
    announce.textContent = "Selection cleared.";
  }

  cy.on("tap", "node.party", function (evt) { select(evt.target); });
  cy.on("tap", function (evt) { if (evt.target === cy) { clear(); } });
  on("diagram-clear", function () {
    var id = chosen && chosen.id();
    clear();
    var b = buttons.filter(function (x) { return x.getAttribute("data-node") === id; })[0];
    if (b) { focusButton(b); }
  });
  panelBody.addEventListener("click", function (evt) {
    var b = evt.target.closest(".app-party-link");
    if (b) { select(cy.getElementById(b.getAttribute("data-node"))); panelHeading.focus(); }
  });

  // ------------------------------------------------ keyboard: the list of parties
  // One tab stop (roving tabindex); arrows move, Enter or Space selects (a button's
  // own click), Escape clears. The focused party is outlined in the drawing too.
  function focusButton(b) {
    buttons.forEach(function (x) { x.tabIndex = x === b ? 0 : -1; });
    b.focus();
  }
  if (buttons.length) { buttons[0].tabIndex = 0; }
  buttons.forEach(function (b, i) {
    // looked up each time: moving parties into their layer's box re-creates them
    var node = function () { return cy.getElementById(b.getAttribute("data-node")); };
    b.addEventListener("click", function () {
      if (chosen && chosen.same(node())) { clear(); } else { select(node()); }
    });
    b.addEventListener("focus", function () { node().addClass("focused"); reveal(node()); });
    b.addEventListener("blur", function () { node().removeClass("focused"); });
    b.addEventListener("keydown", function (evt) {
      var next = { ArrowDown: i + 1, ArrowRight: i + 1, ArrowUp: i - 1, ArrowLeft: i - 1,
                   Home: 0, End: buttons.length - 1 }[evt.key];
      if (next === undefined) { return; }
      evt.preventDefault();
      focusButton(buttons[Math.max(0, Math.min(buttons.length - 1, next))]);
    });
  });
  // Escape clears from anywhere in the diagram's section, or after a click in the drawing
  var section = document.getElementById("diagram-section");
  document.addEventListener("keydown", function (evt) {
    var where = document.activeElement;
    if (evt.key === "Escape" && chosen && (where === document.body || (section && section.contains(where)))) {
      evt.preventDefault();
      clear();
    }
  });

  // ------------------------------------------------------------------ PNG export
  // The drawing as it is (all of it), headed by the title (area, date, filters) and the
  // key, like the SVG export.
  var LEGEND = [["must", "#d4351c", []], ["should", "#c2590a", []], ["may", "#1d70b8", []],
    ["objective", "#4c2c92", []], ["will (a local document)", "#00703c", []],
    ["role only (dashed)", "#505a5f", [8, 5]], ["possibly in force (dotted)", "#505a5f", [2, 4]]];
  function exportPng(done) {
    var scale = 2;
    var img = new Image();
    img.onload = function () {
      var head = 110 * scale;
      var canvas = document.createElement("canvas");
      canvas.width = Math.max(img.width, 1100 * scale);
      canvas.height = img.height + head;
      var ctx = canvas.getContext("2d");
      ctx.fillStyle = "#ffffff";
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.fillStyle = "#0b0c0c";
      ctx.font = "bold " + 22 * scale + "px arial, sans-serif";
      ctx.fillText(container.getAttribute("data-title") || "", 20 * scale, 34 * scale);
      ctx.font = 15 * scale + "px arial, sans-serif";
      ctx.fillText(container.getAttribute("data-subtitle") || "", 20 * scale, 60 * scale);
      ctx.font = 14 * scale + "px arial, sans-serif";
      var x = 20 * scale, y = 92 * scale;
      LEGEND.forEach(function (entry) {
        ctx.strokeStyle = entry[1];
        ctx.lineWidth = 3 * scale;
        ctx.setLineDash(entry[2].map(function (v) { return v * scale; }));
        ctx.beginPath();
        ctx.moveTo(x, y - 5 * scale);
        ctx.lineTo(x + 30 * scale, y - 5 * scale);
        ctx.stroke();
        ctx.fillText(entry[0], x + 36 * scale, y);
        x += 36 * scale + ctx.measureText(entry[0]).width + 22 * scale;
      });
      ctx.drawImage(img, 0, head);
      canvas.toBlob(done, "image/png");
    };
    img.src = cy.png({ full: true, scale: scale, bg: "#ffffff" });
  }
  on("diagram-png", function () {
    exportPng(function (blob) {
      var link = document.createElement("a");
      link.href = URL.createObjectURL(blob);
      link.download = "duty-network.png";
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
    });
  });

  // --------------------------------------------------------------- sortable table
  // Column headings become buttons (aria-sort says the order); rows are sorted in the
  // page, by each cell's data-sort or its text.
  var table = document.getElementById("diagram-table");
  var sortStatus = document.getElementById("diagram-table-sort-status");
  if (table) {
    var headers = Array.prototype.slice.call(table.querySelectorAll("thead th"));
    var body = table.tBodies[0];
    var cellKey = function (row, i) {
      var c = row.cells[i];
      return (c.getAttribute("data-sort") || c.textContent).trim().toLowerCase();
    };
    headers.forEach(function (th, i) {
      var b = el("button", { type: "button", "class": "app-sort-button" }, th.textContent);
      th.textContent = "";
      th.appendChild(b);
      b.addEventListener("click", function () {
        var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
        var sign = dir === "ascending" ? 1 : -1;
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, c) {
          return sign * cellKey(a, i).localeCompare(cellKey(c, i), "en", { numeric: true }) ||
            cellKey(a, 0).localeCompare(cellKey(c, 0));
        });
        rows.forEach(function (r) { body.appendChild(r); });
        headers.forEach(function (h) { h.setAttribute("aria-sort", h === th ? dir : "none"); });
        if (sortStatus) { sortStatus.textContent = "Table sorted by " + b.textContent + ", " + dir + "."; }
      });
    });
  }
})();
