"""Loading the hostile-input case files in tests/hostile/cases/.

One YAML file per case::

    description: what the input is
    ref: 1                    # row of "What the service must do" in hostile-inputs.md
    target: http | cli
    request:                  # http
      method: GET | POST
      path: /sparql
      params: {name: value}   # query string
      form: {name: value}     # urlencoded body (multipart when there is an upload)
      body: text              # raw body (with headers: {Content-Type: ...})
      headers: {name: value}
      upload: {name: file.ext, content: text | content_b64: ...}   # multipart "upload"
    args: [--as-at, DATE]     # cli: arguments before the files
    files: [{name: ..., content: ...}]
    expect:
      status: [400]           # http: any of these
      exit: 2                 # cli
      contains: [fragment]    # all of these, in the body (cli: stdout + stderr)
      contains_any: [a, b]    # at least one
      not_contains: [text]
      headers: {name: text}   # response headers containing the text

Any string may be ``{generate: {prefix, unit, times, middle, close, suffix}}``:
``prefix + unit*times + middle + close*times + suffix`` (for large or deep inputs);
with ``numbered: true``, ``{i}`` and ``{prev}`` in ``unit`` are the repetition's
number (from 1) and the one before (for chains of distinct names).
``{listener}`` in any string is replaced by the loopback listener's URL; ``{canary}``
and ``{canary_up}`` by the watched file outside the project (tests/hostile/canary.py),
as an absolute path and as a ``../`` path from the project.
"""

from __future__ import annotations

import base64
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import yaml

CASES = Path(__file__).resolve().parent / "cases"


def load_cases(target: str) -> list[tuple[str, dict[str, Any]]]:
    cases = []
    for path in sorted(CASES.glob("*.yaml")):
        case = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert {"description", "ref", "target", "expect"} <= case.keys(), path.name
        if case["target"] == target:
            cases.append((path.stem, case))
    return cases


def materialise(value: Any, placeholders: dict[str, str]) -> Any:
    """Expand ``generate`` specs and placeholders such as ``{listener}``, recursively."""
    if isinstance(value, str):
        for name, replacement in placeholders.items():
            value = value.replace(name, replacement)
        return value
    if isinstance(value, list):
        return [materialise(v, placeholders) for v in value]
    if isinstance(value, dict):
        if set(value) == {"generate"}:
            g = value["generate"]
            times = int(g["times"])
            units = (
                "".join(
                    g["unit"].replace("{i}", str(i)).replace("{prev}", str(i - 1))
                    for i in range(1, times + 1)
                )
                if g.get("numbered")
                else g["unit"] * times
            )
            return materialise(
                g.get("prefix", "")
                + units
                + g.get("middle", "")
                + g.get("close", "") * times
                + g.get("suffix", ""),
                placeholders,
            )
        return {k: materialise(v, placeholders) for k, v in value.items()}
    return value


def file_bytes(spec: dict[str, Any]) -> bytes:
    if "content_b64" in spec:
        return base64.b64decode(spec["content_b64"])
    return spec["content"].encode("utf-8")


def encode_request(request: dict[str, Any]) -> tuple[str, bytes | None, dict[str, str]]:
    """The path with its query string, the body and the headers of a case's request."""
    path = request["path"]
    if request.get("params"):
        path += "?" + urlencode(request["params"])
    headers = dict(request.get("headers") or {})
    body: bytes | None = None
    if "upload" in request:
        boundary = "hostile" + uuid.uuid4().hex
        parts = []
        for name, value in (request.get("form") or {}).items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
                + str(value).encode("utf-8")
                + b"\r\n"
            )
        upload = request["upload"]
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="upload"; '
            f'filename="{upload["name"]}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        )
        parts.append(head.encode() + file_bytes(upload) + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
    elif "form" in request:
        body = urlencode(request["form"]).encode()
        headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
    elif "body" in request:
        body = request["body"].encode("utf-8")
    return path, body, headers
