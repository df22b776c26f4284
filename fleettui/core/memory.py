"""Keeping a 100,000-vehicle refresh from stalling the UI thread through the GIL.

Three costs land on whichever thread happens to trigger them, while holding the GIL:
- the cyclic garbage collector walking every container of the fleet (0.1-0.7 s per full
  pass at 100k vehicles, measured), triggered by any allocation;
- freeing a parsed payload or an old snapshot in one go (~130 ms for 100k dicts), a
  single C-level cascade the UI thread cannot interrupt;
- parsing: json.loads of 100k vehicles (28 MB) is one C call that holds the GIL for
  0.45-0.8 s, freezing the UI while the worker parses.
The helpers below move these off the UI thread or cut them into short slices.
"""

from __future__ import annotations

import gc
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

#: Fleets at least this big are frozen out of the cyclic collector after each refresh.
FREEZE_AT = 5_000
_CHUNK = 2_000


@contextmanager
def collector_paused(freeze: bool) -> Iterator[None]:
    """No collections while a refresh allocates its rows; afterwards, with `freeze`,
    move every object alive into the collector's permanent generation so later passes
    skip the fleet. The fleet holds no reference cycles, so frozen rows are still freed
    by reference counting when a later refresh drops them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if enabled:
            gc.enable()


def clear_in_slices(items: list[Any]) -> None:
    """Empty a list a slice at a time, so freeing what it held never keeps the GIL for
    more than a few milliseconds (other threads run between slices)."""
    while items:
        del items[-_CHUNK:]


def release_later(items: list[Any], delay: float) -> None:
    """Free `items` on a short-lived thread after `delay` seconds (by then the UI has
    dropped its own references), a slice at a time."""
    timer = threading.Timer(delay, clear_in_slices, args=(items,))
    timer.daemon = True
    timer.start()


def _warm_all(rows: list[Any]) -> None:
    for row in rows:
        row.warm()


def warm_in_background(rows: list[Any]) -> None:
    """Compute every row's lazy values (reason, state start, search text) on a short-lived
    thread, so the first sort by time or reason and the first text filter after a load
    stay fast while the load itself (and first paint) does not pay for them. Safe: each
    value derives from the row's immutable source, so a racing reader computes the same."""
    threading.Thread(target=_warm_all, args=(rows,), daemon=True, name="fleettui-warm").start()


_WS = json.decoder.WHITESPACE.match  # type: ignore[attr-defined]
_DECODE = json.JSONDecoder().raw_decode
_BLANK = frozenset(" \t\n\r")


def parse_json_list(text: str | bytes, each: Callable[[Any], Any] | None = None) -> Any:
    """`json.loads`, but a top-level array is parsed one element at a time with the
    collector paused (then frozen), so other threads get the GIL between elements: the
    UI stalls a few ms instead of ~0.5 s for a 100k-vehicle list. Same result and same
    `json.JSONDecodeError` on bad input; anything but an array goes to json.loads.
    `each` maps every element of an array as it is parsed (e.g. compact_or_keep)."""
    if isinstance(text, bytes | bytearray):
        text = text.decode("utf-8-sig" if text[:3] == b"\xef\xbb\xbf" else "utf-8")
    i = _WS(text, 0).end()
    if not text.startswith("[", i) or len(text) < 100_000:
        data = json.loads(text)
        return [each(v) for v in data] if each is not None and type(data) is list else data
    out: list[Any] = []
    append = out.append
    with collector_paused(freeze=True):
        i = _WS(text, i + 1).end()
        if text.startswith("]", i):
            i += 1
        else:
            while True:
                value, i = _DECODE(text, i)
                append(value if each is None else each(value))
                if text[i:i + 1] in _BLANK:  # whitespace is rare: skip the regex call
                    i = _WS(text, i).end()
                if text.startswith(",", i):
                    i += 1
                    if text[i:i + 1] in _BLANK:
                        i = _WS(text, i).end()
                elif text.startswith("]", i):
                    i += 1
                    break
                else:
                    raise json.JSONDecodeError("Expecting ',' delimiter", text, i)
        i = _WS(text, i).end()
        if i != len(text):
            raise json.JSONDecodeError("Extra data", text, i)
    return out
