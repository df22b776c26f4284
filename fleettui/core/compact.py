"""Compact copies of API vehicle objects, so the store does not keep parsed payloads.

The first of the refresh's two steps, raw answer -> compact form (`reusing` while the
answer is parsed, `kept` for what a row keeps, `same_data` to tell an unchanged entry);
the second, compact form -> row, is `fleettui.core.rows`, which needs nothing from here.

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
_POOL_MAX = 50_000


def _fresh(s: str) -> str:
    """A new string object equal to `s` (slicing or str() would return `s` itself)."""
    return s.encode("utf-8", "surrogatepass").decode("utf-8", "surrogatepass")


class _Pool(dict):
    """One fresh copy per distinct value (statuses, brands, reasons, tag names).

    `pool[s]` is a C-level dict hit for a value seen before; only a new value reaches
    `__missing__`, which also refuses anything but a string (TypeError), so a lookup
    checks the value's type for free."""

    def __missing__(self, s: Any) -> str:
        if type(s) is not str:
            raise TypeError("not a string")
        found = _fresh(s)
        if len(self) < _POOL_MAX:
            self[found] = found
        return found


_POOL = _Pool()
#: One dict per distinct set of tags (a fleet has a few thousand for 100,000 vehicles):
#: ~180 bytes saved per vehicle. Compact tuples are never changed, their tags neither.
_TAGS: dict[tuple[tuple[str, str], ...], dict[str, str]] = {}


def _shared_tags(tags: dict[str, str]) -> dict[str, str]:
    key = tuple(tags.items())
    found = _TAGS.get(key)
    if found is None:
        found = tags
        if len(_TAGS) < _POOL_MAX:
            _TAGS[key] = tags
    return found


_BAD = (TypeError, KeyError, AttributeError, ValueError)


def _shared(s: str) -> str:
    return _POOL[s]


def compact(obj: Any, copy: bool = True) -> Compact | None:
    """The compact form of an API vehicle dict; None when it is not the plain API shape
    (extra keys, non-string values): such objects are kept as they are. `copy=False`
    keeps the dict's own VIN and timestamp strings (for an object parsed on its own and
    dropped at once, whose memory the next object reuses)."""
    if type(obj) is not dict:
        return None
    pool = _POOL
    try:
        if not (obj.keys() == _TOP_KEYS or _TOP_KEYS.issuperset(obj)):
            return None
        vin = obj["vin"]
        if type(vin) is not str:
            return None
        tags = obj.get("tags")
        if tags:
            tags = _shared_tags({pool[k]: pool[v] for k, v in tags.items()})
        elif tags is None or tags == {}:
            tags = None
        else:
            return None
        log = obj.get("changelog")
        if log:
            if type(log) is not list:
                return None
            out: list[tuple[str, str, str | None]] = []
            add = out.append
            for e in log:
                ts = e["timestamp"]
                if type(ts) is not str or len(e) > 2 and (len(e) > 3 or "reason" not in e):
                    return None
                why = e.get("reason")
                add((ts, pool[e["status"]], why if why is None else pool[why]))
            entries = tuple(out)
            if copy:
                entries = tuple([(_fresh(ts), st, why) for ts, st, why in entries])
        elif log is None or log == []:
            entries = ()
        else:
            return None
        return (
            _fresh(vin) if copy else vin,
            pool[obj["status"]],
            pool[obj["brand"]],
            tags,
            entries,
        )
    except _BAD:
        return None


def from_array(a: Any) -> Compact | None:
    """The compact form from its JSON array form ``[vin, status, brand, {tags} | null,
    [[timestamp, status, reason | null], ...]]`` (the snapshot cache's rows); None for
    anything else (a bad cached row is skipped, never trusted)."""
    pool = _POOL
    try:
        vin, status, brand, tags, log = a
        if type(vin) is not str or type(log) is not list:
            return None
        if tags:
            tags = _shared_tags({pool[k]: pool[v] for k, v in tags.items()})
        elif tags is not None and tags != {}:
            return None
        else:
            tags = None
        entries = tuple([(ts, pool[st], why if why is None else pool[why]) for ts, st, why in log])
        for ts, _st, _why in entries:
            if type(ts) is not str:
                return None
        return (vin, pool[status], pool[brand], tags, entries)
    except _BAD:
        return None


def copied(c: Compact) -> Compact:
    """A copy of a compact tuple sharing nothing with it but pooled strings. A few
    survivors of a parsed payload, scattered over its memory, would keep most of that
    memory resident; copies made while the payload is alive land elsewhere."""
    tags = c[3]
    return (
        _fresh(c[0]),
        _shared(c[1]),
        _shared(c[2]),
        None if tags is None else _shared_tags({_shared(k): _shared(v) for k, v in tags.items()}),
        tuple(
            [
                (_fresh(ts), _shared(st), None if why is None else _shared(why))
                for ts, st, why in c[4]
            ]
        ),
    )


def detached(obj: dict[str, Any]) -> Any:
    """A deep copy sharing no object with the payload it came from (for odd shapes)."""
    try:
        return json.loads(json.dumps(obj))
    except (TypeError, ValueError):
        return obj


def kept(obj: Any) -> Any:
    """What a row keeps of one list entry, sharing nothing with the payload: its compact
    copy; an odd-shaped dict (extra keys, other types) detached whole; a compact tuple
    or a Vehicle as it is. The one step from a raw answer's entry to a row's source."""
    if type(obj) is tuple:
        return obj
    c = compact(obj)
    if c is not None:
        return c
    return detached(obj) if type(obj) is dict else obj


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
        if (
            type(e) is not dict
            or e.get("timestamp") != ts
            or e.get("status") != st
            or e.get("reason") != why
        ):
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


#: Entries parsed between two looks at the remembered store's newest snapshot.
_LOOK_EVERY = 256


def _latest_rows() -> Callable[[str], Any]:
    ref = _LATEST[0]
    store = ref() if ref is not None else None
    return store.snapshot.by_vin.get if store is not None else {}.get


def reusing() -> Callable[[Any], Any]:
    """Like `compact_or_keep`, but a vehicle whose data equals its compact copy in the
    remembered store comes back as that same tuple: an unchanged fleet is parsed without
    building a second copy of it (a tuple is immutable, so sharing it changes nothing).

    The store's newest snapshot is looked at again every `_LOOK_EVERY` entries: a warm
    start's first answer streams in while the UI thread puts the cached fleet in the
    store, and read against the snapshot of when the call began (the cache's first
    screen) it was a whole second copy of the fleet beside the cached one."""
    get = _latest_rows()
    seen = 0

    def each(obj: Any) -> Any:
        nonlocal get, seen
        c = compact(obj, copy=False)
        if c is None:
            return obj
        seen += 1
        if seen % _LOOK_EVERY == 0:
            get = _latest_rows()
        row = get(c[0])
        if row is not None:
            src = row.src
            if type(src) is tuple and src == c:  # C-level compare, pooled strings by identity
                return src
        return c

    return each
