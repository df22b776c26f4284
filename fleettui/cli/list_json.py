"""`fleettui list` output: the listing (one object per vehicle) and its JSON, streamed one
vehicle object per line (the CSV and the table: :mod:`fleettui.cli.list_text`).

Listing 100,000 vehicles should cost little more than fetching and parsing them. Each
plain vehicle object is read in one pass (reason and start of the state straight from
the changelog), not parsed into a full `Vehicle`; only the odd ones (offsets in
timestamps, unsorted history, unknown states, odd shapes) go through `Vehicle.from_api`,
and both ways give the same output (tests/unit/test_list_json.py checks it). Lines are formatted as they are
written, so the first appears long before the last vehicle is formatted; JSON goes
through the C encoder (no indent).

Text from the API is data: the JSON goes through `json_safe` (fleettui.core.text);
text the C encoder leaves ASCII-or-escaped, which it returns unchanged, skips the call.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from operator import itemgetter
from typing import IO, Any

from fleettui.core.states import State
from fleettui.core.text import json_safe
from fleettui.core.timefmt import format_ts
from fleettui.core.vehicle import Vehicle

#: Lines handed to the stream per write.
_BATCH = 500


_KEYS = frozenset(("vin", "status", "brand", "tags", "changelog"))
_STATES = frozenset(s.value for s in State)
_fromiso = datetime.fromisoformat
_vin = itemgetter("vin")
_EARLIEST = datetime.min


def vehicle_json(v: Vehicle, now: datetime | None = None) -> dict[str, Any]:
    """The `--json` object of a parsed Vehicle (the exact way); with `now`, also
    seconds_in_state at that time."""
    out = v.to_api()
    out.pop("description", None)
    out["reason"] = v.reason
    out["state_since"] = format_ts(v.state_since) or None
    if now is not None:
        seconds = v.time_in_state(now)
        out["seconds_in_state"] = int(seconds) if seconds is not None else None
    return out


def listed(obj: Any, now: datetime | None = None) -> dict[str, Any] | None:
    """The `--json` object for an API vehicle object, None when it has no VIN. Plain
    objects are read in one pass; anything odd goes through Vehicle.from_api, and both
    give the same object (sharing the parts of `obj` that need no change)."""
    found = _fast(obj, _naive(now))
    return found if found is not None else _exact(obj, now)


def _naive(now: datetime | None) -> datetime | None:
    """`now` as a naive UTC time: the API's times are read naive (one parse per vehicle,
    no aware arithmetic), and the difference is the same."""
    return now.astimezone(UTC).replace(tzinfo=None) if now is not None else None


def _exact(obj: Any, now: datetime | None) -> dict[str, Any] | None:
    try:
        return vehicle_json(Vehicle.from_api(obj), now)
    except ValueError:
        return None


#: Brands seen to be plain (no outer space, lower case): one set lookup per vehicle.
_PLAIN_BRANDS: set[str] = set()


def _plain_brand(brand: Any) -> bool:
    if type(brand) is not str or brand != brand.strip().lower():
        return False
    if len(_PLAIN_BRANDS) < 1_000:
        _PLAIN_BRANDS.add(brand)
    return True


def _fast(obj: Any, now: datetime | None) -> dict[str, Any] | None:
    """The one-pass read (`now` naive UTC); None for anything it does not cover."""
    got = fast_parts(obj)
    if got is None:
        return None
    item, at = got
    if now is not None:
        item["seconds_in_state"] = int((now - at).total_seconds()) if at is not None else None
    return item


def fast_parts(obj: Any) -> tuple[dict[str, Any], datetime | None] | None:
    """The one-pass read: (the `--json` object but its seconds_in_state, the naive UTC
    time its current state began, if known); None for anything it does not cover. Any
    exception on the way (a value of an unexpected type) means the same: the exact way."""
    try:
        if type(obj) is not dict or (obj.keys() != _KEYS and not _KEYS.issuperset(obj)):
            return None
        vin, status, brand = obj["vin"], obj["status"], obj["brand"]
        if (
            status not in _STATES
            or type(vin) is not str
            or not vin
            or vin != vin.strip()
            or (brand not in _PLAIN_BRANDS and not _plain_brand(brand))
        ):
            return None
        tags = obj.get("tags")
        if tags is None:
            tags = {}
        elif type(tags) is not dict:
            return None
        else:
            "".join(tags.values())  # TypeError unless every value is text
        log = obj.get("changelog") or []
        if type(log) is not list:
            return None
        # One pass over the history: each entry as the output has it (its time as
        # 'YYYY-MM-DDTHH:MM:SSZ'; a blank reason left out), and where the last run of one
        # state began. The entries are only used when one differs from what was sent.
        prev = _EARLIEST
        copy = False
        entries: list[dict[str, str]] = []
        add = entries.append
        run = since = at = None
        for e in log:
            ts, state = e["timestamp"], e["status"]
            form = ts[10:20:3]  # 'T', ':', ':' and what follows the seconds
            if form == "T::Z" and len(ts) == 20:
                when = _fromiso(ts[:19])  # ValueError unless a real date and time
            elif form == "T::" and len(ts) == 19:
                when = _fromiso(ts)
                ts += "Z"
                copy = True
            elif form == "T::." and (ts[20:-1] if ts[-1] in "zZ" else ts[20:]).isdigit():
                when = _fromiso(ts[:-1] if ts[-1] in "zZ" else ts)  # with its fraction
                ts = ts[:19] + "Z"
                copy = True
            else:
                return None  # any other form (an offset, a space, ...): the exact parse
            if when < prev or state not in _STATES:  # out of order: the parse sorts them
                return None
            prev = when
            if state != run:
                run, since, at = state, ts, when
            if len(e) == 2:
                add({"timestamp": ts, "status": state})
                continue
            why = e.get("reason")
            if len(e) > 3 or type(why) is not str:
                return None
            if why and not why.isspace():
                add({"timestamp": ts, "status": state, "reason": why})
            else:
                add({"timestamp": ts, "status": state})
                copy = True
        reason = None
        if run == status:
            why = log[-1].get("reason")
            reason = why if why and not why.isspace() else None
        else:
            since = at = None
        if copy:  # the new entries: the answer itself stays as it came (for the cache)
            log = entries
        item = {
            "vin": vin,
            "status": status,
            "brand": brand,
            "tags": tags,
            "changelog": log,
            "reason": reason,
            "state_since": since,
        }
        return item, at
    except (TypeError, KeyError, AttributeError, IndexError, ValueError):
        return None


def listing(
    raw: Iterable[Any], now: datetime | None = None, *, sort: bool = True
) -> list[dict[str, Any]]:
    """The `--json` objects of a list answer (in VIN order with `sort`, else as given);
    `raw` is not changed."""
    at = _naive(now)
    fast = _fast
    out: list[dict[str, Any]] = []
    add = out.append
    for obj in raw:
        item = fast(obj, at)
        if item is None:
            item = _exact(obj, now)
            if item is None:
                continue
        add(item)
    if sort:
        out.sort(key=_vin)
    return out


def write_json(items: Sequence[dict[str, Any]], stream: IO[str]) -> None:
    """A JSON array, one vehicle object per line. The C encoder formats a batch at a
    time; each object starts with its "vin" key, and `}, {"vin": ` cannot occur inside a
    JSON string (its quote would be escaped), so that is where the lines break."""
    # No cycle check: the objects come from a JSON parse (a tree), and the check costs
    # ~15% of the encoding.
    encode = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode
    safe = json_safe
    write = stream.write
    if not items:
        write("[]\n")
        return
    write("[\n")
    for start in range(0, len(items), _BATCH):
        text = encode(items[start : start + _BATCH])[1:-1].replace('}, {"vin": ', '},\n{"vin": ')
        # The encoder escapes C0 controls; C1, DEL, bidi and invisible ones are not
        # ASCII-or-escaped, so only text with them needs the sanitiser's pass.
        if not text.isascii() or "\x7f" in text:
            text = safe(text)
        write(text + (",\n" if start + _BATCH < len(items) else "\n"))
    write("]\n")
