"""`fleettui list --csv` and the table: a listing (:mod:`fleettui.cli.list_json`) as
lines of text, written a batch of lines at a time.

Text from the API is data: every table cell is what `plain` makes of it, every CSV cell
what `csv_cell` makes of it (fleettui.core.text), quoted by csv.writer. The usual fleet
needs none of that: its text is printable, has no doubled or outer spaces, no comma or
quote, and nothing a spreadsheet reads as a formula, and for such text those calls change
nothing. So each column is first checked as a whole (one join, a few C-level searches);
when every column passes, lines are put together column by column (`str.ljust`,
`",".join`) without a Python call per cell. A column that fails sends every cell the
exact way. Widths are counted by `len` unless the text is not ASCII.
"""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from itertools import repeat
from operator import itemgetter
from typing import IO, Any

from fleettui.core.text import csv_cell
from fleettui.core.timefmt import format_duration

CSV_HEADERS = ("vin", "brand", "status", "reason", "state_since", "tags")
TABLE_HEADERS = ("VIN", "BRAND", "STATE", "REASON", "IN STATE")
#: Lines handed to the stream per write.
_BATCH = 500
#: Longest reason shown in the table (cut with an ellipsis by `plain`).
_REASON_CELLS = 60

_FORMULA = frozenset("=+-@\t\r")
_fromiso = datetime.fromisoformat
_VIN, _BRAND, _STATUS = itemgetter("vin"), itemgetter("brand"), itemgetter("status")
_REASON, _SINCE, _TAGS = itemgetter("reason"), itemgetter("state_since"), itemgetter("tags")
_SECONDS = itemgetter(slice(0, 19))  # 'YYYY-MM-DDTHH:MM:SS' of a state_since


def _joined(cells: Sequence[Any]) -> str | None:
    """The cells joined by '|' (printable, so the checks below see each cell's own
    characters); None when a cell is not text."""
    try:
        return "|".join(cells)
    except TypeError:
        return None


def _tidy(cells: Sequence[Any], *, spaces: bool) -> bool:
    """Printable ASCII cells; with `spaces`, none doubled or at either end, else none."""
    text = _joined(cells)
    if text is None or not (text.isascii() and text.isprintable()):
        return False
    if not spaces:
        return " " not in text
    return not ("  " in text or "| " in text or " |" in text or text[:1] == " "
                or text[-1:] == " ")


def _csv_plain(cells: Sequence[Any]) -> bool:
    """Printable cells without a comma or quote, none starting a formula: what csv_cell
    and csv.writer leave as they are."""
    text = _joined(cells)
    return (text is not None and text.isprintable() and "," not in text and '"' not in text
            and text[:1] not in _FORMULA and "|=" not in text and "|+" not in text
            and "|-" not in text and "|@" not in text)


def tags_text(tags: dict[str, str]) -> str:
    return ";".join(f"{k}={v}" for k, v in sorted(tags.items()))


_CSV_TAGS: dict[tuple[tuple[str, str], ...], str] = {}


def _csv_tags(tags: dict[str, str]) -> str:
    """tags_text, once per distinct set of tags (a fleet has a few thousand)."""
    if not tags:
        return ""
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


def write_csv(items: Sequence[dict[str, Any]], stream: IO[str]) -> None:
    """CSV of outside data: every cell what `csv_cell` makes of it (sanitised, never a
    formula), quoted where csv.writer quotes; a batch of lines at a time."""
    write = stream.write
    write(",".join(CSV_HEADERS) + "\n")
    writer = None
    for start in range(0, len(items), _BATCH):
        batch = items[start:start + _BATCH]
        columns = [list(map(_VIN, batch)), list(map(_BRAND, batch)), list(map(_STATUS, batch)),
                   [r or "" for r in map(_REASON, batch)], [s or "" for s in map(_SINCE, batch)],
                   list(map(_csv_tags, map(_TAGS, batch)))]
        rows = zip(*columns, strict=True)
        if all(map(_csv_plain, columns)):
            write("\n".join(map(",".join, rows)) + "\n")
            continue
        writer = writer or csv.writer(stream, lineterminator="\n")
        writer.writerows([csv_cell(c) for c in row] for row in rows)


def width(text: str) -> int:
    """Terminal cells of `text`: its length unless it holds non-ASCII characters."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _durations(items: Sequence[dict[str, Any]], now: datetime) -> list[str]:
    """How long each vehicle has been in its state at `now`, from its state_since."""
    at = now.astimezone(UTC).replace(tzinfo=None)  # naive UTC, as the times are read
    sinces = list(map(_SINCE, items))
    if None not in sinces:  # the usual batch: parsed and subtracted at C speed
        gone = map(at.__sub__, map(_fromiso, map(_SECONDS, sinces)))
        return list(map(format_duration, map(timedelta.total_seconds, gone)))
    return [format_duration(None if since is None else
                            (at - _fromiso(since[:19])).total_seconds()) for since in sinces]


def _cells(item: dict[str, Any], clean: Callable[..., str]) -> tuple[str, str, str, str]:
    vin, brand, status, reason = (item["vin"], item["brand"], item["status"] or "?",
                                  item["reason"] or "")
    joined = vin + brand + status + reason
    if not (joined.isascii() and joined.isprintable()) or " " in status or " " in vin:
        return clean(vin), clean(brand), clean(status), clean(reason, _REASON_CELLS)
    if ("  " in reason or reason[:1] == " " or reason[-1:] == " "
            or len(reason) > _REASON_CELLS):
        reason = clean(reason, _REASON_CELLS)
    if "  " in brand or brand[:1] == " " or brand[-1:] == " ":
        brand = clean(brand)
    return vin, brand, status, reason


def write_table(items: Sequence[dict[str, Any]], now: datetime, stream: IO[str],
                plain: Callable[..., str]) -> None:
    """Aligned columns separated by two spaces; the last column is not padded."""
    vins, brands = list(map(_VIN, items)), list(map(_BRAND, items))
    states = [s or "?" for s in map(_STATUS, items)]
    reasons = [r or "" for r in map(_REASON, items)]
    if not (_tidy(vins, spaces=False) and _tidy(states, spaces=False)
            and _tidy(brands, spaces=True) and _tidy(reasons, spaces=True)
            and max(map(len, reasons), default=0) <= _REASON_CELLS):
        cells = [_cells(item, plain) for item in items]
        vins, brands, states, reasons = (list(c) for c in zip(*cells, strict=True)) \
            if cells else ([], [], [], [])
    columns = [vins, brands, states, reasons]
    ascii_ = all("".join(c).isascii() for c in columns)
    pads = [max(len(h), max(map(len if ascii_ else width, c), default=0))
            for h, c in zip(TABLE_HEADERS, columns, strict=False)]
    write = stream.write
    if ascii_:
        def lines(cols: Sequence[Sequence[str]]) -> Iterable[str]:
            padded = [map(str.ljust, c, repeat(w)) for c, w in zip(cols, pads, strict=False)]
            return map(str.rstrip, map("  ".join, zip(*padded, cols[-1], strict=True)))
    else:
        def lines(cols: Sequence[Sequence[str]]) -> Iterable[str]:
            return ("  ".join([*(c + " " * (w - width(c))
                                 for c, w in zip(row, pads, strict=False)), row[-1]]).rstrip()
                    for row in zip(*cols, strict=True))
    write("\n".join(lines([[h] for h in TABLE_HEADERS])) + "\n")
    for start in range(0, len(items), _BATCH):
        end = start + _BATCH  # the last column (not padded) is worked out batch by batch
        batch = [c[start:end] for c in columns]
        write("\n".join(lines([*batch, _durations(items[start:end], now)])) + "\n")
