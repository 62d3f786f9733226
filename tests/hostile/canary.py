"""A file outside the project that no request may open, watched with inotify.

The hostile cases point at it (``{canary}``, ``{canary_up}``) where an attacker would
point at /etc/passwd. Linux reports every open of the file to the watch, whichever
process opens it, so "no file read outside the project" is observed, not inferred
from the response.
"""

from __future__ import annotations

import ctypes
import os
import secrets
import struct
from pathlib import Path

IN_ACCESS = 0x001
IN_OPEN = 0x020
IN_NONBLOCK = os.O_NONBLOCK


class Canary:
    def __init__(self, directory: Path) -> None:
        self.secret = "canary-" + secrets.token_hex(8)
        self.path = directory / "secret.txt"
        self.path.write_text(f"root:x:0:0:{self.secret}\n", encoding="utf-8")
        libc = ctypes.CDLL(None, use_errno=True)
        self.fd = libc.inotify_init1(IN_NONBLOCK)
        if self.fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1")
        watch = libc.inotify_add_watch(self.fd, str(self.path).encode(), IN_OPEN | IN_ACCESS)
        if watch < 0:
            raise OSError(ctypes.get_errno(), "inotify_add_watch")

    def placeholders(self, home: Path) -> dict[str, str]:
        """``{canary}``: its absolute path; ``{canary_up}``: a ``../`` path from ``home``."""
        up = "../" * len(Path(home).resolve().parts) + str(self.path).lstrip("/")
        return {"{canary}": str(self.path), "{canary_up}": up}

    def opened(self) -> int:
        """How many opens or reads happened since the last call."""
        events = 0
        while True:
            try:
                data = os.read(self.fd, 4096)
            except BlockingIOError:
                return events
            offset = 0
            while offset < len(data):
                _wd, _mask, _cookie, length = struct.unpack_from("iIII", data, offset)
                events += 1
                offset += 16 + length

    def close(self) -> None:
        os.close(self.fd)
