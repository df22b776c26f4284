"""The last fleet snapshot per profile, so the monitor opens at once on the last known fleet.

One JSON file per profile in the cache directory::

    {"format": 1, "profile": "sim", "base_url": "http://127.0.0.1:8765",
     "fetched_at": "2026-11-01T12:00:00Z", "vehicles": [<API vehicle objects>]}

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
from datetime import datetime
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
) -> Path:
    """Write the snapshot atomically; returns its path. Raises OSError when the disk does."""
    path = snapshot_path(profile)
    doc = {
        "format": FORMAT_VERSION,
        "profile": profile,
        "base_url": base_url.rstrip("/"),
        "fetched_at": format_ts(fetched_at or utcnow()),
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
    except (ValueError, UnicodeDecodeError):
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
    return Snapshot(profile, cached_url, fetched_at, vehicles), None


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
