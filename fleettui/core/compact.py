"""Compact copies of API vehicle objects, so the store does not keep parsed payloads.

A parsed vehicle dict costs ~1.7 KB (dicts per changelog entry, a fresh string for every
repeated "pending" or tag name); 100,000 of them are ~170 MB. The compact form is a
tuple `(vin, status, brand, tags | None, ((timestamp, status, reason | None), ...))`
with repeated strings shared, about a third of that. Every string in it is a new object,
so the payload it came from can be freed whole (one survivor per memory arena would
otherwise keep the arena, and most of the payload, resident).
"""

from __future__ import annotations

import json
import weakref
from collections.abc import Callable
from typing import Any

Compact = tuple[str, str, str, "dict[str, str] | None", "tuple[tuple[str, str, str | None], ...]"]

_TOP_KEYS = frozenset(("vin", "status", "brand", "tags", "changelog"))
_ENTRY_KEYS = frozenset(("timestamp", "status", "reason"))
_POOL: dict[str, str] = {}
_POOL_MAX = 50_000


def _fresh(s: str) -> str:
    """A new string object equal to `s` (slicing or str() would return `s` itself)."""
    return s.encode("utf-8", "surrogatepass").decode("utf-8", "surrogatepass")


def _shared(s: str) -> str:
    """One fresh copy per distinct value (statuses, brands, reasons, tag names)."""
    found = _POOL.get(s)
    if found is None:
        found = _fresh(s)
        if len(_POOL) < _POOL_MAX:
            _POOL[found] = found
    return found


def compact(obj: Any, copy: bool = True) -> Compact | None:
    """The compact form of an API vehicle dict; None when it is not the plain API shape
    (extra keys, non-string values): such objects are kept as they are. `copy=False`
    keeps the dict's own VIN and timestamp strings (for an object parsed on its own and
    dropped at once, whose memory the next object reuses)."""
    if type(obj) is not dict or not _TOP_KEYS.issuperset(obj):
        return None
    vin, status, brand = obj.get("vin"), obj.get("status"), obj.get("brand")
    if type(vin) is not str or type(status) is not str or type(brand) is not str:
        return None
    pooled = _POOL.get
    tags = obj.get("tags")
    ctags: dict[str, str] | None = None
    if tags:
        if type(tags) is not dict:
            return None
        ctags = {}
        for k, v in tags.items():
            if type(k) is not str or type(v) is not str:
                return None
            ctags[pooled(k) or _shared(k)] = pooled(v) or _shared(v)
    log = obj.get("changelog")
    entries: list[tuple[str, str, str | None]] = []
    if log:
        if type(log) is not list:
            return None
        for e in log:
            if type(e) is not dict or not _ENTRY_KEYS.issuperset(e):
                return None
            ts, st, why = e.get("timestamp"), e.get("status"), e.get("reason")
            if type(ts) is not str or type(st) is not str or not (why is None or type(why) is str):
                return None
            entries.append((_fresh(ts) if copy else ts, pooled(st) or _shared(st),
                            None if why is None else pooled(why) or _shared(why)))
    elif log is not None and log != []:
        return None
    return (_fresh(vin) if copy else vin, pooled(status) or _shared(status),
            pooled(brand) or _shared(brand), ctags, tuple(entries))


def copied(c: Compact) -> Compact:
    """A copy of a compact tuple sharing nothing with it but pooled strings. A few
    survivors of a parsed payload, scattered over its memory, would keep most of that
    memory resident; copies made while the payload is alive land elsewhere."""
    tags = c[3]
    return (_fresh(c[0]), _shared(c[1]), _shared(c[2]),
            None if tags is None else {_shared(k): _shared(v) for k, v in tags.items()},
            tuple([(_fresh(ts), _shared(st), None if why is None else _shared(why))
                   for ts, st, why in c[4]]))


def detached(obj: dict[str, Any]) -> Any:
    """A deep copy sharing no object with the payload it came from (for odd shapes)."""
    try:
        return json.loads(json.dumps(obj))
    except (TypeError, ValueError):
        return obj


def expand(c: Compact) -> dict[str, Any]:
    """The API dict again (for `Vehicle.from_api` and exports)."""
    log = []
    for ts, st, why in c[4]:
        entry = {"timestamp": ts, "status": st}
        if why is not None:
            entry["reason"] = why
        log.append(entry)
    return {"vin": c[0], "status": c[1], "brand": c[2], "tags": dict(c[3] or {}),
            "changelog": log}


def same(c: Compact, obj: Any) -> bool:
    """Does the API dict `obj` hold exactly the data of `c`?"""
    if type(obj) is not dict or obj.get("status") != c[1] or obj.get("brand") != c[2]:
        return False
    if (obj.get("tags") or None) != c[3] or obj.get("vin") != c[0]:
        return False
    log = obj.get("changelog") or ()
    entries = c[4]
    if type(log) is not list and log != () or len(log) != len(entries):
        return False
    for e, (ts, st, why) in zip(log, entries, strict=True):
        if (type(e) is not dict or e.get("timestamp") != ts or e.get("status") != st
                or e.get("reason") != why):
            return False
    return len(obj) <= len(_TOP_KEYS) and _TOP_KEYS.issuperset(obj)


def same_data(a: Any, b: Any) -> bool:
    """Equality across the forms a vehicle arrives in (compact tuple, API dict, Vehicle)."""
    if (type(a) is tuple) is (type(b) is tuple):
        return a == b
    return same(a, b) if type(a) is tuple else same(b, a)


def compact_or_keep(obj: Any) -> Any:
    """For `parse_json_list(text, each=compact_or_keep)`: vehicles become compact copies
    as they are parsed, so a full parsed payload never exists (odd objects are kept)."""
    c = compact(obj, copy=False)
    return obj if c is None else c


_LATEST: list[weakref.ref | None] = [None]


def remember(store: Any) -> None:
    """Mark `store` (anything with `.snapshot.by_vin` of rows with `.src`) as the one whose
    compact copies `reusing()` hands out again (the app's store, on every apply)."""
    _LATEST[0] = weakref.ref(store)


def reusing() -> Callable[[Any], Any]:
    """Like `compact_or_keep`, but a vehicle whose data equals its compact copy in the
    remembered store comes back as that same tuple: an unchanged fleet is parsed without
    building a second copy of it (a tuple is immutable, so sharing it changes nothing)."""
    ref = _LATEST[0]
    store = ref() if ref is not None else None
    get = store.snapshot.by_vin.get if store is not None else {}.get

    def each(obj: Any) -> Any:
        if type(obj) is dict:
            vin = obj.get("vin")
            row = get(vin) if type(vin) is str else None
            if row is not None and type(row.src) is tuple and same(row.src, obj):
                return row.src
        return compact_or_keep(obj)

    return each
