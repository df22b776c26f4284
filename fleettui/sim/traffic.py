"""What the simulator served: requests and bytes per endpoint, for tests and the bench.

An endpoint is the method and the path with its variable parts named (`GET
/v1/fleets/vehicles/{vin}`), so any endpoint added later is counted without a change
here; a list call with a `filter` is counted apart, by the fields it filters on (`GET
/v1/fleets/vehicles?filter=status`), so a test can tell a full list from a filtered one.
Bytes are what went on the wire for the answer: status line, headers and body.

Tests read `Simulator.traffic` in-process; a simulator in its own process (the bench)
answers `GET /_sim/traffic` with the same figures as JSON.
"""

from __future__ import annotations

import json
import re
import threading
import urllib.parse

#: Where a simulator in its own process tells its counts (not a provider path).
TRAFFIC_PATH = "/_sim/traffic"
#: Distinct endpoints kept; more (a client probing odd paths) are counted as one.
MAX_ENDPOINTS = 64
_VIN = re.compile(r"^[A-Za-z0-9]{17}$")
_ID = re.compile(r"^(\d+|[0-9a-fA-F-]{32,36})$")


def endpoint(method: str, path: str, query: str = "") -> str:
    """The counter's name for one request: `GET /v1/fleets/vehicles/{vin}`."""
    parts = []
    for segment in path.rstrip("/").split("/"):
        if _VIN.match(segment):
            segment = "{vin}"
        elif _ID.match(segment) or len(segment) > 40:
            segment = "{id}"
        parts.append(segment)
    name = f"{method} {'/'.join(parts) or '/'}"
    raw = urllib.parse.parse_qs(query, keep_blank_values=True).get("filter", [""])[-1]
    if raw:
        try:
            spec = json.loads(raw)
        except ValueError:
            spec = None
        fields = sorted(spec)[:6] if isinstance(spec, dict) else ["?"]
        name += "?filter=" + ",".join(f if f.isidentifier() else "?" for f in fields)
    return name


class Traffic:
    """Thread-safe counters: endpoint -> requests and bytes served."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, list[int]] = {}

    def record(self, name: str, nbytes: int) -> None:
        with self._lock:
            counts = self._counts.get(name)
            if counts is None:
                if len(self._counts) >= MAX_ENDPOINTS:
                    name = "other"
                counts = self._counts.setdefault(name, [0, 0])
            counts[0] += 1
            counts[1] += nbytes

    def snapshot(self) -> dict[str, dict[str, int]]:
        """{endpoint: {"requests": n, "bytes": b}} at this moment."""
        with self._lock:
            return {k: {"requests": r, "bytes": b} for k, (r, b) in sorted(self._counts.items())}

    def requests(self, prefix: str = "") -> int:
        """Requests served to endpoints whose name starts with `prefix`."""
        with self._lock:
            return sum(r for k, (r, _) in self._counts.items() if k.startswith(prefix))

    def bytes(self, prefix: str = "") -> int:
        """Bytes served to endpoints whose name starts with `prefix`."""
        with self._lock:
            return sum(b for k, (_, b) in self._counts.items() if k.startswith(prefix))

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()
