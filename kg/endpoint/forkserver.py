"""The fork server: a clean single-threaded process that forks the query workers.

:func:`zygote_main` runs in the fork server; :class:`Zygote` is the web process's
handle on one.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from kg.endpoint import errors
from kg.endpoint.jobs import open_for_serving, worker_loop
from kg.endpoint.sandbox import (
    OPTIONAL,
    REQUIRED,
    WORKER_NICE,
    die_with_parent,
    in_force,
    no_core_dumps,
    no_network,
    refusal,
)


def zygote_main() -> None:
    """A fork server: a clean, single-threaded process that forks the workers.

    Started by :class:`WorkerPool` as ``python -c ...`` with its control socket as
    file descriptor ``KG_ZYGOTE_FD``. In ``memory`` mode it first loads the store
    into memory (the workers share it, copy-on-write). It then writes ``R`` (ready)
    or, when the sandbox is required and cannot be set up, ``S`` and the reason,
    and ends without forking anything. For each ``spawn`` request, it forks a
    worker and sends back the worker's pid and one end of a socket pair to it.
    """
    fd = int(os.environ["KG_ZYGOTE_FD"])
    store_dir = os.environ["KG_ZYGOTE_STORE"]
    mode = os.environ.get("KG_ZYGOTE_MODE", "disk")
    memory_mb = int(os.environ.get("KG_ZYGOTE_MEMORY_MB", "0"))
    policy = os.environ.get("KG_ZYGOTE_SANDBOX", REQUIRED)
    what = os.environ.get("KG_ZYGOTE_WHAT", "query")
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # No PR_SET_PDEATHSIG here: it fires when the *thread* that started us ends.
    # The control socket tells us when the web process has gone (EOF), and the
    # workers die with us (their PR_SET_PDEATHSIG refers to our only thread).
    network = no_network()
    control = socket.socket(fileno=fd)
    if policy != OPTIONAL and not in_force(network):
        # fail closed: no worker ever runs without the network sandbox unless asked
        with contextlib.suppress(OSError):
            control.sendall(b"S" + refusal(network, what).encode("utf-8"))
        return
    store: Any = None
    version: str | None = None
    if mode == "memory":
        try:
            store, version = open_for_serving(Path(store_dir), "memory")
        except (errors.EndpointError, OSError) as e:
            print(f"kg.endpoint: cannot load the store into memory: {e}", file=sys.stderr)
            return
    if os.environ.get("KG_ZYGOTE_PRELOAD") == "validation":
        # the shapes and the statute reference, once: the workers share them
        try:
            from kg.validation.validator import default_validator

            default_validator()
        except Exception as e:  # each worker will try again and report it
            print(f"kg.endpoint: cannot prepare validation: {e}", file=sys.stderr)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # workers are reaped automatically
    try:
        control.sendall(b"R")
    except OSError:
        return
    while True:
        try:
            request = control.recv(16)
        except (OSError, InterruptedError):
            request = b""
        if not request:
            return  # the web process has gone
        if request != b"spawn":
            continue
        ours, theirs = socket.socketpair()
        pid = os.fork()
        if pid == 0:  # the worker
            try:
                control.close()
                ours.close()
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                die_with_parent()
                no_core_dumps()
                with contextlib.suppress(OSError):
                    os.nice(WORKER_NICE)
                worker_loop(
                    Connection(theirs.detach()), store_dir, memory_mb, network, store, version
                )
            finally:
                os._exit(0)
        theirs.close()
        try:
            socket.send_fds(control, [pid.to_bytes(8, "little")], [ours.fileno()])
        except OSError:
            return
        finally:
            ours.close()


class Zygote:
    """The web process's handle on one fork server."""

    def __init__(self, pool: Any, mode: str) -> None:
        ours, theirs = socket.socketpair()
        env = dict(os.environ)
        env.update(
            KG_ZYGOTE_FD=str(theirs.fileno()),
            KG_ZYGOTE_STORE=str(pool.store_dir),
            KG_ZYGOTE_MODE=mode,
            KG_ZYGOTE_MEMORY_MB=str(pool.memory_mb),
            KG_ZYGOTE_SANDBOX=pool.sandbox,
            KG_ZYGOTE_WHAT=pool.what,
            KG_ZYGOTE_PRELOAD=pool.preload or "",
            RUST_BACKTRACE="0",
            PYTHONWARNINGS="ignore",
        )
        self.mode = mode
        self.version = os.path.realpath(pool.store_dir)
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from kg.endpoint.forkserver import zygote_main; zygote_main()"],
            pass_fds=[theirs.fileno()],
            env=env,
            stdin=subprocess.DEVNULL,
            close_fds=True,
        )
        theirs.close()
        self.control = ours
        self.lock = threading.Lock()
        self.workers = 0
        self.refusal: str | None = None  # why it would not fork workers

    def wait_ready(self, timeout: float) -> bool:
        self.control.settimeout(timeout)
        try:
            status = self.control.recv(1)
            if status == b"S":
                chunks = []
                while chunk := self.control.recv(4096):
                    chunks.append(chunk)
                self.refusal = b"".join(chunks).decode("utf-8", "replace")
            return status == b"R"
        except OSError:
            return False

    def spawn(self, timeout: float) -> tuple[int, Connection]:
        with self.lock:
            if self.process.poll() is not None:
                raise errors.ServiceUnavailableError(
                    "a fork server of the query workers has stopped"
                )
            self.control.settimeout(timeout)
            try:
                self.control.sendall(b"spawn")
                data, fds, _flags, _addr = socket.recv_fds(self.control, 8, 1)
            except OSError as e:
                raise errors.ServiceUnavailableError(f"cannot start a query worker ({e})") from None
        if not fds:
            raise errors.ServiceUnavailableError("a fork server of the query workers has stopped")
        return int.from_bytes(data, "little"), Connection(fds[0])

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.control.close()
        with contextlib.suppress(OSError):
            self.process.kill()
        with contextlib.suppress(Exception):
            self.process.wait(5)
