"""Textual's terminal driver, with a lone Esc delivered when its wait is over.

A bare ESC byte may be the start of an escape sequence, so the input parser waits
`ESCDELAY` ms (25 here, see cli.monitor_cmd) for more bytes before it calls it the Esc
key. Textual's input thread only asks the parser whether that wait is over when its
`select` returns, and it selects with a 100 ms timeout: every Esc (clear the filter,
close a dialog, leave the full-screen detail) came ~100 ms late, over SSH too. This
driver's input thread selects only until the parser's wait ends.

Its parser (`BurstParser`) also reads an Esc followed at once by a key (one burst: a laggy
SSH link, keys typed ahead) as the two keys. Textual reads ESC + a character as an
Alt chord (the xterm "meta sends escape" convention) and, for a character whose key
has a name (`/`, `?`, Enter, space, `[`), drops the Esc altogether: Esc then `T` did
nothing, Esc then `/` opened the filter with the old one still applied, and Esc then
Enter in a confirmation pressed its button instead of cancelling. fleettui binds no
Alt chords, so nothing is lost.

Esc then Backspace in one read is the same bytes as Alt+Backspace (ESC DEL), which
Textual reads as ctrl+w (delete a word): the two cannot be told apart. The parser marks it
(`ESC_BACKSPACE` as the key's character) and the key order (ui/key_order.py) decides
where it lands: in a text input it stays Alt+Backspace (the word is deleted, as Option+
Backspace does on a Mac; nothing typed is lost), anywhere else — the table, a dialog, a
menu, where nothing binds ctrl+w — it is Esc then Backspace, so the Esc is never lost.

`quick_escape_driver(cls)` gives the subclass for Textual's own Linux/macOS driver and
leaves any other (Windows, the browser's driver under `fleettui serve`) as it is.
"""

from __future__ import annotations

import os
import selectors
from codecs import getincrementaldecoder
from collections.abc import Iterable
from typing import Any

from textual import events
from textual._ansi_sequences import ANSI_SEQUENCES_KEYS
from textual._loop import loop_last
from textual._parser import ParseError
from textual._time import get_time
from textual._xterm_parser import XTermParser
from textual.driver import Driver
from textual.drivers.linux_driver import LinuxDriver

from fleettui.ui.key_order import ESC_BACKSPACE

#: Textual's own select timeout: how often the thread looks at its exit flag.
IDLE_SELECT = 0.1


def select_timeout(awaiting_until: float | None, now: float) -> float:
    """How long the input thread may block: until the parser's wait (for the rest of an
    escape sequence) is over, else the idle timeout."""
    if awaiting_until is None:
        return IDLE_SELECT
    return min(IDLE_SELECT, max(0.0, awaiting_until - now))


#: ESC + a printable character that Textual's table reads as one key (macOS Option
#: chords: ESC b, ESC f, ESC 1 ... ESC =); ESC + Tab, Backspace or Esc keep their meaning.
META_CHORDS = frozenset(
    sequence
    for sequence in ANSI_SEQUENCES_KEYS
    if len(sequence) == 2 and sequence[0] == "\x1b" and sequence[1].isprintable()
)


class BurstParser(XTermParser):
    """XTermParser that reads ESC + one character (not a known escape sequence) as Esc,
    then that character's own key, where Textual reads an Alt chord or loses the Esc."""

    def _sequence_to_key_events(self, sequence: str, alt: bool = False) -> Iterable[events.Key]:
        if sequence == ESC_BACKSPACE:  # Textual's ctrl+w, marked as from ESC DEL
            yield events.Key("ctrl+w", ESC_BACKSPACE)
            return
        if sequence in META_CHORDS:  # Textual's table: ESC b = ctrl+left, ESC 1 = "¡", ...
            yield events.Key("escape", "\x1b")
            yield from super()._sequence_to_key_events(sequence[1])
            return
        if alt and len(sequence) == 1:
            yield events.Key("escape", "\x1b")
            alt = False
        yield from super()._sequence_to_key_events(sequence, alt)


class QuickEscapeDriver(LinuxDriver):
    """LinuxDriver whose input loop wakes when a lone Esc's wait is over. The loop is
    Textual 8's `run_input_thread` with that one change (its select timeout)."""

    def run_input_thread(self) -> None:
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        fileno = self.fileno
        event_read = selectors.EVENT_READ
        parser = BurstParser(self._debug)
        feed, tick = parser.feed, parser.tick
        decode = getincrementaldecoder("utf-8")().decode

        def process(selector_events: list[tuple[Any, int]], final: bool = False) -> None:
            for last, (_key, mask) in loop_last(selector_events):
                if mask & event_read:
                    data = decode(_read(fileno), final=final and last)
                    if not data:
                        break
                    for event in feed(data):
                        self.process_message(event)
            for event in tick():
                self.process_message(event)

        def timeout() -> float:
            return select_timeout(getattr(parser, "_timeout_time", None), get_time())

        try:
            while not self.exit_event.is_set():
                process(selector.select(timeout()))
            selector.unregister(self.fileno)
            process(selector.select(IDLE_SELECT), final=True)
        finally:
            selector.close()
            try:
                for _event in feed(""):
                    pass
            except (EOFError, ParseError):
                pass


def _read(fileno: int) -> bytes:
    return os.read(fileno, 1024 * 4)


def quick_escape_driver(cls: type[Driver]) -> type[Driver]:
    """`QuickEscapeDriver` in place of Textual's Linux driver; any other as it is."""
    return QuickEscapeDriver if cls is LinuxDriver else cls
