"""Build, query and serve the safeguarding duties knowledge graph."""

__version__ = "0.1.0"
