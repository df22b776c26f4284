"""The recorded data state of each approved vehicle, and the history events its changes make.

`DataRecords` keeps one `DataRecord` per VIN — state, newest data timestamp, first data
time, when checked, the last error class and request_id; never a position or any other
value the car sent — in a small JSON file per profile (``<data dir>/data/<profile>.json``,
written atomically, 0600), so `fleettui list --data`, `triage` and the next monitor start
know what the checks found. The file is data from disk: a row that does not read is
skipped, a file that does not parse is started afresh (never raises).

`data_events` turns a change of state into history events (source ``data``), in the
history's own event model, so they go wherever the history goes: "first data",
"silent", "privacy mode blocks data" and later "data flowing again".
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from fleettui.config.atomic import atomic_write_bytes
from fleettui.config.paths import data_dir, ensure_dir
from fleettui.core.data_answer import ERROR_CLASSES, clean_request_id
from fleettui.core.data_states import UNCHECKABLE_WHY, DataRecord, DataState, change_words
from fleettui.core.timefmt import format_ts, parse_ts
from fleettui.core.vin import normalise_vin
from fleettui.history.database_file import history_path
from fleettui.history.events import Event, event_key

FORMAT = 1
#: A records file is ~100 bytes a vehicle; anything larger than this is not ours.
MAX_FILE_BYTES = 200 * 1024 * 1024
_STATES = {s.value: s for s in DataState}


def data_records_path(profile: str) -> Path:
    """Beside the history, named as its file is (`<profile>-<hash>`)."""
    return data_dir() / "data" / f"{history_path(profile).stem}.json"


def _ts(value: datetime | None) -> str | None:
    return format_ts(value) if value is not None else None


def record_row(r: DataRecord) -> list[object]:
    return [
        r.state.value,
        _ts(r.newest),
        _ts(r.first_data),
        _ts(r.checked_at),
        r.error,
        r.request_id,
        r.why,
    ]


def read_row(vin: object, row: object) -> DataRecord | None:
    """A stored row as a record; None when any field is not what it should be."""
    if not isinstance(vin, str) or not isinstance(row, list) or len(row) != 7:
        return None
    state, newest, first, checked, error, rid, why = row
    found = _STATES.get(state) if isinstance(state, str) else None
    if found is None or normalise_vin(vin) != vin or not vin:
        return None
    times = []
    for value in (newest, first, checked):
        if value is not None and parse_ts(value) is None:
            return None
        times.append(parse_ts(value))
    if error is not None and error not in ERROR_CLASSES:
        return None
    if why is not None and why not in UNCHECKABLE_WHY:
        return None
    return DataRecord(vin, found, times[0], times[1], times[2], error, clean_request_id(rid), why)


class DataRecords:
    """One record per VIN; thread-safe; `path` None keeps them in memory (the demo)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.notes: list[str] = []
        self._lock = threading.Lock()
        self._records: dict[str, DataRecord] = {}
        self._dirty = False
        if path is not None:
            self._load(path)

    def __repr__(self) -> str:
        return f"DataRecords({self.path}, {len(self._records)} vehicles)"

    def __len__(self) -> int:
        return len(self._records)

    def _load(self, path: Path) -> None:
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                self.notes.append(
                    f"{path} is too large to be fleettui's data records; starting afresh"
                )
                return
            data = json.loads(path.read_bytes())
        except FileNotFoundError:
            return
        except (OSError, ValueError, RecursionError) as e:
            self.notes.append(f"{path} could not be read ({type(e).__name__}); starting afresh")
            return
        rows = data.get("records") if isinstance(data, dict) else None
        if not isinstance(rows, dict):
            self.notes.append(f"{path} is not fleettui's data records; starting afresh")
            return
        skipped = 0
        for vin, row in rows.items():
            record = read_row(vin, row)
            if record is None:
                skipped += 1
            else:
                self._records[vin] = record
        if skipped:
            self.notes.append(f"{path}: {skipped} unreadable record(s) skipped")

    def get(self, vin: str) -> DataRecord | None:
        return self._records.get(vin)

    def snapshot(self) -> dict[str, DataRecord]:
        with self._lock:
            return dict(self._records)

    def put(self, record: DataRecord) -> DataRecord | None:
        """Store a record; returns the one it replaced."""
        with self._lock:
            old = self._records.get(record.vin)
            self._records[record.vin] = record
            self._dirty = True
            return old

    def save(self) -> bool:
        """Write the file if anything changed (atomically, 0600); False on failure."""
        if self.path is None or not self._dirty:
            return True
        with self._lock:
            rows = {vin: record_row(r) for vin, r in self._records.items()}
            self._dirty = False
        try:
            ensure_dir(self.path.parent)
            atomic_write_bytes(
                self.path,
                json.dumps({"format": FORMAT, "records": rows}, separators=(",", ":")).encode(),
            )
        except OSError as e:
            self.notes.append(f"{self.path} could not be written ({e.strerror or e})")
            self._dirty = True
            return False
        return True


def data_events(old: DataRecord | None, new: DataRecord, brand: str, now: datetime) -> list[Event]:
    """The history events for one record's change (none when nothing worth telling)."""
    old_state = old.state if old is not None else None
    words = change_words(old_state, new.state, old is not None and old.newest is not None)
    if words is None:
        return []
    at: datetime | None = None
    if words == "first data":
        at = new.first_data
    elif new.state is DataState.SILENT and new.newest is not None:
        words = f"silent since {format_ts(new.newest)}"
    state = f"data:{new.state.value}"
    previous = f"data:{old_state.value}" if old_state is not None else None
    key = event_key(new.vin, state, at, words, source="data", seen_at=now)
    return [Event(new.vin, state, at, now, previous, words, brand, "data", key)]


def all_events(
    changes: Iterable[tuple[DataRecord | None, DataRecord, str]], now: datetime
) -> list[Event]:
    out: list[Event] = []
    for old, new, brand in changes:
        out += data_events(old, new, brand, now)
    return out
