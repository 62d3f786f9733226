// Draw the duty network with Cytoscape.js from the JSON embedded in the page.
// Parallel arrows of the same colour between two parties are drawn as one, labelled
// with their number; the table beside the drawing lists every one.
(function () {
  "use strict";
  var source = document.getElementById("diagram-data");
  var container = document.getElementById("diagram");
  if (!source || !container || typeof cytoscape !== "function") { return; }
  var data = JSON.parse(source.textContent);

  var merged = {};
  data.edges.forEach(function (e) {
    var d = e.data;
    var key = d.source + "\u0000" + d.target + "\u0000" + d.modality + "\u0000" + d.kind;
    if (!merged[key]) {
      merged[key] = { data: { id: "m" + Object.keys(merged).length, source: d.source, target: d.target,
        colour: d.colour, kind: d.kind, modality: d.modality, labels: [] } };
    }
    merged[key].data.labels.push(d.label);
  });
  var edges = Object.keys(merged).map(function (k) {
    var d = merged[k].data;
    var short = function (t) { return t.length > 48 ? t.slice(0, 46) + "…" : t; };
    d.label = d.labels.length === 1 ? short(d.labels[0])
      : d.labels.length + (d.kind === "duty" ? " duties (" + d.modality + ")" : " roles");
    return merged[k];
  });

  var cy = cytoscape({
    container: container,
    elements: { nodes: data.nodes, edges: edges },
    style: [
      { selector: "node", style: {
        "label": "data(label)", "text-wrap": "wrap", "text-max-width": "140px",
        "font-size": "11px", "font-family": "arial, sans-serif", "color": "#0b0c0c",
        "text-valign": "center", "text-halign": "center",
        "shape": "round-rectangle", "width": "150px", "height": "48px",
        "background-color": "#ffffff", "border-width": 1, "border-color": "#505a5f" } },
      { selector: "node[category = 'board']", style: {
        "background-color": "#f3f2f1", "border-width": 3, "border-color": "#0b0c0c" } },
      { selector: "node[category = 'kind']", style: { "shape": "ellipse" } },
      { selector: "node[category = 'person']", style: { "shape": "tag", "background-color": "#ffffff" } },
      { selector: "node[category = 'role']", style: { "shape": "hexagon", "background-color": "#f3f2f1" } },
      { selector: "node[category = 'group']", style: { "shape": "barrel", "background-color": "#ffffff" } },
      { selector: "edge", style: {
        "width": 1.6, "line-color": "data(colour)", "target-arrow-color": "data(colour)",
        "target-arrow-shape": "triangle", "curve-style": "bezier",
        "label": "data(label)", "font-size": "8px", "font-family": "arial, sans-serif",
        "text-rotation": "autorotate", "text-background-color": "#ffffff",
        "text-background-opacity": 0.85, "text-background-padding": "1px", "color": "#0b0c0c" } },
      { selector: "edge[kind = 'role'], edge[kind = 'represents'], edge[kind = 'post']", style: {
        "line-style": "dashed" } },
      { selector: "edge[?possibly]", style: { "line-style": "dotted", "opacity": 0.7 } },
      { selector: ":selected", style: { "border-color": "#ffdd00", "border-width": 4 } }
    ],
    layout: { name: "cose", animate: false, randomize: false, padding: 10,
              nodeDimensionsIncludeLabels: true,
              nodeRepulsion: function () { return 140000; }, nodeOverlap: 60,
              idealEdgeLength: function () { return 90; }, edgeElasticity: function () { return 120; },
              gravity: 0.5, numIter: 2500, componentSpacing: 60, nestingFactor: 1.2 }
  });

  cy.on("tap", "node", function (evt) {
    var href = evt.target.data("href");
    if (href && href.charAt(0) === "/") {
      var params = new URLSearchParams(window.location.search);
      var asAt = params.get("as_at");
      window.location.href = href + (asAt ? "?as_at=" + encodeURIComponent(asAt) : "");
    }
  });

  var button = document.getElementById("diagram-png");
  if (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var link = document.createElement("a");
      link.href = cy.png({ full: true, scale: 2, bg: "#ffffff" });
      link.download = "duty-network.png";
      document.body.appendChild(link);
      link.click();
      link.remove();
    });
  }
  window.kgDiagram = cy;
})();
