"""Who gets the next worker of a pool: bounded, per client, lightest client first.

Without this, every request waited for a worker in arrival order, holding a web
server thread all the while: 60 clients looping runaway queries took all the
threads (pages waited 7 s) and a trivial ASK queued behind 58 runaways (14 s).

Now each pool admits a request only while

* its client (the remote address) has fewer than ``per_client`` requests in the
  pool, running or waiting; one more is answered 503 at once;
* fewer than ``max_waiting`` requests wait; when that many do, the newcomer takes
  the place of the waiter whose client's requests cost the most (answered 503),
  or is refused itself when no waiter's cost more.

Both 503s carry ``Retry-After``. So a pool never holds more than
``slots + long queries + max_waiting`` web threads, and the rest serve pages.

A free worker goes to the waiting request expected to cost the least, earliest
first among equals: shortest expected job first. The expected cost of a request
is the mean worker time of its *shape* (the query's tokens, without comments and
whitespace, and its dataset: the caller's ``shape`` key) when that shape has run
before, else the mean of its *client's* requests, starting from a prior guess
for a client not seen yet: ``prior`` seconds, a tenth of that for a request its
caller says looks small (the guard's counts: a pattern or two, no path). Both
means weigh recent requests most (the sums are halved every ``half_life``
seconds). The mean, not the total: a client asking many short questions is still
served before clients whose queries keep running to the limit, however many
addresses those come from (a flood from 60 addresses is 60 new clients; the
guess tells a new client's trivial ASK from their runaway queries until those
have run once). The shape first: when every client mixes pages, short queries
and the odd runaway one (the load test's visitors), the clients' means are
alike, while a query text that ran to the limit last time will again, and one
that took 20 ms will again; a runaway query disguised with new comments or
names each time is a new shape, and falls back to its client's mean.

While any worker is free, the last ``reserve`` of them go only to requests
expected to cost under ``prior / 2``: a flood never holds every worker.
"""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass, field

from kg.endpoint import errors


@dataclass
class Ticket:
    """One admitted request: :meth:`FairQueue.release` its slot when its worker is
    free for others (done, or its query moved out of the pool), then
    :meth:`FairQueue.finish` it."""

    client: str
    seq: int
    started: float = field(default_factory=time.monotonic)
    admitted: bool = False
    heavy: bool = False  # admitted as a client expected to be slow
    small: bool = False  # the request looks small
    shape: str | None = None  # what the request asks, for its expected cost
    evicted: bool = False
    released: bool = False
    finished: bool = False


class FairQueue:
    """The admission of one worker pool (see the module docstring)."""

    def __init__(
        self,
        slots: int,
        *,
        max_waiting: int = 8,
        per_client: int = 4,
        retry_after: int = 1,
        half_life: float = 30.0,
        prior: float = 0.1,
        reserve: int | None = None,
        what: str = "query",
    ) -> None:
        self.slots = slots
        self.max_waiting = max_waiting
        self.per_client = per_client
        self.retry_after = retry_after
        self.half_life = half_life
        self.prior = prior
        # one slot kept for light clients when there is more than one
        self.reserve = (1 if slots > 1 else 0) if reserve is None else reserve
        self._heavy = 0  # slots held by heavy clients
        self.what = what
        self._cond = threading.Condition()
        self._free = slots
        self._waiting: list[Ticket] = []
        self._in_flight: dict[str, int] = {}
        # client, or ("shape", key): (worker seconds, requests, as of), both decayed
        self._usage: dict[str | tuple[str, str], tuple[float, float, float]] = {}
        self._seq = itertools.count()
        self.refused = 0  # 503s given, for the load test and the logs

    # -- accounting (under the lock)

    def _decayed(self, who: str | tuple[str, str], now: float) -> tuple[float, float]:
        seconds, requests, since = self._usage.get(who, (0.0, 0.0, now))
        factor = 0.5 ** ((now - since) / self.half_life)
        return seconds * factor, requests * factor

    def cost(
        self,
        client: str,
        now: float | None = None,
        small: bool = False,
        shape: str | None = None,
    ) -> float:
        """A request's expected worker seconds: its shape's mean when the shape has run
        (recently enough to weigh at least half a request), else its client's mean
        (``small``: a request that looks small starts from a smaller prior)."""
        now = time.monotonic() if now is None else now
        if shape is not None:
            seconds, requests = self._decayed(("shape", shape), now)
            if requests >= 0.5:
                return seconds / requests
        seconds, requests = self._decayed(client, now)
        prior = self.prior / 10 if small else self.prior
        return (seconds + prior) / (requests + 1)

    def _priority(self, ticket: Ticket, now: float) -> tuple[float, int]:
        return (self.cost(ticket.client, now, ticket.small, ticket.shape), ticket.seq)

    def _busy(self, message: str) -> errors.ServiceUnavailableError:
        self.refused += 1
        return errors.ServiceUnavailableError(
            message, headers={"Retry-After": str(self.retry_after)}
        )

    # -- the protocol

    def enter(
        self, client: str, wait: float, small: bool = False, shape: str | None = None
    ) -> Ticket:
        """Wait (up to ``wait`` seconds) for a slot; the ticket that holds it.

        ``small``: the request looks small (a guess from its text), which counts
        for a client with little history. ``shape``: a key for what it asks (the
        same key, the same work), whose history counts before the client's.

        Raises:
            ServiceUnavailableError: with ``Retry-After``: the client already has
                ``per_client`` requests in the pool, the queue is full, this request
                was displaced from it by a lighter client's, or no slot came in time.
        """
        deadline = time.monotonic() + wait
        with self._cond:
            now = time.monotonic()
            if self._in_flight.get(client, 0) >= self.per_client:
                raise self._busy(
                    f"you already have {self.per_client} {self.what} requests running or "
                    "waiting, the most per client; wait for one to finish"
                )
            ticket = Ticket(client, next(self._seq), small=small, shape=shape)
            if len(self._waiting) >= self.max_waiting:
                heaviest = max(self._waiting, key=lambda t: self._priority(t, now))
                if self._priority(heaviest, now) <= self._priority(ticket, now):
                    raise self._busy(self._full_message())
                self._waiting.remove(heaviest)
                heaviest.evicted = True
                self._cond.notify_all()
            self._waiting.append(ticket)
            self._in_flight[client] = self._in_flight.get(client, 0) + 1
            self._dispatch(now)
            while not ticket.admitted and not ticket.evicted:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    self._waiting.remove(ticket)
                    self._leave(client)
                    raise self._busy(
                        f"all {self.slots} {self.what} workers are busy; try again shortly"
                    )
                self._cond.wait(remaining)
            if ticket.evicted:
                self._leave(client)
                raise self._busy(self._full_message())
            return ticket

    def _full_message(self) -> str:
        return (
            f"the {self.what} queue is full ({self.max_waiting} waiting for "
            f"{self.slots} workers); try again shortly"
        )

    def _leave(self, client: str) -> None:
        left = self._in_flight.get(client, 1) - 1
        if left > 0:
            self._in_flight[client] = left
        else:
            self._in_flight.pop(client, None)

    def running(self, ticket: Ticket) -> None:
        """The ticket's request has a worker now: its client is charged from here."""
        with self._cond:
            ticket.started = time.monotonic()

    def release(self, ticket: Ticket) -> None:
        """Give the ticket's slot to the lightest waiter (or back); once per ticket."""
        with self._cond:
            if ticket.released:
                return
            ticket.released = True
            now = time.monotonic()
            self._charge(ticket, now, requests=0)
            self._free += 1
            self._heavy -= ticket.heavy
            self._dispatch(now)

    def _dispatch(self, now: float) -> None:
        """Give free slots to the lightest waiters that may have them (under the lock).

        The last ``reserve`` free slots go only to light clients (expected cost under
        ``prior / 2``): a flood of long queries never takes every worker, so a short
        question finds one without waiting for a long one to leave the pool.
        """
        admitted = False
        for ticket in sorted(self._waiting, key=lambda t: self._priority(t, now)):
            if self._free <= 0:
                break
            heavy = self._priority(ticket, now)[0] >= self.prior / 2
            if heavy and self._heavy >= self.slots - self.reserve:
                continue
            self._waiting.remove(ticket)
            self._free -= 1
            self._heavy += heavy
            ticket.heavy = heavy
            ticket.admitted = True
            ticket.started = now  # charged from now: waiting costs nothing
            admitted = True
        if admitted:
            self._cond.notify_all()

    def finish(self, ticket: Ticket) -> None:
        """The request is over: free its slot if still held, and charge its client."""
        self.release(ticket)
        with self._cond:
            if ticket.finished:
                return
            ticket.finished = True
            self._charge(ticket, time.monotonic(), requests=1)
            self._leave(ticket.client)
            if len(self._usage) > 10_000:  # forget clients that have decayed away
                now = time.monotonic()
                self._usage = {
                    c: u for c, u in self._usage.items() if self._decayed(c, now)[1] > 0.01
                }

    def _charge(self, ticket: Ticket, now: float, requests: int) -> None:
        """Add the worker time since the ticket was last charged to its client and
        its shape."""
        spent = now - ticket.started
        for who in (ticket.client, ("shape", ticket.shape) if ticket.shape else None):
            if who is not None:
                seconds, count = self._decayed(who, now)
                self._usage[who] = (seconds + spent, count + requests, now)
        ticket.started = now

    def waiting(self) -> int:
        with self._cond:
            return len(self._waiting)
