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
    WORKER_NICE,
    die_with_parent,
    no_core_dumps,
    no_network,
)


def zygote_main() -> None:
    """A fork server: a clean, single-threaded process that forks the workers.

    Started by :class:`WorkerPool` as ``python -c ...`` with its control socket as
    file descriptor ``KG_ZYGOTE_FD``. In ``memory`` mode it first loads the store
    into memory (the workers share it, copy-on-write). It then writes ``R`` (ready)
    and, for each ``spawn`` request, forks a worker and sends back the worker's pid
    and one end of a socket pair to talk to it.
    """
    fd = int(os.environ["KG_ZYGOTE_FD"])
    store_dir = os.environ["KG_ZYGOTE_STORE"]
    mode = os.environ.get("KG_ZYGOTE_MODE", "disk")
    memory_mb = int(os.environ.get("KG_ZYGOTE_MEMORY_MB", "0"))
    sandbox = os.environ.get("KG_ZYGOTE_SANDBOX", "1") == "1"
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # No PR_SET_PDEATHSIG here: it fires when the *thread* that started us ends.
    # The control socket tells us when the web process has gone (EOF), and the
    # workers die with us (their PR_SET_PDEATHSIG refers to our only thread).
    network = no_network() if sandbox else "not requested"
    control = socket.socket(fileno=fd)
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
            KG_ZYGOTE_SANDBOX="1" if pool.sandbox else "0",
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

    def wait_ready(self, timeout: float) -> bool:
        self.control.settimeout(timeout)
        try:
            return self.control.recv(1) == b"R"
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
