"""`fleettui list` output, streamed: JSON (one vehicle object per line), CSV, the table.

Listing 100,000 vehicles should cost little more than fetching and parsing them. Each
plain vehicle object is read in one pass (reason and start of the state straight from
the changelog), not parsed into a full `Vehicle`; only the odd ones (offsets in
timestamps, unsorted history, unknown states, odd shapes) go through `Vehicle.from_api`,
and both ways give the same output (tests/test_list_output.py checks it). Lines are formatted as they are
written, so the first appears long before the last vehicle is formatted; JSON goes
through the C encoder (no indent), and text widths are counted by `len` unless the text
is not ASCII.

Text from the API is data: every table cell is what `plain` makes of it, every CSV cell
what `csv_cell` makes of it, the JSON goes through `json_safe` (fleettui.core.text);
plain printable text, which they return unchanged, skips the call.
"""

from __future__ import annotations

import csv
import json
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from operator import itemgetter
from typing import IO, Any

from fleettui.core.states import State
from fleettui.core.text import csv_cell, json_safe
from fleettui.core.timefmt import format_duration, format_ts
from fleettui.core.vehicle import Vehicle

CSV_HEADERS = ("vin", "brand", "status", "reason", "state_since", "tags")
TABLE_HEADERS = ("VIN", "BRAND", "STATE", "REASON", "IN STATE")
#: Lines handed to the stream per write.
_BATCH = 500


_KEYS = frozenset(("vin", "status", "brand", "tags", "changelog"))
_STATES = frozenset(s.value for s in State)
_fromiso = datetime.fromisoformat
_FORMULA = frozenset("=+-@\t\r")
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
    """The one-pass read (`now` naive UTC); None for anything it does not cover. Any
    exception on the way (a value of an unexpected type) means the same: the exact way."""
    try:
        if type(obj) is not dict or (obj.keys() != _KEYS and not _KEYS.issuperset(obj)):
            return None
        vin, status, brand = obj["vin"], obj["status"], obj["brand"]
        if (status not in _STATES or type(vin) is not str or not vin or vin != vin.strip()
                or (brand not in _PLAIN_BRANDS and not _plain_brand(brand))):
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
        reason = seconds = None
        if run == status:
            why = log[-1].get("reason")
            reason = why if why and not why.isspace() else None
            if now is not None:
                seconds = int((now - at).total_seconds())  # type: ignore[operator]
        else:
            since = None
        if copy:  # the new entries: the answer itself stays as it came (for the cache)
            log = entries
        if now is None:
            return {"vin": vin, "status": status, "brand": brand, "tags": tags,
                    "changelog": log, "reason": reason, "state_since": since}
        return {"vin": vin, "status": status, "brand": brand, "tags": tags, "changelog": log,
                "reason": reason, "state_since": since, "seconds_in_state": seconds}
    except (TypeError, KeyError, AttributeError, IndexError, ValueError):
        return None


def listing(raw: Iterable[Any], now: datetime | None = None, *,
            sort: bool = True) -> list[dict[str, Any]]:
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
        text = encode(items[start:start + _BATCH])[1:-1].replace('}, {"vin": ', '},\n{"vin": ')
        # The encoder escapes C0 controls; C1, DEL, bidi and invisible ones are not
        # ASCII-or-escaped, so only text with them needs the sanitiser's pass.
        if not text.isascii() or "\x7f" in text:
            text = safe(text)
        write(text + (",\n" if start + _BATCH < len(items) else "\n"))
    write("]\n")


def tags_text(tags: dict[str, str]) -> str:
    return ";".join(f"{k}={v}" for k, v in sorted(tags.items()))


def _csv_row(item: dict[str, Any]) -> list[str]:
    """A CSV row of outside data: every cell what `csv_cell` (the sanitiser) makes of it;
    printable cells that cannot start a formula are that already."""
    tags = item["tags"]
    vin, brand, status, reason = item["vin"], item["brand"], item["status"], item["reason"] or ""
    text = _csv_tags(tags) if tags else ""
    row = [vin, brand, status, reason, item["state_since"] or "", text]
    f = _FORMULA
    if ((vin + brand + status + reason + text).isprintable() and vin[:1] not in f
            and brand[:1] not in f and status[:1] not in f and reason[:1] not in f
            and text[:1] not in f):
        return row  # (state_since is a timestamp or empty)
    return [csv_cell(c) for c in row]


_CSV_TAGS: dict[tuple[tuple[str, str], ...], str] = {}


def _csv_tags(tags: dict[str, str]) -> str:
    """tags_text, once per distinct set of tags (a fleet has a few thousand)."""
    key = tuple(tags.items())
    try:
        found = _CSV_TAGS.get(key)
    except TypeError:  # unhashable values: not from JSON
        return tags_text(tags)
    if found is None:
        found = tags_text(tags)
        if len(_CSV_TAGS) < 50_000:
            _CSV_TAGS[key] = found
    return found


def write_csv(items: Iterable[dict[str, Any]], stream: IO[str]) -> None:
    """CSV of outside data: every cell through `csv_cell` (sanitised, never a formula)."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(CSV_HEADERS)
    writer.writerows(map(_csv_row, items))


def width(text: str) -> int:
    """Terminal cells of `text`: its length unless it holds non-ASCII characters."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def seconds_in_state(item: dict[str, Any], now: datetime) -> float | None:
    since = item["state_since"]
    if since is None:
        return None
    return (now - _fromiso(since[:19]).replace(tzinfo=UTC)).total_seconds()


def _cells(item: dict[str, Any], clean: Callable[..., str]) -> tuple[str, str, str, str]:
    vin, brand, status, reason = (item["vin"], item["brand"], item["status"] or "?",
                                  item["reason"] or "")
    joined = vin + brand + status + reason
    if not (joined.isascii() and joined.isprintable()) or " " in status or " " in vin:
        return clean(vin), clean(brand), clean(status), clean(reason, 60)
    if "  " in reason or reason[:1] == " " or reason[-1:] == " " or len(reason) > 60:
        reason = clean(reason, 60)
    if "  " in brand or brand[:1] == " " or brand[-1:] == " ":
        brand = clean(brand)
    return vin, brand, status, reason


def write_table(items: Sequence[dict[str, Any]], now: datetime, stream: IO[str],
                plain: Callable[..., str]) -> None:
    """Aligned columns separated by two spaces; the last column is not padded. Every
    cell is what `plain` (the sanitiser) makes of it; printable text without doubled or
    outer spaces is already that, and is not passed through it again."""
    rows = [(*_cells(item, plain), format_duration(seconds_in_state(item, now)))
            for item in items]
    widths = [width(h) for h in TABLE_HEADERS]
    for column in range(len(widths) - 1):
        cells = [row[column] for row in rows]
        if "".join(cells).isascii():
            widths[column] = max(widths[column], max(map(len, cells), default=0))
        else:
            widths[column] = max([widths[column], *map(width, cells)])
    pads = widths[:-1]
    template = "  ".join(f"{{:<{w}}}" for w in pads) + "  {}"

    def line(cells: Sequence[str]) -> str:
        if "".join(cells).isascii():
            return template.format(*cells).rstrip() + "\n"
        parts = [c + " " * (w - width(c)) for c, w in zip(cells, pads, strict=False)]
        return "  ".join([*parts, cells[-1]]).rstrip() + "\n"

    write = stream.write
    write(line(TABLE_HEADERS))
    for start in range(0, len(rows), _BATCH):
        write("".join(map(line, rows[start:start + _BATCH])))
