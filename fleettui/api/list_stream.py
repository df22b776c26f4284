"""Reading a vehicle list while it downloads: the elements of the answer's top-level
array, parsed as their bytes arrive, handed on in batches.

A 100,000-vehicle answer is 28 MB; parsed only once its last byte is in, every step
after the transfer (the listing's conversion and output, the monitor's first screen)
waits for the whole of it. `ListStream` is fed each chunk of the body as it comes
(`fleettui.api.deadline.send`'s `sink`) and parses every complete element at C speed:
a run of plain objects (``{"vin":...},{"vin":...}``) up to the last ``},{"vin":`` in
the next ~128 KB goes to one parse (a cut inside a string makes that slice fail, never
succeed wrongly: the string would be unterminated), anything else one element at a time
through the C scanner (`raw_decode`'s). Only the unparsed tail is kept, and each byte is
scanned a bounded number of times: an element that cannot be parsed yet (it is
incomplete, or bad) is tried again only once the tail has doubled.

A run is read by the native parser when that reads it exactly as `json.loads` would
(`fleettui.core.json_codec.exact_loads`, in about half the time), else by `json.loads`:
so is any run under ~32 KB, and the rest of an answer once most of its runs were not in
the native form (a provider writing spaces, or `\u00e9` escapes).

It is a fast path, never a second opinion: anything it does not read as a plain JSON
array (bytes that are not UTF-8, a bad value, nesting too deep, text after the array, a
tail over `MAX_PENDING`) makes it give up (`finish()` returns None) and the caller parses
the whole body as before, with the same verdicts and the same marks for bad values. What
it handed on by then is to be dropped: `on_batch(items, first)` says with `first` that a
new answer begins (a retried call's answer replaces the first one).
"""

from __future__ import annotations

import codecs
import contextlib
import json
import json.scanner
from collections.abc import Callable
from typing import Any

from fleettui.core.json_codec import exact_loads

_WS = json.decoder.WHITESPACE.match  # type: ignore[attr-defined]
# typeshed types make_scanner's argument as itself; at runtime it takes the decoder.
_SCAN = json.scanner.make_scanner(json.JSONDecoder())  # type: ignore[arg-type]
#: Where one vehicle object ends and the next begins in the usual, compact answer.
_SEP = '},{"vin":'
_STEP = 128_000
#: A tail this long that still does not parse is no vehicle list element: give up.
MAX_PENDING = 8 * 1024 * 1024

#: Runs shorter than this are read by `json.loads` (a small fleet's listing need not
#: import the native parser: ~5 ms, where its whole parse takes less).
_NATIVE_FROM = 32_000
#: Runs read the native way in vain, beyond those read that way, before an answer's
#: remaining runs go straight to `json.loads`.
_NATIVE_MISSES = 3

#: JSON's whitespace (str.strip's default would take more, e.g. a form feed).
_BLANK, _BLANK_B = " \t\n\r", b" \t\n\r"
_START, _FIRST, _NEXT, _AFTER, _END, _FAILED = range(6)


class Batch(list[Any]):
    """What `on_batch` is handed: the entries parsed from the latest chunk, and `runs`:
    for each run of them parsed from one slice of the answer's text, (index of its
    first entry, how many, that text: the entries joined by commas, as the provider
    sent them). A reader may take the text instead of the objects
    (`fleettui.cli.json_runs`); the text is not kept after the call."""

    def __init__(self) -> None:
        super().__init__()
        self.runs: list[tuple[int, int, str]] = []


class ListStream:
    """Feed it the body (`feed`), then `finish()`: the array's elements (each mapped by
    `each`), or None when the answer must be read the whole way (see the module)."""

    def __init__(
        self,
        each: Callable[[Any], Any] | None = None,
        on_batch: Callable[[list[Any], bool], None] | None = None,
    ) -> None:
        self._each = each
        self._on_batch = on_batch
        self.restart()

    def restart(self) -> None:
        """A new answer begins (the call was retried): forget the last one."""
        self._decode = codecs.getincrementaldecoder("utf-8-sig")().decode
        self._tail = ""
        self._need = 0
        self._phase = _START
        self._items: list[Any] = []
        self._first = True
        #: Runs of this answer read the native way, minus those tried in vain.
        self._native_score = 0

    @property
    def failed(self) -> bool:
        return self._phase == _FAILED

    def feed(self, chunk: bytes) -> None:
        if self._phase >= _END:
            if self._phase == _END and chunk.strip(_BLANK_B):
                self._fail()  # text after the array
            return
        try:
            self._tail += self._decode(chunk)
        except UnicodeDecodeError:
            self._fail()
            return
        if len(self._tail) >= self._need:
            self._parse(final=False)
        elif len(self._tail) > MAX_PENDING:
            self._fail()

    def finish(self) -> list[Any] | None:
        if self._phase < _END:
            try:
                self._tail += self._decode(b"", True)
            except UnicodeDecodeError:
                self._fail()
            else:
                self._parse(final=True)
        if self._phase != _END or self._tail.strip(_BLANK):
            self._fail()
            return None
        items, self._items = self._items, []
        return items

    def _fail(self) -> None:
        self._phase, self._tail, self._items = _FAILED, "", []

    def _run_value(self, text: str) -> Any:
        """A run's value (`text` is its array): None when it is not JSON."""
        if self._native_score > -_NATIVE_MISSES and len(text) >= _NATIVE_FROM:
            value = exact_loads(text)
            if value is not None:
                self._native_score += 1
                return value
            self._native_score -= 1
        with contextlib.suppress(ValueError, RecursionError):
            return json.loads(text)
        return None

    def _parse(self, final: bool) -> None:
        text, phase, each = self._tail, self._phase, self._each
        n = len(text)
        i = _WS(text, 0).end()
        batch = Batch()
        runs = batch.runs if self._on_batch is not None else None
        try:
            if phase == _START and i < n:
                if text[i] != "[":
                    self._fail()
                    return
                i, phase = _WS(text, i + 1).end(), _FIRST
            while i < n and phase < _END:
                c = text[i]
                if phase == _AFTER:
                    if c == ",":
                        phase = _NEXT
                    elif c == "]":
                        phase = _END
                    else:
                        self._fail()
                        return
                    i = _WS(text, i + 1).end()
                    continue
                if c == "]" and phase == _FIRST:
                    i, phase = i + 1, _END
                    break
                cut = text.rfind(_SEP, i, i + _STEP) if text.startswith('{"vin":', i) else -1
                if cut > i:
                    run = text[i : cut + 1]
                    part = self._run_value("[" + run + "]")
                    if part:  # a list (the brackets make it one), not empty
                        if runs is not None:
                            runs.append((len(batch), len(part), run))
                        batch.extend(part if each is None else map(each, part))
                        i, phase = cut + 2, _NEXT
                        continue
                if i >= n - i > 0:
                    # Read text is dropped first: a failed scan (the usual incomplete last
                    # element) costs a count of lines up to where it failed (json's
                    # error), and all of it would be counted. Halving at least: copies
                    # stay linear.
                    text, n, i = text[i:], n - i, 0
                try:
                    value, end = _SCAN(text, i)
                except (StopIteration, ValueError, RecursionError):
                    if final:
                        self._fail()
                        return
                    break  # incomplete (or bad: the end of the body will tell)
                j = _WS(text, end).end()
                if j >= n or text[j] not in ",]":
                    if final:
                        self._fail()
                        return
                    break  # a number may go on ("1" of "1e5"): wait for what follows
                batch.append(value if each is None else each(value))
                i, phase = j, _AFTER
        finally:
            if self._phase != _FAILED:
                self._tail, self._phase = text[i:], phase
                self._need = 2 * len(self._tail) if phase < _END else 0
                if len(self._tail) > MAX_PENDING:
                    self._fail()
        if batch and self._phase != _FAILED:
            self._items.extend(batch)
            if self._on_batch is not None:
                first, self._first = self._first, False
                self._on_batch(batch, first)
                batch.runs.clear()  # the texts go now, even if the batch is kept
