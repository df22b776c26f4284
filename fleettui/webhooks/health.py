"""Webhook health: the counters a receiver keeps and the snapshot monitors show.

`Counters` is the receiver's live, thread-safe tally. `HealthSnapshot` is what crosses to
a monitor (directly, or through the receiver's database for a monitor attached to a
receiver in another process); it knows how to say itself in one short header line.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from typing import Any

HOUR = 3600.0
#: A receiver whose heartbeat is older than this is taken as not running.
HEARTBEAT_STALE = 30.0

COUNTER_NAMES = (
    "accepted",
    "pings",
    "duplicates",
    "bad_signatures",
    "bad_payloads",
    "stale_events",
    "unknown_events",
    "refused_other",
    "disagreements",
    "refused_busy",
    "dropped_idle",
)


@dataclass(frozen=True, slots=True)
class HealthSnapshot:
    """Times are wall-clock epochs (None: never). Counters count since the receiver started."""

    listening: str = ""
    last_ping: float | None = None
    last_delivery: float | None = None
    per_hour: int = 0
    accepted: int = 0
    pings: int = 0
    duplicates: int = 0
    bad_signatures: int = 0
    bad_payloads: int = 0
    stale_events: int = 0
    unknown_events: int = 0
    refused_other: int = 0
    disagreements: int = 0
    #: Connections turned away because every slot was busy with a request under way.
    refused_busy: int = 0
    #: Connections closed to make room because they had sent no request head.
    dropped_idle: int = 0
    heartbeat: float | None = None
    last_bad_signature: float | None = None
    last_refused_busy: float | None = None
    #: Set by the monitor: the list showed changes no delivery announced for a while.
    push_silent: bool = False
    #: Set by the monitor for a receiver it sees from afar (the shared desk's): which one
    #: and how fresh its beat is, said after the header's words ("desk receiver on ana-pc, 1 standby").
    via: str = ""

    def alive(self, now: float) -> bool:
        return self.heartbeat is not None and now - self.heartbeat < HEARTBEAT_STALE

    def with_monitor(self, disagreements: int, push_silent: bool) -> HealthSnapshot:
        return replace(self, disagreements=disagreements, push_silent=push_silent)

    @property
    def refused(self) -> int:
        return self.bad_signatures + self.bad_payloads + self.stale_events + self.refused_other

    def status(self, now: float) -> str:
        """ "down", "alert" (push and list disagree, bad signatures or connections turned
        away for want of a slot in the last hour), "waiting" (no delivery yet) or "ok"."""
        if not self.alive(now):
            return "down"
        if self.push_silent or any(
            t is not None and now - t < HOUR
            for t in (self.last_bad_signature, self.last_refused_busy)
        ):
            return "alert"
        if self.last_delivery is None and self.last_ping is None:
            return "waiting"
        return "ok"

    def header_text(self, now: float) -> str:
        """A short line for the monitor's header, e.g. `push ok 12/h`, `push ! 3 bad sig`."""
        text = self._header_words(now)
        return f"{text} · {self.via}" if self.via else text

    def _header_words(self, now: float) -> str:
        state = self.status(now)
        if state == "down":
            return "push ✗ receiver down"
        if state == "alert":
            if self.push_silent:
                return "push ! silent"
            if self.last_refused_busy is not None and now - self.last_refused_busy < HOUR:
                return f"push ! {self.refused_busy} refused busy"
            return f"push ! {self.bad_signatures} bad sig"  # in the last hour
        if state == "waiting":
            return "push … waiting"
        return f"push ✓ {self.per_hour}/h"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Any) -> HealthSnapshot:
        """From the database's stored form; anything odd falls back to the default."""
        if not isinstance(data, dict):
            return cls()
        out: dict[str, Any] = {}
        for name in cls.__dataclass_fields__:
            value = data.get(name)
            default = getattr(cls(), name)
            if isinstance(default, bool):
                if isinstance(value, bool):
                    out[name] = value
            elif isinstance(default, int) and not isinstance(default, bool):
                if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
                    out[name] = value
            elif name == "listening":
                if isinstance(value, str):
                    out[name] = value[:200]
            elif isinstance(value, int | float) and not isinstance(value, bool):
                out[name] = float(value)
        return cls(**out)


@dataclass
class Counters:
    """The receiver's tally; every method is safe from any thread."""

    listening: str = ""
    clock: Callable[[], float] = time.time
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTER_NAMES, 0))
    _recent: deque = field(default_factory=deque, repr=False)
    _last_ping: float | None = None
    _last_delivery: float | None = None
    _last_bad_signature: float | None = None
    _last_refused_busy: float | None = None

    def refused_busy(self) -> None:
        """A connection turned away: no slot, and none held by an idle connection."""
        with self._lock:
            self._counts["refused_busy"] += 1
            self._last_refused_busy = self.clock()

    def bump(self, name: str, n: int = 1) -> None:
        with self._lock:
            self._counts[name] = self._counts.get(name, 0) + n
            if name == "bad_signatures":
                self._last_bad_signature = self.clock()

    def delivered(self, ping: bool) -> None:
        """One verified, new delivery arrived."""
        now = self.clock()
        with self._lock:
            if ping:
                self._last_ping = now
                self._counts["pings"] += 1
            else:
                self._last_delivery = now
                self._counts["accepted"] += 1
            self._recent.append(now)

    def snapshot(self) -> HealthSnapshot:
        now = self.clock()
        with self._lock:
            while self._recent and self._recent[0] <= now - HOUR:
                self._recent.popleft()
            counts = {k: self._counts.get(k, 0) for k in COUNTER_NAMES}
            count = counts.__getitem__
            return HealthSnapshot(
                listening=self.listening,
                last_ping=self._last_ping,
                last_delivery=self._last_delivery,
                per_hour=len(self._recent),
                heartbeat=now,
                last_bad_signature=self._last_bad_signature,
                accepted=count("accepted"),
                pings=count("pings"),
                duplicates=count("duplicates"),
                bad_signatures=count("bad_signatures"),
                bad_payloads=count("bad_payloads"),
                stale_events=count("stale_events"),
                unknown_events=count("unknown_events"),
                refused_other=count("refused_other"),
                disagreements=count("disagreements"),
                refused_busy=count("refused_busy"),
                dropped_idle=count("dropped_idle"),
                last_refused_busy=self._last_refused_busy,
            )
