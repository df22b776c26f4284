"""`fleettui list --json` formatted while the list downloads.

The listing is in VIN order, so nothing can be written before the last vehicle is in;
but everything else can be done by then. `JsonLines` is the list call's `on_batch`
(`fleettui.api.vehicle_list`): as each chunk of the answer is parsed, its vehicles are
read the one-pass way (`list_json.fast_parts`) and formatted by the C encoder into their
output lines, all but the `seconds_in_state` that needs the provider's time at the end.
Once the answer is in, `write` sorts the lines by VIN, adds that last field and writes
them: the same text `list_json.write_json(listing(raw, now))` writes (the tests compare
the two), most of the work done while the bytes were still arriving.

Vehicles the one-pass read does not cover are kept as they came and read the exact way
at the end. When the list returned is not what was handed over (a retried call, an
answer read the whole way, entries skipped or repeated), `write` says so (False) and the
caller writes the listing the usual way.
"""

from __future__ import annotations

import json
from array import array
from datetime import datetime
from operator import is_
from typing import IO, Any

from fleettui.cli.list_json import _exact, _naive, fast_parts
from fleettui.core.text import json_safe

#: Lines handed to the stream per write.
_BATCH = 500
#: Between two output objects in the encoder's text: only there (a quote inside a JSON
#: string is escaped), as `list_json.write_json` relies on too.
_BETWEEN = '}, {"vin": '


class JsonLines:
    def __init__(self) -> None:
        self._encode = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode
        self._restart()

    def _restart(self) -> None:
        self._seen: list[Any] = []
        # The lines live in the encoder's text of each batch (`_texts`), found by where
        # they start and end: no object per line (38 MB of text at 100,000 vehicles,
        # held while the body is still being read). A line lacks its closing brace,
        # put back after its last field at the end.
        self._texts: list[str] = []
        self._vins: list[str] = []
        self._text_of = array("l")
        self._starts = array("q")
        self._ends = array("q")
        #: When each vehicle's current state began (naive UTC), if known.
        self._began: list[datetime | None] = []
        #: Vehicles to read the exact way at the end.
        self._odd: list[Any] = []
        self._broken = False

    def __call__(self, batch: list[Any], first: bool) -> None:
        if first:
            self._restart()
        self._seen.extend(batch)
        items: list[dict[str, Any]] = []
        began = self._began
        for obj in batch:
            got = fast_parts(obj)
            if got is None:
                self._odd.append(obj)
                continue
            items.append(got[0])
            began.append(got[1])
        if not items:
            return
        text = self._encode(items)[1:-1]
        if not text.isascii() or "\x7f" in text:
            text = json_safe(text)
        number = len(self._texts)
        self._texts.append(text)
        find, start = text.find, 0
        starts, ends, vins = self._starts, self._ends, self._vins
        last = items[-1]
        for item in items:
            end = find(_BETWEEN, start)
            if end < 0:
                end = len(text) - 1
                self._broken |= item is not last  # fewer pieces than objects
            starts.append(start)
            ends.append(end)
            vins.append(item["vin"])
            start = end + 3
        self._text_of.extend([number] * len(items))
        if start != len(text) + 2:  # more pieces than objects
            self._broken = True

    def write(self, raw: list[Any], now: datetime, stream: IO[str]) -> bool:
        """Write the listing of `raw` (the list the call returned, at the provider's time
        `now`) from the lines made on the way; False, writing nothing, when they are not
        of `raw`."""
        if self._broken or len(raw) != len(self._seen) or not all(map(is_, raw, self._seen)):
            return False
        self._seen = []
        at_now = _naive(now)
        texts, text_of, starts, ends = self._texts, self._text_of, self._starts, self._ends
        n = len(self._vins)
        odd: list[str] = []
        odd_vins: list[str] = []
        for obj in self._odd:
            item = _exact(obj, now)
            if item is not None:
                odd_vins.append(item["vin"])
                odd.append(json_safe(self._encode(item)))
        vins = self._vins + odd_vins if odd_vins else self._vins
        seconds = (
            [
                "null" if at is None else str(int((at_now - at).total_seconds()))
                for at in self._began
            ]
            if at_now is not None
            else ["null"] * n
        )
        order = sorted(range(len(vins)), key=vins.__getitem__)
        tail = ', "seconds_in_state": '
        write = stream.write
        if not order:
            write("[]\n")
            return True
        write("[\n")
        for start in range(0, len(order), _BATCH):
            more = start + _BATCH < len(order)
            lines = [
                texts[text_of[k]][starts[k] : ends[k]] + tail + seconds[k] + "}"
                if k < n
                else odd[k - n]
                for k in order[start : start + _BATCH]
            ]
            write(",\n".join(lines))
            write(",\n" if more else "\n")
        write("]\n")
        return True
