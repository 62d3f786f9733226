"""Locust users for the load test (run by bench/load.py, which prepares the inputs).

One kind of user with four tasks, weighted as the issue asks: page views 70, shipped
SPARQL queries 20, validations 5, runaway queries 5 (``KG_LOAD_RUNAWAY=0`` for the
baseline run without them). Requests are named by type, so Locust's statistics are
per type. The inputs (page paths, bound shipped queries, example configurations,
runaway queries) come from the JSON file in ``KG_LOAD_INPUTS``.

A runaway query counts as a success when the server stops it as designed: 503 with
the time-limit, long-query or memory-limit message, or refused at admission (the worker
queue full, or all workers busy). Anything else is a failure.

Each visitor connects from its own loopback address (127.0.3.N), as real users come
from their own: the server limits the /sparql requests of each client address
(docs/endpoint.md, "Fair under floods"), and fifty users behind one address would
be one client.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from pathlib import Path

from locust import HttpUser, between, task
from requests.adapters import HTTPAdapter

INPUTS = json.loads(Path(os.environ["KG_LOAD_INPUTS"]).read_text(encoding="utf-8"))
RUNAWAY_WEIGHT = int(os.environ.get("KG_LOAD_RUNAWAY", "5"))
THINK = [float(x) for x in os.environ.get("KG_LOAD_THINK", "0.5,1.5").split(",")]
INTENDED_STOPS = (
    "time limit",
    "long queries are already running",
    "memory limit",
    "queue is full",
    "workers are busy",
)
_VISITORS = itertools.count()


class _FromAddress(HTTPAdapter):
    """Connections from one local address."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args: object, **kwargs: object) -> None:
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)  # type: ignore[arg-type]


class Visitor(HttpUser):
    wait_time = between(*THINK)

    def on_start(self) -> None:
        n = next(_VISITORS)
        self.client.mount("http://", _FromAddress(f"127.0.3.{n % 250 + 1}"))

    @task(70)
    def page(self) -> None:
        self.client.get(random.choice(INPUTS["pages"]), name="page")

    @task(20)
    def sparql(self) -> None:
        with self.client.post(
            "/sparql",
            data={"query": random.choice(INPUTS["queries"])},
            headers={"Accept": "application/sparql-results+json"},
            name="sparql",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                # the server's own words, so the report says which refusal it was
                response.failure(f"{response.status_code}: {_message(response.text)}")

    @task(5)
    def validate(self) -> None:
        example = random.choice(INPUTS["configurations"])
        self.client.post(
            "/validate.json",
            data={"as_at": example["as_at"]},
            files={"upload": (example["name"], example["text"].encode("utf-8"))},
            name="validate",
        )

    @task(RUNAWAY_WEIGHT)
    def runaway(self) -> None:
        with self.client.post(
            "/sparql",
            data={"query": random.choice(INPUTS["runaway"])},
            name="runaway",
            catch_response=True,
        ) as response:
            if response.status_code == 503 and any(s in response.text for s in INTENDED_STOPS):
                response.success()
            else:
                response.failure(
                    f"runaway not stopped as designed: {response.status_code}: "
                    f"{_message(response.text)}"
                )


def _message(body: str) -> str:
    """The first line of an error body, without the numbers that would split
    Locust's failure counts (seconds, counts of waiting requests)."""
    line = body.strip().splitlines()[0] if body.strip() else "(empty body)"
    return re.sub(r"\d+(\.\d+)?", "N", line)[:160]
