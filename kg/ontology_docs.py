"""Static documentation of the ontology with pyLODE (``make docs``).

Two pages, one per pyLODE profile: the ontology (``ontology/*.ttl``) with OntPub, and its
controlled vocabularies, as the built store holds them (concept schemes, their concepts,
top concepts and labels), with VocPub. pyLODE is an optional dependency
(``pip install .[docs]``); the web UI's ``/ontology`` page needs none of it.

    python -m kg.ontology_docs [OUT_DIR]     # default build/docs
"""

from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph as ox
import rdflib

from kg.config import Settings
from kg.store import open_store

QUERY = Path(__file__).resolve().parent.parent / "queries" / "docs" / "concept-schemes.rq"


def ontology_graph(settings: Settings) -> rdflib.Graph:
    """The ontology's files as one graph (what OntPub documents)."""
    graph = rdflib.Graph()
    for path in sorted(settings.ontology_dir.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def vocabulary_graph(settings: Settings) -> rdflib.Graph:
    """The concept schemes and their concepts from the built store (what VocPub documents)."""
    store = open_store(settings)
    text = QUERY.read_text(encoding="utf-8")
    triples = store.query(text, use_default_graph_as_union=True)
    graph = rdflib.Graph()
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    graph.parse(data=data.decode("utf-8"), format="nt")
    return graph


def write_docs(settings: Settings, out_dir: Path) -> dict[str, Path]:
    """Write ``ontology.html`` (OntPub) and ``vocabularies.html`` (VocPub) into ``out_dir``."""
    from pylode import OntPub, VocPub  # optional dependency

    out_dir.mkdir(parents=True, exist_ok=True)
    pages = {
        "ontology": (OntPub, ontology_graph(settings)),
        "vocabularies": (VocPub, vocabulary_graph(settings)),
    }
    written = {}
    for name, (profile, graph) in pages.items():
        path = out_dir / f"{name}.html"
        path.write_text(profile(graph).make_html(), encoding="utf-8")
        written[name] = path
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out_dir = Path(args[0]) if args else Path("build/docs")
    for name, path in write_docs(Settings.from_env(), out_dir).items():
        print(f"{name}: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
