"""One recorded state change, and the key that makes recording it idempotent.

Sources: ``changelog`` (an entry the provider's changelog returned), ``diff`` (a change
seen between two refreshes; when the provider's changelog has the matching entry it is
the same row, so live-seen changes keep their real previous state), ``webhook`` (a
delivery, recorded by the webhook receiver through `HistoryStore.record_event`), ``data``
(a change of whether the car sends data after approval, `history.data_records`: states
`data:flowing`, `data:silent`, `data:privacy`..., reasons "first data", "data flowing
again", "privacy mode blocks data"...).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

SOURCES = ("changelog", "diff", "webhook", "cli", "data")
#: Longest reason / VIN / brand / state kept; longer provider text is cut (it is data).
MAX_TEXT = 300


@dataclass(frozen=True, slots=True)
class Event:
    vin: str
    new: str
    #: When the provider says it happened (changelog timestamp); None when unknown.
    at: datetime | None
    #: When fleettui first saw it (the provider's clock as the client knows it).
    seen_at: datetime
    old: str | None = None
    reason: str | None = None
    brand: str = ""
    source: str = "changelog"
    #: Idempotency key; computed from the fields by `event_key` when not given.
    key: int | None = None

    @property
    def when(self) -> datetime:
        """The best time for the change: the provider's, else when it was seen."""
        return self.at or self.seen_at

    def to_json(self) -> dict[str, object]:
        """The stable shape of `fleettui history --json` (documented in the README)."""
        return {
            "vin": self.vin,
            "brand": self.brand,
            "old_state": self.old,
            "new_state": self.new,
            "reason": self.reason,
            "at": _iso(self.at),
            "seen_at": _iso(self.seen_at),
            "source": self.source,
        }


def _iso(dt: datetime | None) -> str | None:
    if dt is None:
        return None
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def cut(text: object, limit: int = MAX_TEXT) -> str | None:
    if text is None:
        return None
    s = str(text)
    return s if len(s) <= limit else s[:limit]


def event_key(
    vin: str,
    new: str,
    at: datetime | None,
    reason: str | None,
    *,
    source: str = "changelog",
    seen_at: datetime | None = None,
    extra: str = "",
) -> int:
    """A signed 64-bit key. A change with a provider timestamp is keyed by
    (VIN, state, timestamp to the second, reason), so the same changelog entry seen by
    two refreshes, two processes, or as a diff and as a changelog entry is one row.
    Without a timestamp it is keyed by source, VIN, state, reason and when it was seen
    (or `extra`, e.g. a webhook delivery id)."""
    if at is not None:
        parts = ("at", vin, new, str(int(at.timestamp())), reason or "")
    else:
        seen = str(int(seen_at.timestamp())) if seen_at is not None else ""
        parts = (source, vin, new, reason or "", extra or seen)
    digest = hashlib.blake2b("\x1f".join(parts).encode("utf-8", "replace"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def one_event(
    vin: str,
    old: str | None,
    new: str,
    reason: str | None,
    seen_at: datetime,
    source: str,
    *,
    at: datetime | None = None,
    brand: str = "",
    key: str | None = None,
) -> Event:
    """One change as the webhook receiver records it. `key`, e.g. the delivery id, makes
    repeats of the same delivery one row; without it a change with a provider time `at`
    is keyed like its changelog entry."""
    if key:
        k = event_key(vin, new, None, reason, source=source, extra=key)
    else:
        k = event_key(vin, new, at, reason, source=source, seen_at=seen_at)
    return Event(vin, new, at, seen_at, old, reason, brand, source, k)
