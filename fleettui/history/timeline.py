"""A vehicle's timeline: the provider's changelog merged with what was recorded here.

The provider's entries come first-hand; a recorded event with the same state, time (to
the second) and reason is the same change and is not repeated. What only the local
history knows is added in time order and says where it came from: an earlier clearance
the provider no longer lists, a change seen between two refreshes that the changelog
does not show, or a webhook delivery.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from fleettui.core.states import State, parse_state
from fleettui.history.events import Event

#: How a local-only entry is labelled, by source.
LOCAL_LABELS = {
    "diff": "seen here",
    "changelog": "recorded here",
    "webhook": "webhook",
    "cli": "recorded here",
    "data": "data check",
}


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    at: datetime | None
    status: str
    state: State
    reason: str | None
    #: None for the provider's own entries; else where the local history got it.
    local: str | None = None


def _key(at: datetime | None, status: str, reason: str | None) -> tuple:
    return (int(at.timestamp()) if at is not None else None, status, reason or "")


def merge_timeline(changelog: Sequence[object], events: Iterable[Event]) -> list[TimelineEntry]:
    """`changelog`: the vehicle's ChangelogEntry objects (oldest first)."""
    out = [
        TimelineEntry(e.timestamp, e.status, e.state, e.reason)  # type: ignore[attr-defined]
        for e in changelog
    ]
    known = {_key(t.at, t.status, t.reason) for t in out}
    extra = []
    for ev in events:
        if _key(ev.at, ev.new, ev.reason) in known:
            continue
        when = ev.at or ev.seen_at
        if (ev.at is None or ev.source == "webhook") and any(
            t.status == ev.new and t.at is not None and abs((t.at - when).total_seconds()) < 86400
            for t in out
        ):
            continue  # a diff or a webhook of a change the changelog shows
        extra.append(
            TimelineEntry(
                ev.at or ev.seen_at,
                ev.new,
                parse_state(ev.new),
                ev.reason,
                LOCAL_LABELS.get(ev.source, ev.source),
            )
        )
        known.add(_key(ev.at, ev.new, ev.reason))
    if not extra:
        return out
    merged = out + extra
    dated = [t for t in merged if t.at is not None]
    dated.sort(key=lambda t: t.at.timestamp() if t.at is not None else 0.0)
    return dated + [t for t in merged if t.at is None]
