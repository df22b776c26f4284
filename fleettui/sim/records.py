"""One stored clearance in the simulator, with its cached JSON bytes.

The list endpoint must answer 100,000 vehicles in well under a second, so each record keeps
its serialized object (`blob`) and the engine only joins them. Anything that changes a
record goes through `touch()`, which drops the cache.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager
from typing import Any

from fleettui.sim.clock import format_api_ts

_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _plain(text: str) -> bool:
    """Printable ASCII without quote or backslash: its JSON literal is just "text"."""
    return text.isascii() and text.isprintable() and '"' not in text and "\\" not in text


def _quoted(text: str) -> str:
    """JSON string literal; VINs and brand codes are plain ASCII and skip the encoder."""
    return f'"{text}"' if _plain(text) else _dumps(text)


def _tags_json(tags: dict[str, str]) -> str:
    """The tags object; generated and most real tags are plain and skip the encoder."""
    if all(_plain(k) and _plain(v) for k, v in tags.items()):
        return "{" + ",".join(f'"{k}":"{v}"' for k, v in tags.items()) + "}"
    return _dumps(tags)


class Record:
    __slots__ = (
        "vin",
        "brand",
        "tags",
        "status",
        "changelog",
        "created",
        "approved",
        "changed",
        "gen",
        "style",
        "_parts",
        "_blob",
    )

    def __init__(self, vin: str, brand: str, tags: dict[str, str], style: int) -> None:
        self.vin = vin
        self.brand = brand
        self.tags = tags
        self.status = "pending"
        #: (timestamp, status, reason) entries, oldest first.
        self.changelog: list[tuple[str, str, str | None]] = []
        #: Each changelog entry's JSON, encoded once when it is appended.
        self._parts: list[str] = []
        #: POSIX time the current clearance was created (filter field inserted_at).
        self.created = 0.0
        #: POSIX time it was approved (filter field approved_at), None if never.
        self.approved: float | None = None
        #: POSIX time of the newest transition.
        self.changed = 0.0
        #: Bumped whenever the scheduled future of the record is void (cancel, revoke, re-add).
        self.gen = 0
        #: Timestamp style this record's entries are written in (the API mixes them).
        self.style = style
        self._blob: bytes | None = None

    def append(self, status: str, at: float, reason: str | None = None) -> None:
        ts = format_api_ts(at, self.style)
        if reason is not None:
            self._parts.append(
                f'{{"timestamp":"{ts}","status":"{status}","reason":{_dumps(reason)}}}'
            )
        else:
            self._parts.append(f'{{"timestamp":"{ts}","status":"{status}"}}')
        self.changelog.append((ts, status, reason))
        self.status = status
        self.changed = at
        if status == "pending" and reason is None:
            self.created = at
            self.approved = None
        elif status == "approved":
            self.approved = at
        self._blob = None

    @property
    def reason(self) -> str | None:
        return self.changelog[-1][2] if self.changelog else None

    def to_api(self) -> dict[str, Any]:
        return {
            "vin": self.vin,
            "status": self.status,
            "brand": self.brand,
            "tags": dict(self.tags),
            "changelog": [
                {"timestamp": ts, "status": st, **({"reason": r} if r is not None else {})}
                for ts, st, r in self.changelog
            ],
        }

    def short(self) -> dict[str, Any]:
        """The shape POST and DELETE answer with."""
        return {"vin": self.vin, "status": self.status, "tags": dict(self.tags)}

    @property
    def blob(self) -> bytes:
        if self._blob is None:
            self._blob = (
                f'{{"vin":{_quoted(self.vin)},"status":"{self.status}",'
                f'"brand":{_quoted(self.brand)},"tags":{_tags_json(self.tags)},'
                f'"changelog":[{",".join(self._parts)}]}}'
            ).encode()
        return self._blob


def dumps(obj: Any) -> bytes:
    return _dumps(obj).encode()


class VehiclesView(Mapping[str, dict[str, Any]]):
    """Read-only mapping vin -> API object (a fresh copy per lookup)."""

    def __init__(self, records: dict[str, Record], lock: AbstractContextManager[Any]) -> None:
        self._records = records
        self._lock = lock

    def __getitem__(self, vin: str) -> dict[str, Any]:
        with self._lock:
            return self._records[vin].to_api()

    def __iter__(self) -> Iterator[str]:
        with self._lock:
            return iter(list(self._records))

    def __len__(self) -> int:
        return len(self._records)

    def __contains__(self, vin: object) -> bool:
        return vin in self._records
