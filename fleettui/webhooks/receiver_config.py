"""What a webhook receiver is told: where it listens (loopback unless told otherwise), the
secret it checks signatures with, and its bounds (body size, deadlines, connections at
once and per peer, the events' freshness window, the queue)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from fleettui.webhooks import http
from fleettui.webhooks.slots import MAX_SLOTS, PER_PEER

LOOPBACK = ("127.0.0.1", "::1", "localhost")


def is_loopback(host: str) -> bool:
    return host in LOOPBACK or host.startswith("127.")


@dataclass(frozen=True)
class ReceiverConfig:
    secret: str = field(repr=False, default="")
    host: str = "127.0.0.1"
    port: int = 0
    path: str = "/hooks/hm"
    max_body: int = 256 * 1024
    #: The whole request (head and body) must arrive within this many seconds; the head
    #: within `head_timeout` of the connection, the body within `body_timeout` of the head.
    request_timeout: float = 15.0
    head_timeout: float = http.HEAD_TIMEOUT
    body_timeout: float = http.BODY_TIMEOUT
    #: Connections open at once, and for one peer address (see fleettui.webhooks.slots).
    max_connections: int = MAX_SLOTS
    per_peer: int = PER_PEER
    max_age: timedelta = timedelta(days=1)
    max_ahead: timedelta = timedelta(minutes=5)
    queue_size: int = 1000
    heartbeat: float = 5.0

    def problems(self) -> list[str]:
        out = []
        if len(self.secret) < 8:
            out.append("the webhook secret must be at least 8 characters")
        if not self.path.startswith("/"):
            out.append("the path must start with '/'")
        if not 0 <= self.port <= 65535:
            out.append("the port must be between 0 and 65535")
        return out
