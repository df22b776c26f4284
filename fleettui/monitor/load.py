"""The provider load of this monitor: requests and megabytes per hour, from its clients.

Each client (`FleetClient`) counts the requests it sent (retries and token calls too)
and the bytes of every answer it read; `ProviderLoad` samples both after each refresh
and gives the rate over the last hour (over the time since connecting, before an hour
has passed). Plain data: the header's health line and the `E` panel show `text()`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any

#: The rate is measured over this many seconds (or since connecting, if less).
WINDOW = 3600.0
#: Before this many seconds of data a rate says little (the first full list dominates).
MIN_SPAN = 60.0
MB = 1_000_000


class ProviderLoad:
    """Requests and bytes per hour this monitor asked of the provider."""

    def __init__(self, monotonic: Callable[[], float]) -> None:
        self._monotonic = monotonic
        self._clients: tuple[Any, ...] = ()
        #: (monotonic time, requests, bytes), oldest first.
        self._samples: deque[tuple[float, int, int]] = deque()

    def reset(self, *clients: Any) -> None:
        """A new account's clients: count from zero."""
        self._clients = tuple(c for c in clients if c is not None)
        self._samples.clear()
        self._samples.append((self._monotonic(), 0, 0))

    def totals(self) -> tuple[int, int]:
        """(requests, bytes) of the clients so far."""
        requests = sum(int(getattr(c, "requests_sent", 0) or 0) for c in self._clients)
        received = sum(int(getattr(c, "bytes_received", 0) or 0) for c in self._clients)
        return requests, received

    def sample(self) -> None:
        """Take the clients' counts now (after each refresh); keep one sample older
        than the window, so the rate covers a whole hour."""
        now = self._monotonic()
        self._samples.append((now, *self.totals()))
        while len(self._samples) > 2 and now - self._samples[1][0] >= WINDOW:
            self._samples.popleft()

    def per_hour(self) -> tuple[float, float] | None:
        """(requests per hour, bytes per hour) over the window; None before MIN_SPAN."""
        if len(self._samples) < 2:
            return None
        t0, r0, b0 = self._samples[0]
        t1, r1, b1 = self._samples[-1]
        span = t1 - t0
        if span < MIN_SPAN:
            return None
        return (r1 - r0) * 3600.0 / span, (b1 - b0) * 3600.0 / span

    def text(self) -> str:
        """`provider 245 req/h, 96 MB/h` (empty before there is a rate to tell)."""
        rate = self.per_hour()
        if rate is None:
            return ""
        requests, received = rate
        mb = received / MB
        size = f"{mb:.0f}" if mb >= 10 else f"{mb:.1f}"
        return f"provider {requests:.0f} req/h, {size} MB/h"
