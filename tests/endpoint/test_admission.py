"""Fair admission to a worker pool (issue 13, item 3): bounded, per client, lightest first."""

from __future__ import annotations

import threading
import time

import pytest

from kg.endpoint.admission import FairQueue, Ticket
from kg.endpoint.errors import ServiceUnavailableError


def _enter_in_thread(queue: FairQueue, client: str, results: dict[str, object]) -> threading.Thread:
    def enter() -> None:
        try:
            results[client] = queue.enter(client, 5.0)
        except ServiceUnavailableError as e:
            results[client] = e

    thread = threading.Thread(target=enter, daemon=True)
    thread.start()
    return thread


def _until_waiting(queue: FairQueue, n: int) -> None:
    deadline = time.monotonic() + 5
    while queue.waiting() < n:
        assert time.monotonic() < deadline, "the requests never queued"
        time.sleep(0.005)


def _charge(queue: FairQueue, client: str, seconds: float) -> None:
    """Give ``client`` a history of ``seconds`` of worker time (a finished request)."""
    ticket = queue.enter(client, 1.0)
    ticket.started -= seconds
    queue.finish(ticket)


def test_one_client_over_its_limit_is_503_at_once_with_retry_after() -> None:
    queue = FairQueue(4, per_client=2, retry_after=3)
    held = [queue.enter("10.0.0.1", 1.0), queue.enter("10.0.0.1", 1.0)]
    # refused at once for what it is, with slots free (not "busy" after waiting)
    with pytest.raises(ServiceUnavailableError, match="already have 2 query requests") as info:
        queue.enter("10.0.0.1", 5.0)
    assert info.value.status == 503 and info.value.headers == {"Retry-After": "3"}
    queue.enter("10.0.0.2", 1.0)  # another client still gets in
    queue.finish(held[0])
    queue.enter("10.0.0.1", 1.0)  # and so does this one, once it has one fewer


def test_a_full_queue_refuses_at_once_unless_the_newcomer_is_lighter() -> None:
    queue = FairQueue(1, max_waiting=2, per_client=4)
    _charge(queue, "heavy", 5.0)
    _charge(queue, "medium", 1.0)
    running = queue.enter("first", 1.0)
    results: dict[str, object] = {}
    threads = [_enter_in_thread(queue, c, results) for c in ("heavy", "medium")]
    _until_waiting(queue, 2)
    # as heavy as the heaviest waiter: refused, not queued
    with pytest.raises(ServiceUnavailableError, match="queue is full") as info:
        queue.enter("heavy", 5.0)
    assert info.value.headers["Retry-After"] == "1"
    # a client with no history takes the heaviest waiter's place
    results_light: dict[str, object] = {}
    light = _enter_in_thread(queue, "light", results_light)
    threads[0].join(2)
    assert isinstance(results["heavy"], ServiceUnavailableError)
    assert "queue is full" in str(results["heavy"])
    queue.finish(running)
    light.join(2)
    assert isinstance(results_light["light"], Ticket)  # the lightest goes first
    queue.finish(results_light["light"])  # type: ignore[arg-type]
    threads[1].join(2)
    assert isinstance(results["medium"], Ticket)


def test_a_free_worker_goes_to_the_lightest_client_not_the_first_in_line() -> None:
    queue = FairQueue(1, max_waiting=8, per_client=4)
    for client in ("flood-1", "flood-2", "flood-3"):
        _charge(queue, client, 0.5)
    running = queue.enter("flood-1", 1.0)
    order: list[str] = []
    results: dict[str, object] = {}

    def enter(client: str) -> None:
        results[client] = queue.enter(client, 5.0)
        order.append(client)

    threads = []
    for i, client in enumerate(("flood-2", "flood-3", "ask")):
        threads.append(threading.Thread(target=enter, args=(client,), daemon=True))
        threads[-1].start()
        _until_waiting(queue, i + 1)
    queue.release(running)  # e.g. its query became long and left the pool
    _until_served(order, 1)
    assert order == ["ask"]  # arrived last, served first
    queue.finish(results["ask"])  # type: ignore[arg-type]
    _until_served(order, 2)
    queue.finish(results["flood-2"])  # type: ignore[arg-type]
    _until_served(order, 3)
    assert order == ["ask", "flood-2", "flood-3"]  # then in arrival order among equals
    for thread in threads:
        thread.join(2)
    queue.finish(running)


def _until_served(order: list[str], n: int) -> None:
    deadline = time.monotonic() + 5
    while len(order) < n:
        assert time.monotonic() < deadline, f"served so far: {order}"
        time.sleep(0.005)


def test_a_worker_is_kept_for_short_requests_while_long_ones_flood() -> None:
    queue = FairQueue(2, prior=0.1)  # one of the two slots reserved for light clients
    for client in ("flood-1", "flood-2"):
        _charge(queue, client, 5.0)
    for _ in range(3):
        _charge(queue, "asker", 0.002)
    running = queue.enter("flood-1", 1.0)
    with pytest.raises(ServiceUnavailableError, match="busy"):
        queue.enter("flood-2", 0.2)  # the other slot is not for it
    short = queue.enter("asker", 0.0)  # but is free for a short question: no wait at all
    queue.finish(short)
    queue.finish(running)
    queue.finish(queue.enter("flood-2", 0.2))  # and free for anyone when no flood runs


def test_waiting_past_the_deadline_is_503() -> None:
    queue = FairQueue(1)
    held = queue.enter("a", 1.0)
    with pytest.raises(ServiceUnavailableError, match="all 1 query workers are busy") as info:
        queue.enter("b", 0.1)
    assert info.value.headers["Retry-After"] == "1"
    queue.finish(held)
    queue.finish(queue.enter("b", 0.1))  # the slot came back; nothing leaked
    assert queue.waiting() == 0


def test_a_clients_cost_is_its_mean_worker_time_decaying_to_the_prior() -> None:
    queue = FairQueue(2, half_life=0.2, prior=0.1)
    assert queue.cost("new") == pytest.approx(0.1)
    _charge(queue, "a", 1.0)
    now = time.monotonic()
    assert queue.cost("a", now) == pytest.approx((1.0 + 0.1) / 2, rel=0.02)
    # two half-lives on: a quarter of the seconds and of the requests remain
    assert queue.cost("a", now + 0.4) == pytest.approx((0.25 + 0.1) / 1.25, rel=0.02)
    for _ in range(20):  # many short requests bring the mean down, however many
        _charge(queue, "b", 0.001)
    assert queue.cost("b") < 0.01


def _charge_shape(queue: FairQueue, client: str, shape: str, seconds: float) -> None:
    ticket = queue.enter(client, 1.0, shape=shape)
    ticket.started -= seconds
    queue.finish(ticket)


def test_a_querys_own_history_counts_before_its_clients() -> None:
    """Visitors who mix pages, short queries and the odd runaway one look alike by
    client; what they ask does not."""
    queue = FairQueue(2, half_life=60, prior=0.1)
    _charge_shape(queue, "mixed", "runaway", 8.0)
    _charge_shape(queue, "other", "cq18", 0.04)
    assert queue.cost("mixed") == pytest.approx(4.05, rel=0.01)  # (8 + prior) / 2
    # the short query costs what it cost before, whoever asks it
    assert queue.cost("mixed", shape="cq18") == pytest.approx(0.04, rel=0.01)
    assert queue.cost("new", shape="runaway") == pytest.approx(8.0, rel=0.01)
    # a shape never seen (a runaway query disguised anew) goes by its client
    now = time.monotonic()
    assert queue.cost("mixed", now, shape="disguised") == queue.cost("mixed", now)


def test_a_full_queue_keeps_the_short_query_and_refuses_the_runaway_one() -> None:
    queue = FairQueue(1, max_waiting=1, per_client=4, half_life=60)
    _charge_shape(queue, "history", "runaway", 8.0)
    _charge_shape(queue, "history", "cq18", 0.04)
    for client in ("a", "b"):  # two alike clients: each ran one of each
        _charge_shape(queue, client, "runaway", 8.0)
        _charge_shape(queue, client, "cq18", 0.04)
    running = queue.enter("a", 1.0, shape="cq18")
    waiting: dict[str, object] = {}

    def enter(client: str, shape: str) -> None:
        try:
            waiting[client] = queue.enter(client, 5.0, shape=shape)
        except ServiceUnavailableError as e:
            waiting[client] = e

    runaway = threading.Thread(target=enter, args=("a", "runaway"), daemon=True)
    runaway.start()
    _until_waiting(queue, 1)
    short = threading.Thread(target=enter, args=("b", "cq18"), daemon=True)
    short.start()  # the queue is full: the short query takes the runaway's place
    runaway.join(2)
    assert isinstance(waiting["a"], ServiceUnavailableError)
    assert "queue is full" in str(waiting["a"])
    queue.finish(running)
    short.join(2)
    assert isinstance(waiting["b"], Ticket)
    queue.finish(waiting["b"])  # type: ignore[arg-type]
