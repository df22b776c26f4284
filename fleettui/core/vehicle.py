"""The vehicle (clearance) model, parsed robustly from the API's JSON objects."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fleettui.core.states import State, parse_state
from fleettui.core.timefmt import format_ts, parse_ts, utcnow


def tag_text(value: object) -> str:
    """A tag's value as text: a string as it is, anything else (a number, an object, a
    list, null) as its JSON, so it reads as the provider sent it, not as Python's repr."""
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (RecursionError, ValueError):
        return "\ufffd(a value nested too deeply to show)"


def tag_texts(tags: dict) -> dict[str, str]:
    """Every tag as text (see tag_text); the same dict when all already are."""
    if all(type(v) is str and type(k) is str for k, v in tags.items()):
        return tags
    return {str(k): tag_text(v) for k, v in tags.items()}


@dataclass(frozen=True, slots=True)
class ChangelogEntry:
    timestamp: datetime | None
    status: str
    state: State
    reason: str | None = None

    @classmethod
    def from_api(cls, obj: Any) -> ChangelogEntry | None:
        if not isinstance(obj, dict):
            return None
        status = obj.get("status")
        status = status if isinstance(status, str) else ""
        reason = obj.get("reason")
        reason = reason if isinstance(reason, str) and reason.strip() else None
        return cls(parse_ts(obj.get("timestamp")), status, parse_state(status), reason)

    def to_api(self) -> dict[str, Any]:
        out: dict[str, Any] = {"timestamp": format_ts(self.timestamp), "status": self.status}
        if self.reason is not None:
            out["reason"] = self.reason
        return out


def _sort_key(entry: tuple[int, ChangelogEntry]) -> tuple[int, float, int]:
    index, e = entry
    if e.timestamp is None:
        return (1, 0.0, index)
    return (0, e.timestamp.timestamp(), index)


@dataclass(frozen=True, slots=True)
class Vehicle:
    vin: str
    brand: str
    #: The status string exactly as the API sent it (may be a state we don't know).
    status: str
    state: State
    tags: dict[str, str] = field(default_factory=dict)
    #: Oldest first. Entries without a timestamp keep their order, after dated ones.
    changelog: tuple[ChangelogEntry, ...] = ()
    #: Only on POST results: the provider's description of why it refused the VIN.
    description: str | None = None

    # -- parsing -------------------------------------------------------------------

    @classmethod
    def from_api(cls, obj: Any) -> Vehicle:
        """Parse one API vehicle object. Raises ValueError only when it is not an object
        with a VIN; every other oddity (missing fields, unknown states, extra keys) is
        absorbed."""
        if not isinstance(obj, dict):
            raise ValueError(f"expected a vehicle object, got {type(obj).__name__}")
        vin = obj.get("vin")
        if not isinstance(vin, str) or not vin.strip():
            raise ValueError("vehicle object without a VIN")
        status = obj.get("status")
        status = status if isinstance(status, str) else ""
        brand = obj.get("brand")
        brand = brand.strip().lower() if isinstance(brand, str) else ""
        raw_tags = obj.get("tags")
        tags = (
            {str(k): tag_text(v) for k, v in raw_tags.items()} if isinstance(raw_tags, dict) else {}
        )
        raw_log = obj.get("changelog")
        entries = [ChangelogEntry.from_api(e) for e in raw_log] if isinstance(raw_log, list) else []
        dated = sorted(((i, e) for i, e in enumerate(entries) if e is not None), key=_sort_key)
        description = obj.get("description")
        return cls(
            vin=vin.strip(),
            brand=brand,
            status=status,
            state=parse_state(status),
            tags=tags,
            changelog=tuple(e for _, e in dated),
            description=description if isinstance(description, str) else None,
        )

    def to_api(self) -> dict[str, Any]:
        """The API's shape (used for caches and --json output)."""
        out: dict[str, Any] = {
            "vin": self.vin,
            "status": self.status,
            "brand": self.brand,
            "tags": dict(self.tags),
            "changelog": [e.to_api() for e in self.changelog],
        }
        if self.description is not None:
            out["description"] = self.description
        return out

    # -- derived -------------------------------------------------------------------

    @property
    def latest(self) -> ChangelogEntry | None:
        return self.changelog[-1] if self.changelog else None

    @property
    def reason(self) -> str | None:
        """The current pending or rejection reason: the newest changelog entry's, when that
        entry belongs to the current state (a reason from an earlier state is history)."""
        e = self.latest
        if e is None or e.reason is None:
            return None
        if e.status and self.status and e.state is not self.state:
            return None
        return e.reason

    @property
    def state_since(self) -> datetime | None:
        """When the current state began: the first entry of the newest unbroken run of
        entries in the current state (retries that repeat the state don't reset it)."""
        since = None
        for e in reversed(self.changelog):
            if e.state is not self.state:
                break
            if e.timestamp is not None:
                since = e.timestamp
        return since

    @property
    def first_seen(self) -> datetime | None:
        for e in self.changelog:
            if e.timestamp is not None:
                return e.timestamp
        return None

    def time_in_state(self, now: datetime | None = None) -> float | None:
        since = self.state_since
        if since is None:
            return None
        return ((now or utcnow()) - since).total_seconds()

    def age(self, now: datetime | None = None) -> float | None:
        first = self.first_seen
        if first is None:
            return None
        return ((now or utcnow()) - first).total_seconds()
