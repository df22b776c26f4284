"""The cyclic garbage collector held off while the monitor starts (issue 20).

A start imports ~600 modules and builds the app, its widgets and the first layout: about
80,000 new objects, none of them garbage. The collector, set off every 700 allocations,
walked them again and again: 10-15% of the start's CPU (measured in-process: the app's
imports took 60-90 ms less CPU with the collector off, load 20). `hold()`, called by
the `fleettui` command before it imports the app, stops the automatic collections
(threshold 0; `gc.isenabled()` is left alone, which the list call's own pause uses);
`release()`, once the first rows are on screen (or after `LONGEST` seconds whatever
happened), puts the thresholds back. Nothing is frozen: what the start left as garbage
goes at the next collection. Where the app runs without `hold()` (tests), `release()`
does nothing.
"""

from __future__ import annotations

import gc

#: The longest the collector stays held (seconds): a start that shows no rows (the
#: setup screen, an error) gets it back then.
LONGEST = 10.0

_held: list[tuple[int, int, int]] = []


def hold() -> None:
    """No automatic collections until `release()`."""
    if not _held:
        _held.append(gc.get_threshold())
        gc.set_threshold(0)


def release() -> None:
    """The collector as it was before `hold()`; nothing when not held."""
    if _held:
        gc.set_threshold(*_held.pop())


def held() -> bool:
    return bool(_held)
