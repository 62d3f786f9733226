"""The competency-question tests use the ``cq`` fixture of tests/conftest.py: the real
store that `kg build` makes from ontology/ and data/, queried through kg.query exactly
as `kg query` does."""
