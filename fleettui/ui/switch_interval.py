"""The UI thread gets the interpreter back within a millisecond of asking for it.

While a worker thread runs Python code (a refresh's parse, a triage grouping, a background
pass over the fleet), the UI thread must wait for the GIL each time it gave it up (every
select() of the event loop, every write to the terminal); CPython hands it over only
after the running thread's switch interval, 5 ms by default. Drawing a new screen's first
frame takes dozens of event-loop turns, so with a busy worker beside it a key took
several times the UI thread's own work to answer. In-process, at 10,000 vehicles with one
CPU-bound thread beside the app (load 18-28 on 2 cores, 12 tries each): `!` to its first
frame, median 812 ms at 5 ms, 363 ms at 1 ms, with the same ~35 ms of UI-thread CPU
(issue 21). A worker alone is not slowed: nothing asks it for the interpreter.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

#: Seconds a thread holding the interpreter keeps it once another thread asks for it.
UI_SWITCH_INTERVAL = 0.001


def favour_ui_thread() -> Callable[[], None]:
    """Shorten the switch interval for the app's life; the returned call restores it."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(UI_SWITCH_INTERVAL)
    return lambda: sys.setswitchinterval(before)
