"""The list call: how big its answer may be, and reading it while it downloads.

The answer's body is parsed chunk by chunk as it arrives (`ListStream`), on the
exchange's own thread, so the parse is over when the last byte is in, and a caller's
`on_batch(entries, first)` can start on the first entries (the CLI converts and formats
them, the monitor paints a first screen) while later ones are on their way. What the
stream cannot read as a plain JSON array is read from the whole body as before
(`wire.read_vehicle_list`: the same verdicts, bad values marked): then what `on_batch`
was handed is not the answer, and the caller takes the list returned.

The collector is paused from the first byte of the body to the end of the parse (as for
any parse of a whole list): the fleet holds no reference cycles, and each full pass
during the parse would walk all of it. Not while the provider has not answered: that
wait can last minutes, and the rest of the process keeps its collector.
"""

from __future__ import annotations

import gc
import inspect
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

import httpx

from fleettui.api import wire
from fleettui.api.deadline import MAX_BODY, TooLarge
from fleettui.api.list_stream import ListStream
from fleettui.api.wire import VEHICLES_PATH
from fleettui.core.compact import reusing
from fleettui.core.dedupe import newest_per_vin
from fleettui.core.lenient_json import Mended

log = logging.getLogger("fleettui.api")

#: A list answer's decoded size, per vehicle at most, and never less than this in all.
PER_VEHICLE = 4096
MIN_LIST_LIMIT = 64 * 1024 * 1024

#: Handed the entries parsed from the latest chunk; `first`: a new answer begins (forget
#: what the last one handed over: the call was retried).
OnBatch = Callable[[list[Any], bool], None]


def takes_batches(call: Any) -> bool:
    """Does this list call take `on_batch` (FleetClient's and the monitor's prefetching
    reader's do; a stand-in for either may not)?"""
    try:
        return "on_batch" in inspect.signature(call).parameters
    except (TypeError, ValueError):
        return False


class ListBound:
    """The largest list answer believed, from the fleet as last seen."""

    def __init__(self) -> None:
        #: Vehicles in the last unfiltered list.
        self.fleet_size: int | None = None
        #: List answers whose body began to arrive (the provider had answered): what
        #: ends the monitor's "waiting for the provider" (our own parse is not waiting).
        self.answers = 0

    def body_limit(self) -> int:
        """4 KB a vehicle (the provider's objects are ~300 bytes; long histories and many
        tags stay far below 4 KB), for twice the fleet (it may have grown), never under
        64 MB; MAX_BODY before any list was seen."""
        if self.fleet_size is None:
            return MAX_BODY
        return min(MAX_BODY, max(MIN_LIST_LIMIT, 2 * self.fleet_size * PER_VEHICLE))

    def explain(self, exc: TooLarge) -> str:
        """The error's words for an answer over `body_limit()`."""
        if exc.limit >= MAX_BODY or str(exc) != TooLarge(exc.limit).args[0]:
            return str(exc)
        return (
            f"the answer is larger than {exc.limit >> 20} MB decoded, more than a list "
            f"of {self.fleet_size} vehicles (the fleet as last seen) can be, with room "
            "for it to double; refused"
        )


@dataclass
class ListAnswer:
    #: Objects with a VIN (compact tuples with `compact`), one per VIN.
    vehicles: list[Any]
    #: Entries skipped as unreadable; entries that repeated a VIN (the newest was kept).
    skipped: int = 0
    repeats: int = 0
    mended: Mended = field(default_factory=Mended)


_VIN = itemgetter("vin")


class _PlainVins:
    """Whether every entry is an object with a VIN, none blank, none named twice
    (with_vin and newest_per_vin then have nothing to do, and each would take its own
    pass: ~60 ms at 100,000 vehicles). Told each batch as the stream parses it, at C
    speed while its objects are fresh in the cache (read once the list was whole, the
    same pass took ~30 ms more). `of` answers False (cannot tell) when an entry was not
    such an object or the entries told are not the answer's."""

    def __init__(self, then: OnBatch | None) -> None:
        self._then = then
        self._vins: set[str] = set()
        self._told = 0
        self._plain = True

    def __call__(self, batch: list[Any], first: bool) -> None:
        if first:
            self._vins, self._told, self._plain = set(), 0, True
        if self._plain:
            try:
                self._vins.update(map(str.strip, map(_VIN, batch)))
            except (TypeError, KeyError):  # a compact tuple, a VIN that is not text, ...
                self._plain = False
            self._told += len(batch)
        if self._then is not None:
            self._then(batch, first)

    def of(self, data: list[Any]) -> bool:
        vins = self._vins
        return self._plain and self._told == len(data) == len(vins) and "" not in vins


def fetch(
    exchange: Callable[..., httpx.Response],
    params: dict[str, str] | None,
    bound: ListBound,
    *,
    compact: bool,
    on_batch: OnBatch | None = None,
) -> ListAnswer:
    """One list call through `exchange` (`Calls.exchange`), its answer read as it comes."""
    plain = _PlainVins(on_batch)
    stream = ListStream(reusing() if compact else None, plain)

    # Whether the collector was on when the body began; "over" once the call returned
    # (an exchange thread the caller gave up on must not turn it off afterwards).
    paused: dict[str, bool] = {}
    lock = threading.Lock()

    def sink(response: httpx.Response) -> Callable[[bytes], None] | None:
        if not 200 <= response.status_code < 300:
            return None  # an error answer: read whole, by the error's path
        stream.restart()
        bound.answers += 1
        with lock:
            if not paused:
                paused["was_on"] = gc.isenabled()
                gc.disable()  # the store freezes the rows it keeps
        return stream.feed

    mended = Mended()
    try:
        response = exchange(
            "GET",
            VEHICLES_PATH,
            write=False,
            params=params,
            max_body=bound.body_limit(),
            too_large=bound.explain,
            sink=sink,
        )
        data = stream.finish()
        if data is None:
            good, skipped = wire.read_vehicle_list(response, compact=compact, mended=mended)
        else:
            wire.release_body(response)
            if plain.of(data):
                return ListAnswer(data, mended=mended)  # with_vin and newest_per_vin: no change
            good, skipped = wire.with_vin(data)
    finally:
        with lock:
            if paused.get("was_on"):
                gc.enable()
            paused["over"] = True
    if skipped:  # the caller says so (the CLI's note, the monitor's line)
        log.info("skipped %d unreadable entries in the vehicle list", skipped)
    good, repeats = newest_per_vin(good)
    return ListAnswer(good, skipped, repeats, mended)
