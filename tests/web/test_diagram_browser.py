"""The duty diagram (/diagram) in a real headless Chromium, and its exports.

Merseyside on 1 August 2017 at 1280x800 is the reference view: it must open fitted
with labels of at least 12 CSS px, answer the keyboard, zoom, export with its title
and key, and list the same rows in its table and its CSV download. The diagram is
ready when ``#diagram`` has ``data-ready="true"`` (set by webui/static/diagram.js).
"""

from __future__ import annotations

import csv
import io
import struct
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.web.conftest import run_axe

MERSEYSIDE = "/diagram?area=sgd:mappa-area-merseyside&as_at=2017-08-01"
LONDON = "/diagram?area=sgd:mappa-area-london&as_at=2017-08-01"
READY = '#diagram[data-ready="true"]'


def _open(page: Any, url: str = MERSEYSIDE, width: int = 1280, height: int = 800) -> None:
    page.set_viewport_size({"width": width, "height": height})
    page.goto(url)
    # ELK lays out off the page's own event loop; a busy machine takes seconds
    page.wait_for_selector(READY, state="attached", timeout=90_000)


def _csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


# ----------------------------------------------------------- server: JSON, CSV, SVG


def test_diagram_json_keeps_its_keys_and_adds_layers_and_pairs(client: FlaskClient) -> None:
    data = client.get("/diagram.json?area=sgd:mappa-area-merseyside&as_at=2017-08-01").get_json()
    elements = data["elements"]
    assert {"nodes", "edges", "rows"} <= set(elements)
    for edge in elements["edges"]:
        assert {"id", "source", "target", "label", "kind", "modality", "colour", "href",
                "possibly"} <= set(edge["data"])  # fmt: skip
    for node in elements["nodes"]:
        assert {"id", "label", "category", "href"} <= set(node["data"])
    # one arrow per party and party, counting every edge once
    pairs = [p["data"] for p in elements["pairs"]]
    assert len({(p["source"], p["target"]) for p in pairs}) == len(pairs)
    assert sum(p["count"] for p in pairs) == len(elements["edges"])
    assert max(p["count"] for p in pairs) > 1
    smb_to_knowsley = next(
        p for p in pairs if p["source"].endswith("/merseyside-smb")
        and p["target"].endswith("/knowsley-lscb")
    )  # fmt: skip
    assert smb_to_knowsley["count"] == 8 and smb_to_knowsley["modality"] == "will"
    # layers by role: boards and the responsible authority in the middle layer
    band = {n["data"]["label"]: n["data"]["band"] for n in elements["nodes"]}
    assert band["Merseyside MAPPA Strategic Management Board"] == "boards"
    assert band["Merseyside MAPPA responsible authority"] == "boards"
    assert band["Merseyside Police"] == "bodies"
    assert band["Ian Mulcahey"] == "people"
    assert band["lay adviser"] == "owed"
    assert [b["key"] for b in elements["bands"]] == ["bodies", "boards", "people", "owed"]


def test_diagram_csv_has_the_rows_of_the_table_and_the_filters(client: FlaskClient) -> None:
    query = "?area=sgd:mappa-area-merseyside&as_at=2017-08-01"
    data = client.get("/diagram.json" + query).get_json()
    response = client.get("/diagram.csv" + query)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = _csv_rows(response.get_data(as_text=True))
    assert len(rows) == len(data["elements"]["rows"]) > 100
    assert [(r["bearer"], r["what"], r["owed to"]) for r in rows] == [
        (r["from"]["label"], r["label"], r["to"]["label"]) for r in data["elements"]["rows"]
    ]
    assert {"must", "may", "will", "role"} <= {r["modality"] for r in rows}
    s325 = [r for r in rows if "Criminal Justice Act 2003 s.325(3)" in r["provisions"]]
    assert s325 and all("ukpga/2003/44/section/325/3" in r["provision iris"] for r in s325)
    # the same filters: a board narrows it, a bad date is refused like every export
    narrowed = client.get("/diagram.csv" + query + "&board=sgd:knowsley-lscb")
    board = _csv_rows(narrowed.get_data(as_text=True))
    narrowed_json = client.get("/diagram.json" + query + "&board=sgd:knowsley-lscb").get_json()
    assert 0 < len(board) == len(narrowed_json["elements"]["rows"]) < len(rows)
    assert any("Knowsley" in r["bearer"] for r in board)
    assert client.get("/diagram.csv?as_at=2017-02-30").status_code == 400


def test_svg_export_has_title_filters_and_key(client: FlaskClient) -> None:
    svg = client.get(
        "/diagram.svg?area=sgd:mappa-area-merseyside&as_at=2017-08-01&board=sgd:knowsley-lscb"
    ).get_data(as_text=True)
    root = ET.fromstring(svg)
    ns = {"s": "http://www.w3.org/2000/svg"}
    title = root.find("s:title", ns)
    assert title is not None
    assert "Merseyside" in title.text and "1 August 2017" in title.text
    assert "around Knowsley Local Safeguarding Children Board" in title.text
    key = root.find("s:g[@id='legend']", ns)
    assert key is not None
    words = " ".join(t.text for t in key.iter("{http://www.w3.org/2000/svg}text"))
    for word in ("must", "may", "will (a local document)", "possibly in force (dotted)"):
        assert word in words


# ---------------------------------------------------------------------- in Chromium


@pytest.mark.parametrize("url", [MERSEYSIDE], ids=["merseyside"])
@pytest.mark.browser
@pytest.mark.slow
def test_opens_fitted_with_legible_labels(page: Any, url: str) -> None:
    _open(page, url)
    view = page.evaluate(
        """() => {
          const cy = window.kgDiagram, parties = cy.nodes('.party');
          const px = parties.map(n => parseFloat(n.style('font-size')) * cy.zoom());
          const bb = parties.boundingBox(), ex = cy.extent();
          return {smallest: Math.min(...px), count: parties.length,
                  fitted: bb.x1 >= ex.x1 && bb.x2 <= ex.x2 && bb.y1 >= ex.y1 && bb.y2 <= ex.y2,
                  partial: document.querySelector('#diagram').hasAttribute('data-partial')};
        }"""
    )
    assert view["count"] > 30
    assert view["smallest"] >= 12, view
    assert view["fitted"] and not view["partial"], view
    assert page.console_errors == []


@pytest.mark.browser
@pytest.mark.slow
def test_a_party_selected_by_keyboard_highlights_its_arrows(page: Any) -> None:
    _open(page)
    url = page.url
    # one tab stop for the list of parties, right after the controls
    page.focus("#diagram-expand")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('app-party')")
    names = page.locator("#diagram-parties .app-party").all_inner_texts()
    for _ in range(names.index("Merseyside Police")):
        page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.textContent") == "Merseyside Police"
    page.keyboard.press("Enter")
    state = page.evaluate(
        """() => {
          const cy = window.kgDiagram, chosen = cy.nodes('.chosen');
          const mine = chosen.connectedEdges(':visible'), others = cy.edges(':visible').not(mine);
          const opacity = e => parseFloat(e.style('opacity'));
          return {chosen: chosen.map(n => n.data('label')), mine: mine.length,
                  others: others.length,
                  mineShown: mine.every(e => e.hasClass('highlighted') && opacity(e) === 1),
                  othersFaded: others.every(e => opacity(e) < 0.5)};
        }"""
    )
    assert state["chosen"] == ["Merseyside Police"]
    assert state["mine"] > 0 and state["others"] > 0
    assert state["mineShown"] and state["othersFaded"], state
    assert page.locator("#diagram-panel").is_visible()
    assert page.locator("#diagram-panel-heading").inner_text() == "Merseyside Police"
    panel = page.locator("#diagram-panel").inner_text()
    assert "Duties and roles it holds" in panel
    assert "Merseyside MAPPA responsible authority" in panel
    assert page.locator("#diagram-panel a", has_text="Open the page of Merseyside Police").count()
    pressed = page.locator(".app-party[aria-pressed='true']").all_inner_texts()
    assert pressed == ["Merseyside Police"]
    assert page.url == url  # selecting never leaves the page
    # Escape clears (focus is still on the party's button)
    page.keyboard.press("Escape")
    assert not page.locator("#diagram-panel").is_visible()
    assert page.evaluate("kgDiagram.elements('.faded, .chosen').length") == 0
    assert page.console_errors == []


@pytest.mark.browser
@pytest.mark.slow
def test_zoom_fit_and_reset_controls_change_the_zoom(page: Any) -> None:
    _open(page)
    opened = page.evaluate("kgDiagram.zoom()")
    page.click("#diagram-zoom-in")
    zoomed_in = page.evaluate("kgDiagram.zoom()")
    assert zoomed_in == pytest.approx(opened * 1.25)
    page.click("#diagram-zoom-out")
    page.click("#diagram-zoom-out")
    assert page.evaluate("kgDiagram.zoom()") == pytest.approx(opened * 1.25 * 0.8 * 0.8)
    page.click("#diagram-fit")
    assert page.evaluate("kgDiagram.zoom()") == pytest.approx(opened)
    page.click("#diagram-zoom-in")
    page.click("#diagram-reset")
    assert page.evaluate("kgDiagram.zoom()") == pytest.approx(opened)


@pytest.mark.browser
@pytest.mark.slow
def test_an_arrow_with_a_count_expands_into_its_duties(page: Any) -> None:
    _open(page)
    page.locator("#diagram").scroll_into_view_if_needed()
    # Cytoscape re-reads where its canvas is on the next frames after a scroll
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    target = page.evaluate(
        """() => {
          // an arrow standing for several duties, whose middle is clear of every box
          const boxes = kgDiagram.nodes('.party').map(n => n.boundingBox());
          const clear = p => !boxes.some(b => p.x >= b.x1 && p.x <= b.x2
                                              && p.y >= b.y1 && p.y <= b.y2);
          const e = kgDiagram.edges('.pair').filter(p => p.data('count') > 3
                                                         && clear(p.midpoint()))
            .max(p => p.data('count')).ele;
          const box = document.querySelector('#diagram').getBoundingClientRect();
          const m = e.renderedMidpoint();
          return {id: e.id(), count: e.data('count'), x: box.left + m.x, y: box.top + m.y};
        }"""
    )
    page.mouse.click(target["x"], target["y"])
    shown = page.evaluate(
        f"""() => [kgDiagram.getElementById('{target["id"]}').visible(),
                   kgDiagram.edges('.single:visible').length]"""
    )
    assert shown == [False, target["count"]]
    page.click("#diagram-expand")
    assert page.get_attribute("#diagram-expand", "aria-pressed") == "true"
    assert page.evaluate("kgDiagram.edges('.pair:visible').length") == 0
    assert page.evaluate("kgDiagram.edges('.single:visible').length") == page.evaluate(
        "kgDiagram.edges('.single').length"
    )
    page.click("#diagram-expand")
    assert page.evaluate("kgDiagram.edges('.single:visible').length") == 0


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@pytest.mark.browser
@pytest.mark.slow
def test_exports_have_a_title_with_area_and_date(page: Any) -> None:
    _open(page)
    title = page.get_attribute("#diagram", "data-title")
    assert "Merseyside" in title and "1 August 2017" in title
    svg_href = page.get_attribute("a[download='duty-network.svg']", "href")
    svg = page.request.get(svg_href).text()
    assert f'<title id="svg-title">{title}.' in svg and 'id="legend"' in svg
    with page.expect_download() as download:
        page.click("#diagram-png")
    assert download.value.suggested_filename == "duty-network.png"
    png = _png_size(Path(download.value.path()).read_bytes())
    drawing = page.evaluate(
        """() => new Promise(done => {
             const img = new Image();
             img.onload = () => done([img.width, img.height]);
             img.src = kgDiagram.png({full: true, scale: 2, bg: '#ffffff'});
           })"""
    )
    # the drawing, headed by a band for the title and the key
    assert png[0] >= drawing[0] and png[1] > drawing[1] + 100
    assert page.console_errors == []


@pytest.mark.browser
@pytest.mark.slow
def test_the_table_sorts_and_the_csv_has_the_same_rows(page: Any) -> None:
    _open(page)
    table = page.locator("#diagram-table")

    def column(i: int) -> list[str]:
        return table.locator(f"tbody tr td:nth-child({i})").all_inner_texts()

    owed_to = table.locator("thead th").nth(3)
    owed_to.get_by_role("button").click()
    assert owed_to.get_attribute("aria-sort") == "ascending"
    assert table.locator("thead th").nth(0).get_attribute("aria-sort") == "none"
    values = [v.lower() for v in column(4)]
    assert values == sorted(values, key=str.lower) and len(set(values)) > 5
    owed_to.get_by_role("button").click()
    assert owed_to.get_attribute("aria-sort") == "descending"
    values = [v.lower() for v in column(4)]
    assert values == sorted(values, reverse=True)
    with page.expect_download() as download:
        page.click("#diagram-csv")
    assert download.value.suggested_filename == "duty-network.csv"
    rows = _csv_rows(Path(download.value.path()).read_text(encoding="utf-8"))
    shown = Counter(zip(column(1), column(2), column(3), column(4), strict=True))
    assert Counter((r["bearer"], r["modality"], r["what"], r["owed to"]) for r in rows) == shown


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.browser
@pytest.mark.slow
def test_axe_and_no_sideways_scroll(page: Any, width: int) -> None:
    _open(page, width=width, height=800 if width > 390 else 844)
    assert run_axe(page, best_practice=True) == []
    # with a party selected: the panel and the pressed button
    page.locator("#diagram-parties .app-party", has_text="Merseyside Police").click()
    assert page.locator("#diagram-panel").is_visible()
    assert run_axe(page, best_practice=True) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.console_errors == []


@pytest.mark.parametrize("url", [MERSEYSIDE, LONDON], ids=["merseyside", "london"])
@pytest.mark.browser
@pytest.mark.slow
def test_load_to_ready_time_is_recorded(page: Any, url: str, record_property: Any) -> None:
    """Not a timed assertion: records how long the diagram takes to be ready (the
    navigation start to laid out and fitted), for the report (pytest -s or junit)."""
    _open(page, url)
    timing = page.evaluate("window.kgDiagramTiming")
    parties = page.evaluate("kgDiagram.nodes('.party').length")
    record_property("load_to_ready_ms", round(timing["readyMs"]))
    record_property("layout_ms", round(timing["layoutMs"]))
    print(f"\n{url}: {parties} parties, ready {timing['readyMs']:.0f} ms "
          f"after navigation (layout {timing['layoutMs']:.0f} ms)")  # fmt: skip
    assert 0 < timing["layoutMs"] <= timing["readyMs"]
