"""The last fleet snapshot per profile, so the monitor opens at once on the last known fleet.

One file per profile in the cache directory: a header line, the first screen of the
monitor's opening view (`fleettui.core.first_page`: its rows on the second line, its
counts in the header's "first"), then the vehicles in the store's compact form, a JSON
array of up to 1,000 of them per line::

    {"format": 3, "profile": "sim", "base_url": "http://127.0.0.1:8765", "count": 100000,
     "fetched_at": "2026-11-01T12:00:00Z", "saved_at": "2026-10-05T09:12:00Z",
     "provider_offset": 2343480.0, "first": {"sort": "state", "shown": 100000, ...}}
    [["VIN...","pending","bmw",{"fleet":"a"},[["2026-10-01T08:00:00Z","pending",null]]],...]
    ...

Each vehicle is ``[vin, status, brand, tags | null, [[timestamp, status, reason | null],
...]]`` (see fleettui.core.compact); an object of an odd shape is kept as the API's
object. It is written as it is produced (a line per thousand vehicles, never the whole
fleet as one string) and read a line at a time straight into compact tuples: 100,000
vehicles in about half a second, the first screen (:func:`read_first_page`) in a few ms.
A line or vehicle that cannot be read is skipped (counted in the note).

``fetched_at`` is the provider's clock when the fleet was fetched (the time the data
describes); ``saved_at`` is this machine's clock when it was saved (what the user is
told); ``provider_offset`` is provider minus local clock in seconds (a demo-speed
simulator runs far ahead), so times in state are right before the provider answers.
Files of format 2 (no first screen: the second line is vehicles too) and format 1 (one
JSON document with a ``vehicles`` array of API objects) still load; those written before
``saved_at`` existed use the file's modification time.

Writes are atomic (temp file + rename, mode 0600). Reading is in
`fleettui.config.cache_read`: ``read_snapshot`` never raises: a missing, corrupt,
foreign (other format / other profile) or mismatched (other server) file gives ``None``
and a note saying why (:func:`unreadable_message` makes it a sentence for the user;
``load_snapshot`` logs it). Plain blocking functions: call them from a worker thread in
the UI.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from fleettui.config.atomic import atomic_write_chunks
from fleettui.config.paths import cache_dir
from fleettui.core.compact import compact
from fleettui.core.first_page import FirstPage
from fleettui.core.memory import give_back_memory
from fleettui.core.timefmt import format_ts, utcnow

FORMAT_VERSION = 3
#: A cache file larger than this is not read (nor one that is not a regular file, or is
#: a link: see fleettui.core.localfile): it holds at most the largest list answer the
#: client accepts (fleettui.api.deadline.MAX_BODY), in a more compact form.
MAX_CACHE_BYTES = 512 * 1024 * 1024
#: Vehicles per line of the file.
LINE_ROWS = 1_000


@dataclass(frozen=True)
class CachedFleet:
    """A fleet read back from the disk cache (the store's in-memory one is
    `fleettui.core.snapshot.Snapshot`)."""

    profile: str
    base_url: str
    fetched_at: datetime
    #: The vehicles, as compact tuples (fleettui.core.compact) or, for odd shapes and
    #: format 1 files, API objects; `FleetStore.prepare` takes either.
    vehicles: list[Any]
    #: This machine's clock (UTC) when the snapshot was saved.
    saved_at: datetime | None = None
    #: The provider's clock minus this machine's when it was saved.
    provider_offset: timedelta = timedelta(0)


def snapshot_path(profile: str) -> Path:
    """The cache file for a profile: readable name plus a hash, so any name is a safe file name."""
    slug = re.sub(r"[^A-Za-z0-9_.-]", "_", profile)[:40] or "profile"
    digest = hashlib.sha256(profile.encode("utf-8")).hexdigest()[:10]
    return cache_dir() / f"snapshot-{slug}-{digest}.json"


def save_snapshot(
    profile: str,
    base_url: str,
    vehicles: Iterable[Any],
    fetched_at: datetime | None = None,
    *,
    saved_at: datetime | None = None,
    first: FirstPage | None = None,
) -> Path:
    """Write the snapshot atomically; returns its path. Raises OSError when the disk does.
    `vehicles` are the store's rows, compact tuples or API objects, written as they are
    read from the iterable. `fetched_at` is the provider's clock at the fetch (default:
    now here), `saved_at` this machine's clock at the same moment (default: now); their
    difference is kept as the provider's clock offset. `first` is the monitor's first
    screen (written empty when None: the monitor then reads the whole file)."""
    path = snapshot_path(profile)
    saved_at = saved_at or utcnow()
    fetched_at = fetched_at or saved_at
    items = vehicles if isinstance(vehicles, list | tuple) else list(vehicles)
    header = {
        "format": FORMAT_VERSION,
        "profile": profile,
        "base_url": base_url.rstrip("/"),
        "fetched_at": format_ts(fetched_at),
        "saved_at": format_ts(saved_at),
        "provider_offset": (fetched_at - saved_at).total_seconds(),
        "count": len(items),
    }
    if first is not None:
        header["first"] = first.meta()
    try:
        atomic_write_chunks(path, _lines(header, items, first.rows if first else []))
    finally:
        give_back_memory()
    return path


def _lines(
    header: dict[str, Any], items: list[Any] | tuple[Any, ...], first_rows: list[Any]
) -> Iterator[bytes]:
    dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
    yield dumps(header).encode("utf-8") + b"\n"
    yield dumps([_cached_form(v) for v in first_rows]).encode("utf-8", "surrogatepass") + b"\n"
    for start in range(0, len(items), LINE_ROWS):
        yield (
            dumps([_cached_form(v) for v in items[start : start + LINE_ROWS]]).encode(
                "utf-8", "surrogatepass"
            )
            + b"\n"
        )


def _cached_form(v: Any) -> Any:
    """A vehicle as the file holds it: the compact tuple (a JSON array) where there is
    one, else the API object."""
    src = getattr(v, "src", v)  # a store Row keeps its vehicle's source
    if type(src) is tuple:
        return src
    if type(src) is not dict:
        src = v.to_api() if hasattr(v, "to_api") else src
    found = compact(src, copy=False) if type(src) is dict else None
    return src if found is None else found


def unreadable_message(profile: str, note: str) -> str:
    """The one line the monitor shows when a profile's cache was ignored."""
    return (
        f"The cached fleet for profile {profile} could not be read ({note}); "
        "it will be replaced at the next refresh."
    )


def delete_snapshot(profile: str) -> bool:
    """Remove a profile's cache (when the profile is removed). True if a file was removed."""
    try:
        snapshot_path(profile).unlink()
    except FileNotFoundError:
        return False
    return True
