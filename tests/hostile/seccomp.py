"""Run a command with ``unshare`` refused, as a container's seccomp profile does.

``python tests/hostile/seccomp.py CMD ARGS...`` installs a seccomp filter that
answers ``unshare(2)`` with ``EPERM`` (every other system call is allowed), then
executes ``CMD``. The filter is inherited by every process ``CMD`` starts, so
the fork server of ``kg serve`` meets exactly what a hardened host gives it.
"""

from __future__ import annotations

import ctypes
import os
import platform
import struct
import sys

# (audit architecture, number of unshare) per machine
_ARCHES = {"x86_64": (0xC000003E, 272), "aarch64": (0xC00000B7, 97)}
_PR_SET_NO_NEW_PRIVS, _PR_SET_SECCOMP, _SECCOMP_MODE_FILTER = 38, 22, 2
_LD_W_ABS, _JEQ_K, _RET_K = 0x20, 0x15, 0x06
_RET_ALLOW, _RET_ERRNO = 0x7FFF0000, 0x00050000
_EPERM = 1


def supported() -> bool:
    return sys.platform == "linux" and platform.machine() in _ARCHES


def deny_unshare() -> None:
    """Install the filter in this process (irreversible; inherited by children)."""
    arch, nr = _ARCHES[platform.machine()]
    program = [
        (_LD_W_ABS, 0, 0, 4),  # seccomp_data.arch
        (_JEQ_K, 0, 3, arch),  # another architecture: allow
        (_LD_W_ABS, 0, 0, 0),  # seccomp_data.nr
        (_JEQ_K, 0, 1, nr),
        (_RET_K, 0, 0, _RET_ERRNO | _EPERM),
        (_RET_K, 0, 0, _RET_ALLOW),
    ]
    code = b"".join(struct.pack("HBBI", *insn) for insn in program)
    buffer = ctypes.create_string_buffer(code, len(code))

    class _Prog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    prog = _Prog(len(program), ctypes.addressof(buffer))
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS)")
    if libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_SECCOMP)")


if __name__ == "__main__":
    deny_unshare()
    os.execvp(sys.argv[1], sys.argv[1:])
