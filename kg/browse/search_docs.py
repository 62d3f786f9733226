"""What the search index holds: one document per resource, and the synonyms.

A document is the text of a resource's page that a search should find (name,
other names, section reference, description) with what the ranking needs
(its type of page, how many resources link to it). Synonyms are the acronyms
and their expansions: read from the graph (an acronym ``skos:altLabel``, or
"Expansion (ACRONYM)" written in a text) and from ``data/search-synonyms.tsv``
for the few the graph never spells out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.browse.catalog import (
    ALT_LABEL,
    DESCRIPTION,
    LABEL,
    RDF_TYPE,
    RDFS,
    SKOS,
    TITLE,
    Catalog,
    Lit,
    pages_query_path,
)
from kg.browse.common import LEGISLATION
from kg.browse.pages import PAGE_TYPE_NAMES, page_type, type_labels
from kg.browse.search_text import WORD_RE, clean, initials_run, squash
from kg.config import ONTOLOGY_GRAPH, SG, SGD, Settings
from kg.query import load_query

#: The hand-kept synonyms, one ``term<TAB>expansion<TAB>source`` a line.
SYNONYMS_FILE = "search-synonyms.tsv"
REPO_SYNONYMS = Path(__file__).resolve().parent.parent.parent / "data" / SYNONYMS_FILE

#: Resources with a page that search offers (as before: ours and legislation).
SCOPE = (SGD, LEGISLATION)

_BODY_PROPS = (DESCRIPTION, SKOS + "definition", RDFS + "comment", SG + "action", SG + "text")
_ALT_PROPS = (ALT_LABEL, TITLE, SKOS + "prefLabel")
#: What the index reads from the store at build time (every other statement is
#: for the pages, which read the full catalog).
_PROPS = (LABEL, RDF_TYPE, SG + "number", SKOS + "inScheme", *_ALT_PROPS, *_BODY_PROPS)

# legislation.gov.uk/<type>/<year>/<number>/<kind>/<number>[/<sub>...]
_LEGISLATION_RE = re.compile(
    r"^https://www\.legislation\.gov\.uk/([a-z]+/\d{4}/\d+)/"
    r"(section|regulation|schedule|part|article)/([0-9A-Za-z]+(?:/[0-9A-Za-z]+)*)$"
)
#: How people write each kind of provision ("s.14", "section 14", "reg 5").
REFERENCE_WORDS = {
    "section": ("s", "ss", "section"),
    "regulation": ("reg", "regulation"),
    "schedule": ("schedule", "sch"),
    "part": ("part", "pt"),
    "article": ("article", "art"),
}
_ACRONYM_RE = re.compile(r"^(?=(?:[^A-Z]*[A-Z]){2})[A-Za-z]{2,8}$")
_ACT_ABBREVIATION_RE = re.compile(r"^[A-Z]{2,8} \d{4}$")
#: "Co-operate with ... (the duty to co-operate)": a label that ends by naming the thing.
_NAMED_RE = re.compile(r"\(the ([^()\d]+)\)\s*$")
_DEFINED_RE = re.compile(r"\(([A-Z][A-Za-z]{1,7})\)")


@dataclass(frozen=True)
class Document:
    iri: str
    kind: str  # the type of page (kg.browse.pages.page_type)
    type_name: str  # what to call it in a result list
    label: str
    alt: str  # other names, one a line
    refs: str  # how a provision is cited ("s 14", "section 14", "CA 2004")
    body: str  # description, action, text
    keys: str  # squash() of the label and other names, one a line
    prominence: int  # resources linking to it
    derived: bool  # made by the build's rules (one per area): less telling alone
    ref_kind: str | None = None  # "section", "regulation" ...
    ref_path: str | None = None  # "325/6/a", lower case


@dataclass(frozen=True)
class Synonym:
    term: str  # the acronym, as written
    expansion: str
    source: str  # the resource, or file:line, that says so


def provision_reference(iri: str) -> tuple[str, str, str] | None:
    """(act IRI, kind, path) of a legislation.gov.uk provision IRI, else None."""
    m = _LEGISLATION_RE.match(iri)
    if m is None:
        return None
    return LEGISLATION + m.group(1), m.group(2), m.group(3).lower()


def _citations(cat: Catalog, iri: str) -> tuple[str, str | None, str | None]:
    found = provision_reference(iri)
    if found is None:
        return "", None, None
    act, kind, path = found
    head, *subs = path.split("/")
    number = head + "".join(f"({s})" for s in subs)
    forms = [f"{word} {number}" for word in REFERENCE_WORDS[kind]]
    forms += sorted(cat.texts(act, ALT_LABEL))
    return "\n".join(forms), kind, path


def _texts(cat: Catalog, iri: str, props: Iterable[str], skip: str = "") -> list[str]:
    seen: dict[str, None] = {}
    for prop in props:
        for text in sorted(cat.texts(iri, prop)):  # the store's order is not stable
            text = clean(text).strip()
            if text and text != skip:
                seen.setdefault(text, None)
    return list(seen)


def _type_name(cat: Catalog, iri: str, kind: str) -> str:
    if kind != "other":
        return PAGE_TYPE_NAMES[kind]
    names = [t for t in type_labels(cat, iri) if not t.startswith(("PROV", "SKOS"))]
    if not names:  # a term of a concept scheme: "Glossary term"
        names = [f"{cat.label(scheme)} term" for scheme in cat.iris(iri, SKOS + "inScheme")]
    if not names:  # only generic types asserted: name it by our own (inferred) class
        names = sorted(cat.label(t) for t in cat.iris(iri, RDF_TYPE) if t.startswith(SG))
    name = names[0] if names else PAGE_TYPE_NAMES["other"]
    return name[:1].upper() + name[1:]


def _prominence(cat: Catalog) -> dict[str, int]:
    return {o: len({s for ss in by_p.values() for s in ss}) for o, by_p in cat.inc.items()}


def documents(cat: Catalog, prominence: Mapping[str, int] | None = None) -> Iterator[Document]:
    """The documents of every resource in scope, in a stable order."""
    links = prominence if prominence is not None else _prominence(cat)
    for iri in sorted(cat.out):
        if not iri.startswith(SCOPE):
            continue
        label = clean(cat.label(iri)).strip()
        alt = _texts(cat, iri, _ALT_PROPS, skip=label)
        if (named := _NAMED_RE.search(label)) and named.group(1) not in alt:
            alt.append(named.group(1))
        refs, ref_kind, ref_path = _citations(cat, iri)
        number = cat.text(iri, SG + "number") or ""
        if ref_path is None and any(c.isdigit() for c in number):  # not "d", "not known"
            refs = number
        kind = page_type(cat, iri)
        yield Document(
            iri=iri,
            kind=kind,
            type_name=_type_name(cat, iri, kind),
            label=label,
            alt="\n".join(alt),
            refs=refs,
            body="\n".join(_texts(cat, iri, _BODY_PROPS)),
            keys="\n".join(dict.fromkeys(squash(t) for t in [label, *alt])),
            prominence=links.get(iri, 0),
            derived=iri.startswith(SGD + "derived-"),
            ref_kind=ref_kind,
            ref_path=ref_path,
        )


# -------------------------------------------------------------------- synonyms


def graph_synonyms(docs: Iterable[Document]) -> Iterator[Synonym]:
    """Acronyms the graph defines: an acronym among a resource's other names
    (expanded to the words of its label that spell it, else the label), and
    "Words Spelling It (WSI)" in any text."""
    for doc in docs:
        words = doc.label.split()
        for name in doc.alt.splitlines():
            if _ACT_ABBREVIATION_RE.match(name):
                yield Synonym(name, doc.label, doc.iri)
            elif _ACRONYM_RE.match(name):
                run = initials_run(name, words)
                yield Synonym(name, " ".join(run) if run else doc.label, doc.iri)
        for text in (doc.label, doc.alt, doc.body):
            for m in _DEFINED_RE.finditer(text):
                before = text[max(0, m.start() - 160) : m.start()].split()[-10:]
                words = [w.strip("'’‘\"“”") for w in before]
                run = initials_run(m.group(1), [w for w in words if w])
                if run:
                    yield Synonym(m.group(1), " ".join(run), doc.iri)


def file_synonyms(path: Path | None) -> Iterator[Synonym]:
    """The synonyms of ``data/search-synonyms.tsv`` (``#`` starts a comment)."""
    if path is None or not path.is_file():
        return
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = [f.strip() for f in line.split("\t")]
        if len(fields) != 3 or not all(fields):
            raise ValueError(f"{path}:{n}: expected term<TAB>expansion<TAB>source")
        yield Synonym(fields[0], fields[1], fields[2])


def synonyms(docs: Iterable[Document], path: Path | None) -> list[Synonym]:
    """Graph and file synonyms, one per (term, expansion), the graph's first."""
    out: dict[tuple[str, str], Synonym] = {}
    for syn in [*graph_synonyms(docs), *file_synonyms(path)]:
        key = (squash(syn.term), squash(syn.expansion))
        if key[0] and key[1] and key[0] != key[1] and WORD_RE.search(syn.expansion):
            out.setdefault(key, syn)
    return list(out.values())


def synonyms_path(settings: Settings | None) -> Path | None:
    """The synonyms file of ``settings``' data folder, else the repository's."""
    if settings is not None:
        own = settings.data_dir / SYNONYMS_FILE
        return own if own.is_file() else None
    return REPO_SYNONYMS if REPO_SYNONYMS.is_file() else None


# ------------------------------------------------------------ from the store

_STATEMENTS = """
SELECT ?s ?p ?o (MAX(?isInferred) AS ?inferred) WHERE {{
  VALUES ?p {{ {props} }}
  GRAPH ?g {{ ?s ?p ?o }}
  FILTER(?g != <{ontology}>)
  BIND(?g = <{inferred}> AS ?isInferred)
}} GROUP BY ?s ?p ?o
"""
_LINKS = """
SELECT ?o (COUNT(DISTINCT ?s) AS ?n) WHERE {{
  GRAPH ?g {{ ?s ?p ?o }}
  FILTER(isIRI(?o) && isIRI(?s) && ?g != <{ontology}>)
}} GROUP BY ?o
"""


def _term(term: object) -> str | Lit | None:
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.Literal):
        lang = term.language or None
        return Lit(term.value, lang, None if lang else term.datatype.value)
    return None


def search_catalog(store: ox.Store, settings: Settings) -> tuple[Catalog, dict[str, int]]:
    """The part of the catalog the documents need, and the links to each resource.

    Reading only these statements takes a fifth of the time of the full catalog
    (``kg.browse.catalog.load_catalog``), which the build does not otherwise need.
    """
    from kg.config import INFERRED_GRAPH

    cat = Catalog()
    props = " ".join(f"<{p}>" for p in _PROPS)
    query = _STATEMENTS.format(props=props, ontology=ONTOLOGY_GRAPH, inferred=INFERRED_GRAPH)
    for s, p, o, inferred in store.query(query, use_default_graph_as_union=True):  # type: ignore[misc]
        subject, obj = _term(s), _term(o)
        if isinstance(subject, str) and obj is not None:
            cat.add(
                subject, p.value, obj, isinstance(inferred, ox.Literal) and inferred.value == "true"
            )
    vocab = load_query(pages_query_path(settings, "vocabulary-labels.rq"), settings)
    for s, p, o in store.query(vocab.text, use_default_graph_as_union=True):  # type: ignore[misc]
        subject, obj = _term(s), _term(o)
        if isinstance(subject, str) and obj is not None:
            cat.vocab[subject][p.value].append(obj)
    links = {
        row[0].value: int(row[1].value)
        for row in store.query(
            _LINKS.format(ontology=ONTOLOGY_GRAPH), use_default_graph_as_union=True
        )  # type: ignore[index]
    }
    return cat, links
