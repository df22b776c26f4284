"""`fleettui list` output: the listing (one object per vehicle) and its JSON, streamed one
vehicle object per line (the CSV and the table: :mod:`fleettui.cli.list_text`).

Listing 100,000 vehicles should cost little more than fetching and parsing them: each
vehicle object is read the one-pass way when it is plain, the exact way otherwise
(:mod:`fleettui.cli.list_items`). Lines are formatted as they are written, so the first
appears long before the last vehicle is formatted; JSON is compact (`,` and `:` with no
space: `fleettui.core.json_codec.compact`, the shape the native encoder writes too), one
object per line.

Text from the API is data: the JSON goes through `json_safe` (fleettui.core.text);
text the C encoder leaves ASCII-or-escaped, which it returns unchanged, skips the call.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from operator import itemgetter
from typing import IO, Any

from fleettui.cli.list_items import exact_item, fast_item, naive_utc
from fleettui.core.json_codec import compact
from fleettui.core.text import json_safe

#: Lines handed to the stream per write.
_BATCH = 500
_vin = itemgetter("vin")


def listing(
    raw: Iterable[Any], now: datetime | None = None, *, sort: bool = True, history: bool = True
) -> list[dict[str, Any]]:
    """The `--json` objects of a list answer (in VIN order with `sort`, else as given);
    `raw` is not changed. Without `history`, a plain vehicle's "changelog" is left as the
    answer has it (for the CSV and the table, which do not show it: a third less work)."""
    at = naive_utc(now)
    fast = fast_item
    out: list[dict[str, Any]] = []
    add = out.append
    for obj in raw:
        item = fast(obj, at, history=history)
        if item is None:
            item = exact_item(obj, now)
            if item is None:
                continue
        add(item)
    if sort:
        out.sort(key=_vin)
    return out


def write_json(items: Sequence[dict[str, Any]], stream: IO[str]) -> None:
    """A JSON array, one vehicle object per line. The C encoder formats a batch at a
    time; each object starts with its "vin" key, and `},{"vin":` cannot occur inside a
    JSON string (its quote would be escaped), so that is where the lines break."""
    encode = compact
    safe = json_safe
    write = stream.write
    if not items:
        write("[]\n")
        return
    write("[\n")
    for start in range(0, len(items), _BATCH):
        text = encode(items[start : start + _BATCH])[1:-1].replace('},{"vin":', '},\n{"vin":')
        # The encoder escapes C0 controls; C1, DEL, bidi and invisible ones are not
        # ASCII-or-escaped, so only text with them needs the sanitiser's pass.
        if not text.isascii() or "\x7f" in text:
            text = safe(text)
        write(text + (",\n" if start + _BATCH < len(items) else "\n"))
    write("]\n")
