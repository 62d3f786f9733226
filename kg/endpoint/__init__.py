"""The public SPARQL 1.1 endpoint: protocol, guard, killable workers, descriptions.

* :mod:`kg.endpoint.guard` decides, on the lexed query, what may run at all
  (read-only, no ``SERVICE``, bounded size and nesting);
* :mod:`kg.endpoint.protocol` parses SPARQL 1.1 Protocol requests, negotiates the
  result format and serialises results (with a row limit);
* :mod:`kg.endpoint.workers` runs queries in pre-forked worker processes that are
  killed and replaced when a query runs past the time limit or memory limit; the
  workers are forked by :mod:`kg.endpoint.forkserver`, confined by
  :mod:`kg.endpoint.sandbox` and speak :mod:`kg.endpoint.jobs`;
* :mod:`kg.endpoint.service_description` and :mod:`kg.endpoint.void` describe the
  service and the dataset.

The Flask blueprint that puts these together is :mod:`webui.sparql`.
"""

from __future__ import annotations

from kg.endpoint.errors import EndpointError

__all__ = ["EndpointError"]
