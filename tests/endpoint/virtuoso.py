"""Start a throw-away Virtuoso Open Source (Debian's ``virtuoso-opensource``).

Used by the integration tests and by ``bench/endpoint_bench.py``. The server runs
on 127.0.0.1 on free ports, with its database in a temporary folder, and is
stopped (and the folder left to the caller) afterwards. A fresh database has the
account ``dba``/``dba``; ``/sparql`` is public and read-only, updates go to
``/sparql-auth`` and the Graph Store Protocol to ``/sparql-graph-crud-auth`` (HTTP
Digest authentication).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

DBA_USER = "dba"
DBA_PASSWORD = "dba"

INI = """\
[Database]
DatabaseFile       = {dir}/virtuoso.db
ErrorLogFile       = {dir}/virtuoso.log
LockFile           = {dir}/virtuoso.lck
TransactionFile    = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {dir}/virtuoso-temp.db
TransactionFile    = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort               = 127.0.0.1:{sql_port}
DisableUnixSocket        = 1
DisableTcpSocket         = 0
MaxClientConnections     = 20
CheckpointInterval       = 60
O_DIRECT                 = 0
CaseMode                 = 2
MaxStaticCursorRows      = 5000
AllowOSCalls             = 0
DirsAllowed              = {dir}
NumberOfBuffers          = {buffers}
MaxDirtyBuffers          = {dirty_buffers}
ThreadsPerQuery          = 2
MaxQueryMem              = 1G

[HTTPServer]
ServerPort                  = 127.0.0.1:{http_port}
ServerRoot                  = {dir}/vsp
MaxClientConnections        = 20
DavRoot                     = DAV
EnabledDavVSP               = 0
HTTPProxyEnabled            = 0
ServerThreads               = 20
MaxKeepAlives               = 20
KeepAliveTimeout            = 10
Charset                     = UTF-8

[Client]
SQL_PREFETCH_ROWS  = 100
SQL_PREFETCH_BYTES = 16000
SQL_QUERY_TIMEOUT  = 0
SQL_TXN_TIMEOUT    = 0

[SPARQL]
ResultSetMaxRows           = 1000000
MaxQueryCostEstimationTime = 400
MaxQueryExecutionTime      = {max_seconds}
DeferInferenceRulesInit    = 0
"""


def find_virtuoso() -> str | None:
    return shutil.which("virtuoso-t")


def require_virtuoso() -> str:
    """The ``virtuoso-t`` path; skip without it, except on CI (``CI=true``): fail."""
    path = find_virtuoso()
    if path:
        return path
    reason = (
        "Virtuoso Open Source is not installed (virtuoso-t not found); "
        "install it with: apt-get install virtuoso-opensource"
    )
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason + " -- required on CI")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Virtuoso:
    """A Virtuoso server in ``directory`` (created), started by :meth:`start`."""

    def __init__(
        self,
        directory: Path,
        *,
        buffers: int = 20000,
        max_seconds: int = 60,
        executable: str | None = None,
    ) -> None:
        self.directory = Path(directory)
        self.executable = executable or find_virtuoso() or "virtuoso-t"
        self.http_port = _free_port()
        self.sql_port = _free_port()
        self.buffers = buffers
        self.max_seconds = max_seconds
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def sparql_url(self) -> str:
        return self.base + "/sparql"

    @property
    def update_url(self) -> str:
        return self.base + "/sparql-auth"

    @property
    def gsp_url(self) -> str:
        return self.base + "/sparql-graph-crud-auth"

    def start(self, timeout: float = 90) -> Virtuoso:
        self.directory.mkdir(parents=True, exist_ok=True)
        (self.directory / "vsp").mkdir(exist_ok=True)
        ini = self.directory / "virtuoso.ini"
        ini.write_text(
            INI.format(
                dir=self.directory,
                sql_port=self.sql_port,
                http_port=self.http_port,
                buffers=self.buffers,
                dirty_buffers=self.buffers * 3 // 4,
                max_seconds=self.max_seconds,
            ),
            encoding="utf-8",
        )
        log = (self.directory / "stdout.log").open("wb")
        self.process = subprocess.Popen(
            [self.executable, "-f", "-c", str(ini)],
            cwd=self.directory,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        log.close()
        deadline = time.monotonic() + timeout
        probe = self.sparql_url + "?" + urllib.parse.urlencode({"query": "ASK {}"})
        while True:
            try:
                with urllib.request.urlopen(probe, timeout=5) as response:
                    if response.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"Virtuoso did not start; see {self.directory}/virtuoso.log")
            time.sleep(0.2)

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
        self.process = None

    def peak_memory_kb(self) -> int | None:
        if self.process is None:
            return None
        try:
            for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        except OSError:
            return None
        return None

    def __enter__(self) -> Virtuoso:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
