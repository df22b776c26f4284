"""One API vehicle object as its `fleettui list --json` object, the two ways.

Each plain vehicle object is read in one pass (`fast_parts`: reason and start of the
state straight from the changelog), not parsed into a full `Vehicle`; only the odd ones
(offsets in timestamps, unsorted history, unknown states, odd shapes) go through
`Vehicle.from_api` (`exact_item`), and both ways give the same object
(tests/unit/test_list_json.py checks it). Used by the listing (`fleettui.cli.list_json`),
the lines made while the list downloads (`fleettui.cli.json_lines`) and the lines taken
from the answer's own text (`fleettui.cli.json_runs`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fleettui.core.states import State
from fleettui.core.timefmt import format_ts
from fleettui.core.vehicle import Vehicle

_KEYS = frozenset(("vin", "status", "brand", "tags", "changelog"))
#: The states an API vehicle (and each of its history entries) may have.
STATES = frozenset(s.value for s in State)
_fromiso = datetime.fromisoformat
_EARLIEST = datetime.min


def vehicle_json(
    v: Vehicle, now: datetime | None = None, *, description: bool = False
) -> dict[str, Any]:
    """The `--json` object of a parsed Vehicle (the exact way); with `now`, also
    seconds_in_state at that time; with `description`, the vehicle's description too
    (`show --json`)."""
    out = v.to_api()
    if not description:
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
    found = fast_item(obj, naive_utc(now))
    return found if found is not None else exact_item(obj, now)


def naive_utc(now: datetime | None) -> datetime | None:
    """`now` as a naive UTC time: the API's times are read naive (one parse per vehicle,
    no aware arithmetic), and the difference is the same."""
    return now.astimezone(UTC).replace(tzinfo=None) if now is not None else None


def exact_item(obj: Any, now: datetime | None) -> dict[str, Any] | None:
    try:
        return vehicle_json(Vehicle.from_api(obj), now)
    except ValueError:
        return None


#: Brands seen to be plain (no outer space, lower case): one set lookup per vehicle.
PLAIN_BRANDS: set[str] = set()


def plain_brand(brand: Any) -> bool:
    """No outer space, lower case (as the exact way keeps it)."""
    if type(brand) is not str:
        return False
    if brand in PLAIN_BRANDS:
        return True
    if brand != brand.strip().lower():
        return False
    if len(PLAIN_BRANDS) < 1_000:
        PLAIN_BRANDS.add(brand)
    return True


def fast_item(obj: Any, now: datetime | None, *, history: bool = True) -> dict[str, Any] | None:
    """The one-pass read (`now` naive UTC); None for anything it does not cover. Without
    `history` the object's "changelog" is the answer's own list, not as the output has
    it (the CSV and the table do not show it)."""
    got = fast_parts(obj, history=history)
    if got is None:
        return None
    item, at = got
    if now is not None:
        item["seconds_in_state"] = int((now - at).total_seconds()) if at is not None else None
    return item


def fast_parts(obj: Any, *, history: bool = True) -> tuple[dict[str, Any], datetime | None] | None:
    """The one-pass read: (the `--json` object but its seconds_in_state, the naive UTC
    time its current state began, if known); None for anything it does not cover. Any
    exception on the way (a value of an unexpected type) means the same: the exact way."""
    try:
        if type(obj) is not dict:
            return None
        if len(obj) == len(_KEYS):
            # as many keys as _KEYS, each looked up here: they are _KEYS (else a KeyError)
            vin, status, brand = obj["vin"], obj["status"], obj["brand"]
            tags, log = obj["tags"], obj["changelog"]
        elif _KEYS.issuperset(obj):
            vin, status, brand = obj["vin"], obj["status"], obj["brand"]
            tags, log = obj.get("tags"), obj.get("changelog")
        else:
            return None
        if (
            status not in STATES
            or type(vin) is not str
            or not vin
            or vin != vin.strip()
            or (brand not in PLAIN_BRANDS and not plain_brand(brand))
        ):
            return None
        if tags is None:
            tags = {}
        elif type(tags) is not dict:
            return None
        elif tags:
            "".join(tags.values())  # TypeError unless every value is text
        if not log:
            log = []
        elif type(log) is not list:
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
            if ts[5] == "W":  # an ISO week date ('2026-W47-1T...', a real time): the
                return None  # exact parse writes it as its calendar date
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
            if when < prev or state not in STATES:  # out of order: the parse sorts them
                return None
            prev = when
            if state != run:
                run, since, at = state, ts, when
            if len(e) == 2:
                if history:
                    add({"timestamp": ts, "status": state})
                continue
            why = e.get("reason")
            if len(e) > 3 or type(why) is not str:
                return None
            if not history:
                continue
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
        if copy and history:  # the new entries: the answer itself stays as it came (for the cache)
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
