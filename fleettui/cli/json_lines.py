"""`fleettui list --json` formatted while the list downloads.

The listing is in VIN order, so nothing can be written before the last vehicle is in;
but everything else can be done by then. `JsonLines` is the list call's `on_batch`
(`fleettui.api.vehicle_list`): as each chunk of the answer is parsed, its vehicles become
their output lines, all but the `seconds_in_state` that needs the provider's time at the
end. With the native encoder (`fleettui.core.json_codec`: orjson, when installed) every
vehicle is read the one-pass way (`list_items.fast_parts`) and a batch of them formatted
by it at once (~6 times Python's encoder); without it, runs of plain vehicles in the
provider's compact form are formatted by templates that the answer's own text vouches
for (`json_runs.read_run`), the others read the one-pass way and formatted by Python's
encoder. Both ways make the same bytes (the tests run both). Once the answer is in,
`write` sorts the lines by VIN, adds that last field and writes them: the same text
`list_json.write_json(listing(raw, now))` writes (the tests compare the two), most of
the work done while the bytes were still arriving.

Where the compiled reader was built (`fleettui.cli.run_lines`, setup.py), each run of the
answer's text is read by it first: the usual vehicles' lines straight from the text, the
same bytes again, in about a tenth of the time; what it leaves goes the ways above.

Vehicles the one-pass read does not cover are kept as they came and read the exact way
at the end. When the list returned is not what was handed over (a retried call, an
answer read the whole way, entries skipped or repeated), `write` says so (False) and the
caller writes the listing the usual way.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import compress, count, repeat
from operator import is_, is_not, itemgetter
from typing import IO, Any

from fleettui.api.list_stream import Batch
from fleettui.cli.json_runs import read_run
from fleettui.cli.list_items import exact_item, fast_parts, naive_utc
from fleettui.cli.run_lines import STATE_NAMES, compiled_reader
from fleettui.core.json_codec import compact, native, native_available
from fleettui.core.text import json_safe

#: Vehicles handed to the stream per write (~4 MB).
_BATCH = 10_000
#: Between two output objects in the encoder's text: only there (a quote inside a JSON
#: string is escaped), as `list_json.write_json` relies on too.
_BETWEEN = '},{"vin":'
_OPEN = '{"vin":'
#: After a vehicle's head: its last field, and the start of the next line (the last
#: vehicle's is cut off: `_NEXT`).
_NEXT = ',\n{"vin":'
_SECONDS = ',"seconds_in_state":%d}' + _NEXT
_NO_SECONDS = ',"seconds_in_state":null}' + _NEXT
#: Stands for "not known" among the start times (its seconds are never written).
_UNKNOWN = datetime.max
_VIN = itemgetter("vin")


class JsonLines:
    def __init__(self) -> None:
        #: The native encoder formats every vehicle (no templates from the text).
        self._native = native_available()
        #: The compiled reader of the usual vehicles, when built and not switched off.
        self._compiled = compiled_reader()
        self._restart()

    def _restart(self) -> None:
        self._seen: list[Any] = []
        #: Each vehicle's line after its opening `{"vin":` and up to its last field
        #: (`"WVW...","status":...,"state_since":...`), and its VIN.
        self._heads: list[str] = []
        self._vins: list[str] = []
        #: When each vehicle's current state began (naive UTC), _UNKNOWN if not known.
        self._began: list[datetime] = []
        #: Vehicles to read the exact way at the end.
        self._odd: list[Any] = []
        self._broken = False

    def __call__(self, batch: list[Any], first: bool) -> None:
        if first:
            self._restart()
        self._seen.extend(batch)
        compiled = self._compiled
        if self._native and compiled is None:
            self._objects(batch)
            return
        done = 0
        for start, size, text in batch.runs if isinstance(batch, Batch) else ():
            self._objects(batch[done:start])
            run = batch[start : start + size]
            got = compiled(text, size, STATE_NAMES) if compiled is not None else None
            if got is None and not self._native:
                got = read_run(text, run)
            if got is None:
                self._objects(run)
            else:
                self._run(run, *got)
            done = start + size
        self._objects(batch[done:] if done else batch)

    def _run(self, run: list[Any], heads: list[str | None], began: list[datetime | None]) -> None:
        """A run read from its text; its vehicles without a line go the one-pass way."""
        if None in heads:
            self._objects([obj for obj, head in zip(run, heads, strict=True) if head is None])
            keep = list(map(is_not, heads, repeat(None)))
            run, began = list(compress(run, keep)), list(compress(began, keep))
            heads = list(compress(heads, keep))
        self._heads.extend(heads)  # type: ignore[arg-type] # no None left
        self._vins.extend(obj["vin"] for obj in run)
        self._began.extend(_UNKNOWN if at is None else at for at in began)

    def _objects(self, objects: list[Any]) -> None:
        """Vehicles read one by one (`fast_parts`), their lines made by an encoder: the
        native one when it can, else Python's (the same text: `json_codec`)."""
        items: list[dict[str, Any]] = []
        began = self._began
        for obj in objects:
            got = fast_parts(obj)
            if got is None:
                self._odd.append(obj)
                continue
            items.append(got[0])
            began.append(_UNKNOWN if got[1] is None else got[1])
        if not items:
            return
        text = native(items) if self._native else None
        if text is None:
            text = compact(items)
        if not text.isascii() or "\x7f" in text:
            text = json_safe(text)
        pieces = text.split(_BETWEEN)
        if len(pieces) != len(items):
            self._broken = True
            return
        pieces[0] = pieces[0][len("[" + _OPEN) :]
        pieces[-1] = pieces[-1][:-2]  # its "}]"
        self._heads.extend(pieces)
        self._vins.extend(map(_VIN, items))

    def write(self, raw: list[Any], now: datetime, stream: IO[str]) -> bool:
        """Write the listing of `raw` (the list the call returned, at the provider's time
        `now`) from the heads made on the way; False, writing nothing, when they are not
        of `raw`."""
        if self._broken or len(raw) != len(self._seen) or not all(map(is_, raw, self._seen)):
            return False
        self._seen = []
        heads, vins, began = self._heads, self._vins, self._began
        at_now = naive_utc(now)
        assert at_now is not None
        # At C speed: each vehicle's last field and the next line's start, then "null"
        # where the state's start is unknown.
        tails = list(
            map(
                _SECONDS.__mod__,
                map(int, map(timedelta.total_seconds, map(at_now.__sub__, began))),
            )
        )
        for k in compress(count(), map(is_, began, repeat(_UNKNOWN))):
            tails[k] = _NO_SECONDS
        for obj in self._odd:
            item = exact_item(obj, now)
            if item is not None:
                line = json_safe(compact(item))  # (any value: Python's encoder)
                heads.append(line[len(_OPEN) :])  # whole: it has its seconds
                vins.append(item["vin"])
                tails.append(_NEXT)
        # Each line whole (but its `{"vin":`, which the line before ends with), in place
        # a batch at a time: the heads go as their lines come.
        for start in range(0, len(heads), _BATCH):
            end = start + _BATCH
            heads[start:end] = map(str.__add__, heads[start:end], tails[start:end])
        lines, self._heads = heads, []
        del heads, tails
        if not lines:
            stream.write("[]\n")
            return True
        every_vin = "".join(vins)
        # (bytes: str.isalnum asks the Unicode tables of each of 1.7 M characters, 11 ms)
        if not self._odd and every_vin.isascii() and every_vin.encode().isalnum():
            # Every line begins with `"`, its VIN (letters and digits, as the encoder
            # writes them), then `"`, which sorts before them: lines sort as VINs do.
            lines.sort()
        else:
            lines = list(map(lines.__getitem__, sorted(range(len(vins)), key=vins.__getitem__)))
        lines[-1] = lines[-1][: -len(_NEXT)]
        # A few big writes, not one (the whole text at once would be a second copy of it).
        write = stream.write
        write("[\n" + _OPEN)
        for start in range(0, len(lines), _BATCH):
            write("".join(lines[start : start + _BATCH]))
        write("\n]\n")
        return True
