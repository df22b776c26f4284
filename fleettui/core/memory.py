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
import json.scanner
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

#: Fleets at least this big are frozen out of the cyclic collector after each refresh.
FREEZE_AT = 5_000
_CHUNK = 2_000


class Pause:
    """What `collector_paused` does at the end; `freeze` may be decided inside the block."""

    def __init__(self, freeze: bool) -> None:
        self.freeze = freeze


@contextmanager
def collector_paused(freeze: bool, collect: bool = True) -> Iterator[Pause]:
    """No collections while a refresh allocates its rows; afterwards, with `freeze`,
    move every object alive into the collector's permanent generation so later passes
    skip the fleet. The fleet holds no reference cycles, so frozen rows are still freed
    by reference counting when a later refresh drops them.

    Garbage in a reference cycle that is frozen is never freed, so with `collect` a
    collection runs first: it walks only what is not frozen yet (this refresh's new
    objects and the app's own), not the fleet frozen before: ~1-10 ms. Without it,
    every refresh froze whatever cyclic garbage was pending (the monitor grew ~30 MB per
    refresh at 100k vehicles). A first load passes collect=False: then everything is
    new, and walking it would hold the interpreter ~0.35 s.

    Freezing is not free either: whatever the app holds at that moment (its footer's
    widgets, messages in flight) is frozen with the fleet, and when it later dies in a
    reference cycle it is never collected. So freeze only when the block built many new
    objects (`pause.freeze = ...` inside the block): a refresh that reused the fleet's
    rows froze ~3.5 MB of the app's garbage each time at 100k (229 MB after 12 refreshes)."""
    enabled = gc.isenabled()
    gc.disable()
    pause = Pause(freeze)
    try:
        yield pause
    finally:
        if pause.freeze:
            if collect:
                gc.collect()
            gc.freeze()
        if enabled:
            gc.enable()


def clear_in_slices(items: list[Any]) -> None:
    """Empty a list a slice at a time, so freeing what it held never keeps the GIL for
    more than a few milliseconds (other threads run between slices); a big list's
    memory is then given back to the system."""
    big = len(items) >= FREEZE_AT
    while items:
        del items[-_CHUNK:]
    if big:
        give_back_memory()


def _libc() -> Any:
    try:
        import ctypes
        import ctypes.util

        try:
            # glibc by its soname: `find_library` runs `ldconfig -p` in a child process
            # (~20 ms, and a fork of this big process) to find the same file.
            libc = ctypes.CDLL("libc.so.6")
        except OSError:
            found = ctypes.util.find_library("c")
            if found is None:
                return None
            libc = ctypes.CDLL(found)
        libc.malloc_trim.argtypes, libc.malloc_trim.restype = [ctypes.c_size_t], ctypes.c_int
        libc.mallopt.argtypes, libc.mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    except (OSError, AttributeError, ImportError):
        return None  # not glibc (macOS, musl, Windows): malloc keeps its own ways
    return libc


_TRIM: list[Any] = []
_M_MMAP_THRESHOLD = -3


def _c() -> Any:
    if not _TRIM:
        _TRIM.append(_libc())
    return _TRIM[0]


def tune_malloc() -> None:
    """Big buffers (an answer's 28 MB body, its decoded slices) each in their own mapping,
    given back to the system the moment they are freed. glibc otherwise raises its mmap
    threshold after the first big free, and later bodies land in the heap, where they
    stay resident after they are freed. No-op where the C library is not glibc."""
    libc = _c()
    if libc is not None:
        libc.mallopt(_M_MMAP_THRESHOLD, 1 << 20)


def give_back_memory() -> None:
    """Return memory that malloc keeps after a big free (a parsed payload, a snapshot
    written or replaced) to the system, where the C library allows it (glibc's
    malloc_trim); elsewhere nothing happens. Takes a few ms; call it off the UI thread."""
    libc = _c()
    if libc is not None:
        libc.malloc_trim(0)


def release_later(items: list[Any], delay: float) -> None:
    """Free `items` on a short-lived thread after `delay` seconds (by then the UI has
    dropped its own references), a slice at a time."""
    after_settling(clear_in_slices, items, delay=delay, name="fleettui-release")


def _warm_all(rows: list[Any]) -> None:
    for row in rows:
        row.warm()


#: Background work after a load waits this long, so the first paint of the rows does
#: not share the interpreter with it (a 100k-row pass held the GIL against the paint).
SETTLE = 0.6


def after_settling(
    work: Callable[..., None], *args: Any, delay: float = SETTLE, name: str = "fleettui-background"
) -> None:
    """Run `work(*args)` on a short-lived daemon thread once `delay` seconds passed."""
    timer = threading.Timer(delay, work, args=args)
    timer.daemon = True
    timer.name = name
    timer.start()


def warm_in_background(rows: list[Any]) -> None:
    """Compute every row's lazy values (reason, state start, search text) on a short-lived
    thread, so the first sort by time or reason and the first text filter after a load
    stay fast while the load itself (and first paint) does not pay for them. Safe: each
    value derives from the row's immutable source, so a racing reader computes the same.
    Starts once the first paint is done (`SETTLE`)."""
    after_settling(_warm_all, rows, name="fleettui-warm")


_WS = json.decoder.WHITESPACE.match  # type: ignore[attr-defined]
# typeshed types make_scanner's argument as itself; at runtime it takes the decoder.
_SCAN = json.scanner.make_scanner(json.JSONDecoder())  # type: ignore[arg-type]
_BLANK = frozenset(" \t\n\r")
#: Bytes of a list parsed per json.loads call on the fast path (~500 vehicles, ~1 ms).
_STEP = 128_000
#: Where one vehicle object ends and the next begins in the usual, compact answer.
_SEP_B, _SEP_S = b'},{"vin":', '},{"vin":'


def parse_json_list(text: str | bytes, each: Callable[[Any], Any] | None = None) -> Any:
    """`json.loads`, but a top-level array is parsed a slice at a time with the collector
    paused, so other threads get the GIL between slices: the UI stalls a
    few ms instead of ~0.5 s for a 100k-vehicle list. Same result and same
    `json.JSONDecodeError` on bad input; anything but an array goes to json.loads.
    `each` maps every element of an array as it is parsed (e.g. compact_or_keep).

    The usual answer (``[{"vin":...},{"vin":...}]``) is cut at object boundaries into
    ~128 KB slices, each parsed by one json.loads call (the speed of json.loads); a cut
    that fell inside a string only makes that slice fail, and then the whole text goes
    the exact element-by-element way, so the result never depends on the cut."""
    if len(text) < 100_000:
        if isinstance(text, bytes | bytearray):
            text = text.decode("utf-8-sig" if text[:3] == b"\xef\xbb\xbf" else "utf-8")
        data = json.loads(text)
        return [each(v) for v in data] if each is not None and type(data) is list else data
    with collector_paused(freeze=False):  # the store freezes the rows it keeps
        if text[:9] in (b'[{"vin":"', '[{"vin":"'):
            try:
                return _parse_slices(text, each)
            except (ValueError, RecursionError):
                pass  # the exact way below says what is wrong, as json.loads would
        if isinstance(text, bytes | bytearray):
            text = text.decode("utf-8-sig" if text[:3] == b"\xef\xbb\xbf" else "utf-8")
        return _parse_elements(text, each)


def _parse_slices(text: str | bytes, each: Callable[[Any], Any] | None) -> list[Any]:
    sep: Any = _SEP_S if isinstance(text, str) else _SEP_B
    find = text.find
    out: list[Any] = []
    extend = out.extend
    pos = 1
    while True:
        cut = find(sep, pos + _STEP)
        piece: Any = text[pos:] if cut < 0 else text[pos : cut + 1]
        if type(piece) is not str:
            piece = piece.decode("utf-8")  # strict, as the exact way decodes
        part = json.loads("[" + piece if cut < 0 else "[" + piece + "]")
        if type(part) is not list:
            raise ValueError("not a list")
        extend(part if each is None else map(each, part))
        if cut < 0:
            return out
        pos = cut + 2


def _parse_elements(text: str, each: Callable[[Any], Any] | None) -> Any:
    i = _WS(text, 0).end()
    if not text.startswith("[", i):
        data = json.loads(text)
        return [each(v) for v in data] if each is not None and type(data) is list else data
    out: list[Any] = []
    append = out.append
    i = _WS(text, i + 1).end()
    if text.startswith("]", i):
        i += 1
    else:
        while True:
            try:
                value, i = _SCAN(text, i)
            except StopIteration as err:
                raise json.JSONDecodeError("Expecting value", text, err.value) from None
            append(value if each is None else each(value))
            if text[i : i + 1] in _BLANK:  # whitespace is rare: skip the regex call
                i = _WS(text, i).end()
            if text.startswith(",", i):
                i += 1
                if text[i : i + 1] in _BLANK:
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
