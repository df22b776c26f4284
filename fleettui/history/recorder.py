"""From a refresh to recorded events: the diff's state changes and the changelogs.

`Recorder.record(snapshot, diff, seen_at)` is what the monitor's worker and
`fleettui record` call after each refresh:

- every state change in the diff becomes a ``diff`` event with the state it was seen in
  before; when the provider's changelog has the matching entry, the event carries that
  entry's time and key, so the changelog entry itself is not stored a second time;
- the changelog entries of every vehicle that changed or appeared are stored (source
  ``changelog``); entries without a timestamp cannot be placed in time and are skipped;
- the first refresh of a run (nothing to diff against) stores only the entries newer than
  what the file already holds for each VIN, so a restart at 100,000 vehicles does not
  re-send every changelog to SQLite.

All of one refresh goes in one transaction. Runs on the caller's thread: call it from a
worker, never the UI thread.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter
from typing import Any, Protocol

from fleettui.core.snapshot import Diff, Snapshot
from fleettui.core.timefmt import parse_ts
from fleettui.history.events import Event, event_key
from fleettui.history.store import HistoryStore

LogEntry = tuple[datetime | None, str, str | None]


def changelog_of(row: Any) -> list[LogEntry]:
    """(time, status, reason) oldest first, from a Row's source (compact tuple or API
    dict) or a Vehicle, without building a Vehicle for the usual shapes."""
    src = getattr(row, "src", row)
    out: list[LogEntry] = []
    if type(src) is tuple and len(src) == 5:
        for ts, status, why in src[4]:
            out.append((parse_ts(ts), status, why or None))
    elif isinstance(src, dict):
        log = src.get("changelog")
        for e in log if isinstance(log, list) else ():
            if isinstance(e, dict):
                st, why = e.get("status"), e.get("reason")
                out.append(
                    (
                        parse_ts(e.get("timestamp")),
                        st if isinstance(st, str) else "",
                        why if isinstance(why, str) and why.strip() else None,
                    )
                )
    else:
        changelog = getattr(src, "changelog", ())
        return [(e.timestamp, e.status, e.reason) for e in changelog]
    if any(
        a[0] is not None and b[0] is not None and b[0] < a[0]
        for a, b in zip(out, out[1:], strict=False)
    ):
        dated = sorted((e for e in out if e[0] is not None), key=itemgetter(0))
        out = dated + [e for e in out if e[0] is None]
    return out


def newest_time(row: Any) -> float | None:
    """The newest changelog entry's time, read without parsing the whole changelog
    (None when it has none or it needs the full parse)."""
    src = getattr(row, "src", row)
    if type(src) is tuple and len(src) == 5 and src[4]:
        at = parse_ts(src[4][-1][0])
    elif isinstance(src, dict) and isinstance(src.get("changelog"), list) and src["changelog"]:
        last = src["changelog"][-1]
        at = parse_ts(last.get("timestamp")) if isinstance(last, dict) else None
    else:
        return None
    return None if at is None else at.timestamp()


def _is_known(row: Any, known: dict[str, float]) -> bool:
    """The file already has this vehicle's newest entry (so every older one too)."""
    latest = known.get(row.vin)
    if latest is None:
        return False
    newest = newest_time(row)
    return newest is not None and newest <= latest


def changelog_events(
    vin: str, brand: str, log: list[LogEntry], seen_at: datetime, after: float | None = None
) -> list[Event]:
    out = []
    prev: str | None = None
    for at, status, reason in log:
        if at is not None and status and (after is None or at.timestamp() > after):
            out.append(Event(vin, status, at, seen_at, prev, reason, brand, "changelog"))
        if status:
            prev = status
    return out


@dataclass(frozen=True, slots=True)
class RecordResult:
    stored: int  # new rows
    offered: int  # events handed to the store (the rest were already there)


#: Vehicles per transaction when a first load records every changelog.
FIRST_BATCH = 5_000


class RecordingStore(Protocol):
    """What the recorder needs: the local `HistoryStore` or the desk's
    (`fleettui.desk.history.DeskHistory`)."""

    def query(self, sql: str, params: tuple = ()) -> list[tuple]: ...

    def record_events(self, events: Iterable[Event], now: datetime | None = None) -> int: ...

    def release_memory(self) -> None: ...


class Recorder:
    def __init__(self, store: RecordingStore | HistoryStore) -> None:
        self.store = store

    def _known_latest(self) -> dict[str, float]:
        return {
            vin: at
            for vin, at in self.store.query(
                "SELECT vin, max(at) FROM events WHERE at IS NOT NULL GROUP BY vin"
            )
        }

    def events(self, snapshot: Snapshot, diff: Diff, seen_at: datetime) -> list[Event]:
        by_vin = snapshot.by_vin
        events: list[Event] = []
        for change in diff.state_changes:
            row = by_vin.get(change.vin)
            if row is None:
                continue
            log = changelog_of(row)
            at = reason = None
            if log and log[-1][1] == change.new.value and log[-1][0] is not None:
                at, _, reason = log[-1]
            else:
                reason = change.reason
            key = event_key(change.vin, row.status, at, reason, source="diff", seen_at=seen_at)
            events.append(
                Event(
                    change.vin,
                    row.status,
                    at,
                    seen_at,
                    change.old.value,
                    reason,
                    row.brand,
                    "diff",
                    key,
                )
            )
        first = bool(diff.added) and len(diff.added) == len(by_vin) and not diff.changed
        if first:
            known = self._known_latest()
            for row in snapshot.order:
                if not _is_known(row, known):
                    events += changelog_events(
                        row.vin, row.brand, changelog_of(row), seen_at, known.get(row.vin)
                    )
        else:
            for vin in (*diff.added, *diff.changed):
                row = by_vin.get(vin)
                if row is not None:
                    events += changelog_events(vin, row.brand, changelog_of(row), seen_at)
        return events

    def record(self, snapshot: Snapshot, diff: Diff, seen_at: datetime) -> RecordResult:
        """Record one refresh in one transaction (prunes old events at most hourly). A
        first load (every vehicle new: its whole changelog) goes in batches of
        FIRST_BATCH vehicles, a transaction each: 100,000 vehicles made ~280,000 events
        and their rows at once (+100 MB resident, the interpreter held for seconds);
        a batch cut short is simply recorded again (events are idempotent by key)."""
        by_vin = snapshot.by_vin
        if not (
            diff.added
            and len(diff.added) == len(by_vin)
            and not diff.changed
            and len(by_vin) > FIRST_BATCH
        ):
            found = self.events(snapshot, diff, seen_at)
            return RecordResult(self.store.record_events(found, now=seen_at), len(found))
        stored = offered = 0
        known = self._known_latest()
        order = snapshot.order
        for start in range(0, len(order), FIRST_BATCH):  # a first load has no state changes
            events: list[Event] = []
            for row in order[start : start + FIRST_BATCH]:
                if not _is_known(row, known):
                    events += changelog_events(
                        row.vin, row.brand, changelog_of(row), seen_at, known.get(row.vin)
                    )
            stored += self.store.record_events(events, now=seen_at)
            offered += len(events)
            # The page cache that batch filled (the indexes of its changelogs; up to 32 MB,
            # kept for the session unless handed back) is handed back after each batch,
            # not once at the end: the first refresh after a cold start (its 28 MB answer
            # at 100k) comes while these batches are still written, and the two at once
            # made the start's peak resident (235 MB against 205-215 MB when they missed).
            self.store.release_memory()
        return RecordResult(stored, offered)

    def record_rows(self, rows: Iterable[Any], seen_at: datetime) -> RecordResult:
        """Record the changelogs of a fetched fleet (the command line's one-shot runs)."""
        known = self._known_latest()
        events: list[Event] = []
        for row in rows:
            if not _is_known(row, known):
                events += changelog_events(
                    row.vin, row.brand, changelog_of(row), seen_at, known.get(row.vin)
                )
        return RecordResult(self.store.record_events(events, now=seen_at), len(events))
