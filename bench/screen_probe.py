"""`fleettui` with probes on its UI thread, for `bench_screens.py --probe`.

Runs the real CLI (same arguments) after wrapping three places of the app, each writing a
line to the file named by FLEETTUI_PROBE: `perf_counter` (CLOCK_MONOTONIC, comparable with
the bench's own clock), the UI thread's CPU time, and what happened:

    key K        the App took key K from the terminal (before any handling)
    push S       screen S was pushed
    frame S      a frame of screen S was composed and handed to the driver

so the bench can say where the time between its key and the first frame went: before
the key reached the app (the terminal, tmux, the event loop busy), in the UI thread's
own work (CPU), or waiting for the GIL or the CPU (wall time beyond the UI thread's CPU).

With PROBE_SWITCH_INTERVAL (seconds) the app uses that switch interval instead of
fleettui's own (`fleettui.ui.switch_interval`), to compare the two in one bench run.
"""

from __future__ import annotations

import os
import time
from typing import Any

from textual import events
from textual.app import App
from textual.screen import Screen

from fleettui.cli.main import main
from fleettui.ui import switch_interval
from fleettui.ui.app import FleetApp

_OUT = open(os.environ["FLEETTUI_PROBE"], "a", buffering=1)  # noqa: SIM115 - the process's life


def _log(what: str) -> None:
    _OUT.write(f"{time.perf_counter():.6f} {time.thread_time():.6f} {what}\n")


_on_event = FleetApp.on_event
_push_screen = App.push_screen
_display = App._display


async def on_event(self: FleetApp, event: events.Event) -> None:
    if isinstance(event, events.Key) and not event.is_forwarded:
        _log(f"key {event.key}")
    await _on_event(self, event)


def push_screen(self: App[Any], screen: Any, *args: Any, **kwargs: Any) -> Any:
    _log(f"push {type(screen).__name__}")
    return _push_screen(self, screen, *args, **kwargs)


def display(self: App[Any], screen: Screen[Any], renderable: Any) -> None:
    _display(self, screen, renderable)
    if renderable is not None and screen is not self.screen_stack[0]:
        _log(f"frame {type(screen).__name__}")


FleetApp.on_event = on_event  # type: ignore[method-assign]
App.push_screen = push_screen  # type: ignore[method-assign,assignment]
App._display = display  # type: ignore[method-assign]

if "PROBE_SWITCH_INTERVAL" in os.environ:
    switch_interval.UI_SWITCH_INTERVAL = float(os.environ["PROBE_SWITCH_INTERVAL"])

if __name__ == "__main__":
    raise SystemExit(main())
