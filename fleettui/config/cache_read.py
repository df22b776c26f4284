"""Reading a profile's fleet snapshot back (the file `fleettui.config.cache` describes
and writes): the whole fleet, or only the first screen at its head.

Never raises: a missing, corrupt, foreign (other format / other profile) or mismatched
(other server) file gives ``None`` and a note saying why; a line or vehicle that cannot
be read is skipped and counted in the note. Read a line at a time straight into compact
tuples. Plain blocking functions: call them from a worker thread in the UI.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fleettui.config.cache import MAX_CACHE_BYTES, CachedFleet, snapshot_path
from fleettui.core.compact import from_array
from fleettui.core.first_page import FirstPage
from fleettui.core.localfile import open_regular
from fleettui.core.memory import collector_paused, give_back_memory
from fleettui.core.timefmt import parse_ts

#: Formats whose vehicles are lines of compact arrays (3 adds the first-screen line).
_LINE_FORMATS = (2, 3)
#: The first-screen line is believed up to this size (300 rows are ~40 KB).
_FIRST_LINE_MAX = 4_000_000
#: The cache's logger (its name as before the read half had its own module).
log = logging.getLogger("fleettui.config.cache")


def read_snapshot(
    profile: str, base_url: str | None = None
) -> tuple[CachedFleet | None, str | None]:
    """``(snapshot, None)`` or ``(None, note)``; the note (why the file was ignored, a
    clause such as "the file is corrupt") is None when there simply is no cache. Bad
    vehicles or lines in an otherwise good file are skipped: ``(snapshot, note)``."""
    path = snapshot_path(profile)
    try:
        with open_regular(path, MAX_CACHE_BYTES, follow_links=False) as f:
            first = f.readline(1_000_000)
            if first.startswith(b"{") and first.endswith(b"\n"):
                try:
                    head = json.loads(first)
                except ValueError:
                    head = None
                if isinstance(head, dict) and head.get("format") in _LINE_FORMATS:
                    if head["format"] == 3:
                        f.readline()  # the first screen: the same vehicles follow
                    return _read_lines(path, f, head, profile, base_url)
            raw = first + f.read()
    except FileNotFoundError:
        return None, None
    except OSError as e:
        return None, f"the file could not be opened: {e.strerror or e}"
    return _read_format1(path, raw, profile, base_url)


def _checked_header(
    doc: dict[str, Any],
    profile: str,
    base_url: str | None,
) -> tuple[datetime, str] | str:
    """(fetched_at, base_url) from a header, or the note why it cannot be used."""
    if doc.get("profile") != profile:
        return "the file belongs to another profile"
    cached_url = doc.get("base_url")
    if base_url is not None and cached_url != base_url.rstrip("/"):
        return "it was taken from another server"
    fetched_at = parse_ts(doc.get("fetched_at"))
    if fetched_at is None or not isinstance(cached_url, str):
        return "the file is incomplete"
    return fetched_at, cached_url


def _read_lines(
    path: Path, f: Any, head: dict[str, Any], profile: str, base_url: str | None
) -> tuple[CachedFleet | None, str | None]:
    checked = _checked_header(head, profile, base_url)
    if isinstance(checked, str):
        return None, checked
    fetched_at, cached_url = checked
    vehicles: list[Any] = []
    add = vehicles.append
    bad = 0
    try:
        with collector_paused(freeze=False):
            for line in f:
                try:
                    part = json.loads(line)
                except ValueError:
                    bad += 1
                    continue
                if type(part) is not list:
                    bad += 1
                    continue
                for item in part:
                    c = (
                        from_array(item)
                        if type(item) is list
                        else (item if type(item) is dict and type(item.get("vin")) is str else None)
                    )
                    if c is None:
                        bad += 1
                    else:
                        add(c)
    except OSError as e:
        return None, f"the file could not be read: {e.strerror or e}"
    finally:
        give_back_memory()
    note = None
    if bad:
        note = f"{bad} unreadable {'entry was' if bad == 1 else 'entries were'} skipped"
    return _snapshot(path, head, profile, cached_url, fetched_at, vehicles), note


def _read_format1(
    path: Path, raw: bytes, profile: str, base_url: str | None
) -> tuple[CachedFleet | None, str | None]:
    try:
        doc = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None, "the file is corrupt"
    if not isinstance(doc, dict) or doc.get("format") != 1:
        return None, "the file is not a fleettui snapshot of this version"
    checked = _checked_header(doc, profile, base_url)
    if isinstance(checked, str):
        return None, checked
    fetched_at, cached_url = checked
    vehicles = doc.get("vehicles")
    if not isinstance(vehicles, list):
        return None, "the file is incomplete"
    vehicles = [v for v in vehicles if isinstance(v, dict)]
    return _snapshot(path, doc, profile, cached_url, fetched_at, vehicles), None


def _snapshot(
    path: Path,
    doc: dict[str, Any],
    profile: str,
    cached_url: str,
    fetched_at: datetime,
    vehicles: list[Any],
) -> CachedFleet:
    saved_at = parse_ts(doc.get("saved_at")) or _modified(path, fetched_at)
    offset = doc.get("provider_offset")
    if isinstance(offset, int | float) and not isinstance(offset, bool) and abs(offset) < 1e10:
        provider_offset = timedelta(seconds=offset)
    else:
        provider_offset = fetched_at - saved_at
    return CachedFleet(profile, cached_url, fetched_at, vehicles, saved_at, provider_offset)


def _modified(path: Path, fallback: datetime) -> datetime:
    """An older file's save time: when it was last written."""
    try:
        return datetime.fromtimestamp(path.stat().st_mtime, UTC)
    except OSError:
        return fallback


def load_snapshot(profile: str, base_url: str | None = None) -> CachedFleet | None:
    """Like :func:`read_snapshot`, logging the note (warning) instead of returning it."""
    snapshot, note = read_snapshot(profile, base_url)
    if note:
        log.warning("cache file %s ignored: %s", snapshot_path(profile), note)
    return snapshot


def read_first_page(
    profile: str,
    base_url: str | None = None,
) -> tuple[CachedFleet, FirstPage] | None:
    """The first screen kept at the head of a profile's cache (a few milliseconds: two
    lines of the file), with the snapshot's clocks; None when there is none or anything
    about it is off (the whole file is read then, and says what is wrong)."""
    path = snapshot_path(profile)
    try:
        with open_regular(path, MAX_CACHE_BYTES, follow_links=False) as f:
            first = f.readline(1_000_000)
            rows_line = f.readline(_FIRST_LINE_MAX)
    except OSError:
        return None
    try:
        head = json.loads(first)
        doc = json.loads(rows_line)
    except ValueError:
        return None
    if type(head) is not dict or head.get("format") != 3 or type(doc) is not list:
        return None
    checked = _checked_header(head, profile, base_url)
    if isinstance(checked, str):
        return None
    fetched_at, cached_url = checked
    rows = [from_array(item) if type(item) is list else None for item in doc]
    if any(row is None for row in rows):
        return None
    page = FirstPage.from_json(head.get("first"), rows)
    if page is None:
        return None
    return _snapshot(path, head, profile, cached_url, fetched_at, rows), page
