"""The smallest HTTP/1.1 a webhook receiver needs, on asyncio streams, with hard bounds.

One request per connection (`Connection: close`), a `Content-Length` body only (chunked
bodies are refused with 411), a bounded head (`MAX_HEAD`) and body (the caller's limit).
The whole request — head and body — must arrive within one deadline, so a client trickling
bytes (slowloris) is cut off when its time is up, however steadily it trickles.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field

MAX_HEAD = 16 * 1024
REASONS = {200: "OK", 202: "Accepted", 400: "Bad Request", 401: "Unauthorized",
           404: "Not Found", 405: "Method Not Allowed", 408: "Request Timeout",
           411: "Length Required", 413: "Content Too Large", 422: "Unprocessable Content",
           431: "Request Header Fields Too Large", 500: "Internal Server Error",
           503: "Service Unavailable"}


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


async def read_request(reader: asyncio.StreamReader, max_body: int) -> Request:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.LimitOverrunError:
        raise HttpRefusal(431, "request head too large") from None
    except asyncio.IncompleteReadError:
        raise HttpRefusal(400, "connection closed before the request head ended") from None
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
    if not length.isdigit() or "content-length" in repeated:
        raise HttpRefusal(400, "invalid Content-Length")
    n = int(length)
    if n > max_body:
        raise HttpRefusal(413, f"body over {max_body} bytes")
    try:
        req.body = await reader.readexactly(n)
    except asyncio.IncompleteReadError:
        raise HttpRefusal(400, "connection closed before the body ended") from None
    return req


def response(status: int, message: str) -> bytes:
    body = json.dumps({"status": status, "message": message}).encode()
    head = (f"HTTP/1.1 {status} {REASONS.get(status, 'Error')}\r\n"
            "Content-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n"
            "Connection: close\r\n\r\n")
    return head.encode("latin-1") + body
