"""The smallest HTTP/1.1 a webhook receiver needs, on asyncio streams, with hard bounds.

One request per connection (`Connection: close`), a `Content-Length` body only (chunked
bodies are refused with 411), a bounded head (`MAX_HEAD`) and body (the caller's limit).
The head must arrive within `HEAD_TIMEOUT` of the connection, the body within
`BODY_TIMEOUT` of the head: each connection's own deadlines, whatever else is open, so a
client trickling bytes (slowloris) or sending nothing is cut off when its time is up.
Every number in a header is read as ASCII digits only (`str.isdigit` also accepts "²",
which `int` refuses).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field

MAX_HEAD = 16 * 1024
#: Seconds from the connection to the end of the request head. A sender writes its head
#: at once; a connection still silent after this is idle and is closed.
HEAD_TIMEOUT = 5.0
#: Seconds from the head to the end of the body (at most the receiver's 256 KB).
BODY_TIMEOUT = 10.0
#: Longest Content-Length text read (a trillion bytes has 13 digits).
_MAX_DIGITS = 12
REASONS = {
    200: "OK",
    202: "Accepted",
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    405: "Method Not Allowed",
    408: "Request Timeout",
    411: "Length Required",
    413: "Content Too Large",
    422: "Unprocessable Content",
    431: "Request Header Fields Too Large",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


class HttpRefusal(Exception):
    """A request refused before its body was judged: status and a short public reason."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(slots=True)
class Request:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    #: Header names sent more than once (a signature sent twice is refused).
    repeated: frozenset[str] = frozenset()

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


def header_number(value: str | None) -> int | None:
    """A header's non-negative integer: ASCII digits only, at most 12 of them; None for
    anything else (so "²", "+5", " 1_0" or a thousand digits never reach `int`)."""
    if value is None or not value or len(value) > _MAX_DIGITS:
        return None
    if not (value.isascii() and value.isdigit()):
        return None
    return int(value)


async def read_request(
    reader: asyncio.StreamReader,
    max_body: int,
    *,
    head_timeout: float = HEAD_TIMEOUT,
    body_timeout: float = BODY_TIMEOUT,
    on_head: Callable[[], None] | None = None,
) -> Request:
    """One request; `on_head` is called once its head has arrived. HttpRefusal for
    anything refused, 408 when the head or the body is late."""
    try:
        async with asyncio.timeout(head_timeout):
            head = await reader.readuntil(b"\r\n\r\n")
    except TimeoutError:
        raise HttpRefusal(408, "request head not received in time") from None
    except asyncio.LimitOverrunError:
        raise HttpRefusal(431, "request head too large") from None
    except asyncio.IncompleteReadError:
        raise HttpRefusal(400, "connection closed before the request head ended") from None
    if on_head is not None:
        on_head()
    if len(head) > MAX_HEAD:
        raise HttpRefusal(431, "request head too large")
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        raise HttpRefusal(400, "not an HTTP/1.x request line")
    method, target, _ = parts
    headers: dict[str, str] = {}
    repeated: set[str] = set()
    for line in lines[1:]:
        if not line:
            continue
        name, sep, value = line.partition(":")
        if not sep or not name or name != name.strip():
            raise HttpRefusal(400, "malformed header line")
        key = name.lower()
        if key in headers:
            repeated.add(key)
        headers[key] = value.strip()
    req = Request(method, target.split("?", 1)[0], headers, b"", frozenset(repeated))
    if "transfer-encoding" in headers:
        raise HttpRefusal(411, "chunked bodies are not accepted; send Content-Length")
    length = headers.get("content-length")
    if method != "POST":
        return req
    if length is None:
        raise HttpRefusal(411, "Content-Length is required")
    n = header_number(length)
    if n is None or "content-length" in repeated:
        raise HttpRefusal(400, "invalid Content-Length")
    if n > max_body:
        raise HttpRefusal(413, f"body over {max_body} bytes")
    try:
        async with asyncio.timeout(body_timeout):
            req.body = await reader.readexactly(n)
    except TimeoutError:
        raise HttpRefusal(408, "request body not received in time") from None
    except asyncio.IncompleteReadError:
        raise HttpRefusal(400, "connection closed before the body ended") from None
    return req


def response(status: int, message: str) -> bytes:
    body = json.dumps({"status": status, "message": message}).encode()
    head = (
        f"HTTP/1.1 {status} {REASONS.get(status, 'Error')}\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    )
    return head.encode("latin-1") + body
