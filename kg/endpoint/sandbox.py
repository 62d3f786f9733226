"""What a worker process may do: its sandbox.

Set up in the fork server (network) and in each forked worker (the rest): no
network where the kernel allows it (:func:`no_network`), an address-space limit
(:func:`limit_memory`), no core dumps, death with the fork server, a lower CPU
priority (:data:`WORKER_NICE`).

The network sandbox is what stops a query that slipped past the guard from
reaching another machine, so it fails closed: under the ``required`` policy
(:data:`REQUIRED`, the default) a fork server that cannot set it up refuses to
fork workers and says why (:func:`refusal`); ``optional`` (the documented
override, ``KG_WORKER_SANDBOX=optional``) serves without it, logged.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import resource
import signal

WORKER_NICE = 5  # below the web process: pages first
LONG_QUERY_NICE = 19  # a long query gets only the CPU nothing else wants

REQUIRED, OPTIONAL = "required", "optional"
POLICIES = (REQUIRED, OPTIONAL)
#: The environment variable that overrides the policy (``Settings.worker_sandbox``).
OVERRIDE = "KG_WORKER_SANDBOX=optional"


def no_core_dumps() -> None:
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def unlimit_memory() -> None:
    with contextlib.suppress(ValueError, OSError):
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (hard, hard))


def limit_memory(extra_mb: int) -> None:
    """Let this process grow by ``extra_mb`` more address space, then fail.

    Only the soft limit is set, relative to what the process holds now (an opened
    RocksDB store reserves about 730 MB of address space; the in-memory store is
    inherited), so the worker can widen it again after reopening a new build.
    """
    if extra_mb <= 0:
        return
    limit = (vm_size_mb() + extra_mb) * 1024 * 1024
    with contextlib.suppress(ValueError, OSError):
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def die_with_parent() -> None:
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def no_network() -> str:
    """Move this (single-threaded) process into an empty network namespace."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return "unavailable (no libc)"
    clone_newnet, clone_newuser = 0x40000000, 0x10000000
    if libc.unshare(clone_newnet) == 0:
        return "network namespace"
    if libc.unshare(clone_newuser | clone_newnet) == 0:
        return "user and network namespace"
    return f"unavailable ({os.strerror(ctypes.get_errno())})"


def in_force(network: str) -> bool:
    """Whether :func:`no_network`'s outcome is a working network sandbox."""
    return "namespace" in network


def refusal(network: str, what: str = "query") -> str:
    """The message of a fork server that will not run workers without the sandbox."""
    return (
        f"the {what} workers' network sandbox cannot be set up: unshare(CLONE_NEWNET) "
        f"is {network} (a seccomp profile or a host that forbids namespaces); "
        f"refusing to start the {what} workers without it. To run them anyway, with the guard "
        f"alone stopping SERVICE, set {OVERRIDE} (docs/endpoint.md#the-worker-sandbox)"
    )


def vm_size_mb() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0
