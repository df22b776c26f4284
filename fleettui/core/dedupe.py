"""One vehicle per VIN: a list answer that names a VIN twice keeps its newest entry.

The provider should never repeat a VIN, but an answer is data: when it does, the entry
whose history reaches furthest (its latest changelog time) is kept, the later one in the
list on a tie, and the caller says how many repeats were dropped instead of merging them
silently. Works on API dicts and the store's compact tuples alike; the common case (no
repeat) costs one dict insert per vehicle.
"""

from __future__ import annotations

from datetime import datetime
from operator import itemgetter
from typing import Any

from fleettui.core.timefmt import parse_ts


def _vin(obj: Any) -> str | None:
    if type(obj) is tuple:
        return obj[0]
    vin = obj.get("vin") if isinstance(obj, dict) else getattr(obj, "vin", None)
    return vin.strip() if isinstance(vin, str) else None


def latest_time(obj: Any) -> datetime | None:
    """The newest readable changelog time of a vehicle (dict, compact tuple, Vehicle)."""
    if type(obj) is tuple:
        stamps: list[Any] = [e[0] for e in obj[4]]
    elif isinstance(obj, dict):
        log = obj.get("changelog")
        stamps = (
            [e.get("timestamp") for e in log if isinstance(e, dict)]
            if isinstance(log, list)
            else []
        )
    else:
        stamps = [e.timestamp for e in getattr(obj, "changelog", ())]
    best: datetime | None = None
    for ts in stamps:
        dt = ts if isinstance(ts, datetime) else parse_ts(ts)
        if dt is not None and (best is None or dt > best):
            best = dt
    return best


_VIN = itemgetter("vin")


def _all_distinct(items: list[Any]) -> bool:
    """Whether a list of API dicts names every VIN once, found at C speed (one set);
    False also when it cannot tell (an entry that is not such a dict)."""
    try:
        return len(set(map(str.strip, map(_VIN, items)))) == len(items)
    except (TypeError, KeyError):  # a compact tuple, a VIN that is not text, ...
        return False


def newest_per_vin(items: list[Any]) -> tuple[list[Any], int]:
    """(one entry per VIN, how many repeated entries were dropped)."""
    if _all_distinct(items):
        return items, 0
    seen: dict[str, int] = {}
    out: list[Any] = []
    dropped = 0
    for obj in items:
        vin = _vin(obj)
        if vin is None:
            out.append(obj)
            continue
        at = seen.get(vin)
        if at is None:
            seen[vin] = len(out)
            out.append(obj)
            continue
        dropped += 1
        kept = latest_time(out[at])
        new = latest_time(obj)
        if kept is None or (new is not None and new >= kept):
            out[at] = obj
    return (out, dropped) if dropped else (items, 0)
