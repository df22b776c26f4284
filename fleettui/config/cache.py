"""The last fleet snapshot per profile, so the monitor opens at once on the last known fleet.

One JSON file per profile in the cache directory::

    {"format": 1, "profile": "sim", "base_url": "http://127.0.0.1:8765",
     "fetched_at": "2026-11-01T12:00:00Z", "saved_at": "2026-10-05T09:12:00Z",
     "provider_offset": 2343480.0, "vehicles": [<API vehicle objects>]}

``fetched_at`` is the provider's clock when the fleet was fetched (the time the data
describes); ``saved_at`` is this machine's clock when it was saved (what the user is
told); ``provider_offset`` is provider minus local clock in seconds (a demo-speed
simulator runs far ahead), so times in state are right before the provider answers.
Files written before the last two fields existed still load: their save time is the
file's modification time and the offset follows from it.

Writes are atomic (temp file + rename, mode 0600). :func:`read_snapshot` never raises:
a missing, corrupt, foreign (other format / other profile) or mismatched (other server)
file gives ``None`` and a note saying why (:func:`unreadable_message` makes it a sentence
for the user; :func:`load_snapshot` logs it). These are plain blocking functions; call them
from a worker thread in the UI (json handles 100k vehicles in well under a second).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fleettui.config.atomic import atomic_write_bytes
from fleettui.config.paths import cache_dir
from fleettui.core.timefmt import format_ts, parse_ts, utcnow

FORMAT_VERSION = 1
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Snapshot:
    profile: str
    base_url: str
    fetched_at: datetime
    #: API vehicle objects as the list call returned them (Vehicle.from_api parses them).
    vehicles: list[dict[str, Any]]
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
    vehicles: list[dict[str, Any]],
    fetched_at: datetime | None = None,
    *,
    saved_at: datetime | None = None,
) -> Path:
    """Write the snapshot atomically; returns its path. Raises OSError when the disk does.
    `fetched_at` is the provider's clock at the fetch (default: now here), `saved_at`
    this machine's clock at the same moment (default: now); their difference is kept as
    the provider's clock offset."""
    path = snapshot_path(profile)
    saved_at = saved_at or utcnow()
    fetched_at = fetched_at or saved_at
    doc = {
        "format": FORMAT_VERSION,
        "profile": profile,
        "base_url": base_url.rstrip("/"),
        "fetched_at": format_ts(fetched_at),
        "saved_at": format_ts(saved_at),
        "provider_offset": (fetched_at - saved_at).total_seconds(),
        "vehicles": vehicles,
    }
    data = json.dumps(doc, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    atomic_write_bytes(path, data)
    return path


def read_snapshot(profile: str, base_url: str | None = None) -> tuple[Snapshot | None, str | None]:
    """``(snapshot, None)`` or ``(None, note)``; the note (why the file was ignored, a
    clause such as "the file is corrupt") is None when there simply is no cache."""
    path = snapshot_path(profile)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, None
    except OSError as e:
        return None, f"the file could not be opened: {e.strerror or e}"
    try:
        doc = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None, "the file is corrupt"
    if not isinstance(doc, dict) or doc.get("format") != FORMAT_VERSION:
        return None, "the file is not a fleettui snapshot of this version"
    if doc.get("profile") != profile:
        return None, "the file belongs to another profile"
    cached_url = doc.get("base_url")
    if base_url is not None and cached_url != base_url.rstrip("/"):
        return None, "it was taken from another server"
    fetched_at = parse_ts(doc.get("fetched_at"))
    vehicles = doc.get("vehicles")
    if fetched_at is None or not isinstance(vehicles, list) or not isinstance(cached_url, str):
        return None, "the file is incomplete"
    vehicles = [v for v in vehicles if isinstance(v, dict)]
    saved_at = parse_ts(doc.get("saved_at")) or _modified(path, fetched_at)
    offset = doc.get("provider_offset")
    if isinstance(offset, int | float) and not isinstance(offset, bool) and abs(offset) < 1e10:
        provider_offset = timedelta(seconds=offset)
    else:
        provider_offset = fetched_at - saved_at
    return Snapshot(profile, cached_url, fetched_at, vehicles, saved_at, provider_offset), None


def _modified(path: Path, fallback: datetime) -> datetime:
    """An older file's save time: when it was last written."""
    try:
        return datetime.fromtimestamp(path.stat().st_mtime, UTC)
    except OSError:
        return fallback


def load_snapshot(profile: str, base_url: str | None = None) -> Snapshot | None:
    """Like :func:`read_snapshot`, logging the note (warning) instead of returning it."""
    snapshot, note = read_snapshot(profile, base_url)
    if note:
        log.warning("cache file %s ignored: %s", snapshot_path(profile), note)
    return snapshot


def unreadable_message(profile: str, note: str) -> str:
    """The one line the monitor shows when a profile's cache was ignored."""
    return (f"The cached fleet for profile {profile} could not be read ({note}); "
            "it will be replaced at the next refresh.")


def delete_snapshot(profile: str) -> bool:
    """Remove a profile's cache (when the profile is removed). True if a file was removed."""
    try:
        snapshot_path(profile).unlink()
    except FileNotFoundError:
        return False
    return True
