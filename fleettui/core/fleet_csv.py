"""The fleet as CSV: one column set and one writer for `fleettui list --csv`, the monitor's
export (`e`, a file or a browser download) and any other table of outside text.

Columns (`COLUMNS`): ``vin,brand,status,reason,state_since,tags,seconds_in_state``; tags
as ``k=v;k2=v2`` (sorted by key), `state_since` as ``YYYY-MM-DDTHH:MM:SSZ``,
`seconds_in_state` whole seconds at the provider's clock (empty when unknown).

Text from the API is data: every text cell is what `csv_cell` makes of it
(fleettui.core.text: sanitised, never a spreadsheet formula), quoted where csv.writer
quotes. The usual fleet needs none of that: its text is printable, has no comma or quote
and nothing a spreadsheet reads as a formula, and for such text those calls change
nothing. So each column of a batch is first checked as a whole (one join, a few C-level
searches); when every column passes, lines are put together column by column
(`",".join`) without a Python call per cell. A column that fails sends every cell of the
batch the exact way (tests/unit/test_list_text.py checks both give the same bytes).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from itertools import compress, count, islice, repeat
from operator import is_, itemgetter
from typing import IO, Any

from fleettui.core.text import csv_cell
from fleettui.core.timefmt import format_ts
from fleettui.core.vehicle import Vehicle

#: The one CSV shape of a fleet (README, "--json shapes").
COLUMNS = ("vin", "brand", "status", "reason", "state_since", "tags", "seconds_in_state")
#: Lines handed to the stream per write.
_BATCH = 500

_FORMULA = frozenset("=+-@\t\r")
_VIN, _BRAND, _STATUS = itemgetter("vin"), itemgetter("brand"), itemgetter("status")
_REASON, _SINCE, _TAGS = itemgetter("reason"), itemgetter("state_since"), itemgetter("tags")


_SECONDS = itemgetter("seconds_in_state")


def _seconds(batch: Sequence[dict[str, Any]]) -> list[str]:
    """The seconds_in_state column (whole seconds, empty when unknown or not given)."""
    try:
        found = list(map(_SECONDS, batch))
    except KeyError:  # objects listed without a clock
        found = [item.get("seconds_in_state") for item in batch]
    if None not in found:
        return list(map(str, found))
    return ["" if s is None else str(s) for s in found]


def joined(cells: Sequence[Any]) -> str | None:
    """The cells joined by '|' (printable, so the checks below see each cell's own
    characters); None when a cell is not text."""
    try:
        return "|".join(cells)
    except TypeError:
        return None


def _plain(cells: Sequence[Any]) -> bool:
    """Printable cells without a comma or quote, none starting a formula: what csv_cell
    and csv.writer leave as they are."""
    text = joined(cells)
    return (
        text is not None
        and text.isprintable()
        and "," not in text
        and '"' not in text
        and text[:1] not in _FORMULA
        and "|=" not in text
        and "|+" not in text
        and "|-" not in text
        and "|@" not in text
    )


def tags_text(tags: dict[str, str]) -> str:
    """``k=v;k2=v2``, sorted by key."""
    return ";".join(f"{k}={v}" for k, v in sorted(tags.items()))


#: Each distinct set of tags (as its items, in the object's order) and its cell; a fleet
#: has a few thousand.
_TAG_TEXTS: dict[tuple[tuple[str, str], ...], str] = {(): ""}
_MOST_TAG_TEXTS = 50_000


def _tags_cell(tags: dict[str, str]) -> str:
    """tags_text, once per distinct set of tags."""
    if not tags:
        return ""
    key = tuple(tags.items())
    try:
        found = _TAG_TEXTS.get(key)
    except TypeError:  # unhashable values: not from JSON
        return tags_text(tags)
    if found is None:
        found = tags_text(tags)
        if len(_TAG_TEXTS) < _MOST_TAG_TEXTS:
            _TAG_TEXTS[key] = found
    return found


def _tag_cells(batch: Sequence[Any]) -> list[str]:
    """The tags column of a batch: known sets looked up at C speed (no Python call per
    vehicle), the others through `_tags_cell`."""
    try:
        cells: list[str | None] = list(map(_TAG_TEXTS.get, map(tuple, map(dict.items, batch))))
    except TypeError:  # tags that are not a dict, or unhashable values: one by one
        return list(map(_tags_cell, batch))
    for k in compress(count(), map(is_, cells, repeat(None))):
        cells[k] = _tags_cell(batch[k])
    return cells  # type: ignore[return-value] # no None left


def write_fleet(items: Iterable[dict[str, Any]], stream: IO[str]) -> int:
    """The fleet CSV of `list --json`-shaped objects (`fleettui.cli.list_json`; the
    keys of COLUMNS, tags a dict), a batch of lines at a time; returns the rows written."""
    write = stream.write
    write(",".join(COLUMNS) + "\n")
    writer = None
    count = 0
    batches: Iterable[Sequence[dict[str, Any]]]
    if isinstance(items, Sequence):
        batches = (items[i : i + _BATCH] for i in range(0, len(items), _BATCH))
    else:
        it = iter(items)
        batches = iter(lambda: list(islice(it, _BATCH)), [])
    for batch in batches:
        count += len(batch)
        text = [
            list(map(_VIN, batch)),
            list(map(_BRAND, batch)),
            list(map(_STATUS, batch)),
            [r or "" for r in map(_REASON, batch)],
            [s or "" for s in map(_SINCE, batch)],
            _tag_cells(list(map(_TAGS, batch))),
        ]
        seconds = _seconds(batch)  # our own numbers: never sanitised
        if all(map(_plain, text)):
            write("\n".join(map(",".join, zip(*text, seconds, strict=True))) + "\n")
            continue
        writer = writer or csv.writer(stream, lineterminator="\n")
        writer.writerows(
            [*map(csv_cell, row[:-1]), row[-1]] for row in zip(*text, seconds, strict=True)
        )
    return count


def vehicle_item(v: Vehicle, now: datetime) -> dict[str, Any]:
    """A parsed vehicle as the objects `write_fleet` takes (what the monitor holds)."""
    seconds = v.time_in_state(now)
    return {
        "vin": v.vin,
        "brand": v.brand,
        "status": v.status or v.state.value,
        "reason": v.reason,
        "state_since": format_ts(v.state_since) or None,
        "tags": v.tags,
        "seconds_in_state": None if seconds is None else int(seconds),
    }


def write_vehicles(vehicles: Iterable[Vehicle], now: datetime, stream: IO[str]) -> int:
    """The fleet CSV of parsed vehicles, in the given order; returns the rows written."""
    items: Iterator[dict[str, Any]] = (vehicle_item(v, now) for v in vehicles)
    return write_fleet(items, stream)


def write_table(headers: Sequence[str], rows: Iterable[Sequence[object]], stream: IO[str]) -> int:
    """Any other table of outside data (the history's events, …) as CSV: every cell
    sanitised and never a spreadsheet formula; returns the rows written."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(headers)
    count = 0
    for row in rows:
        writer.writerow([csv_cell(c) for c in row])
        count += 1
    return count
