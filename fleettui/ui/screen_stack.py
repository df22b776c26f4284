"""The screen on top, read without raising. `App.screen` raises `ScreenStackError` once
the stack is empty, and while the app is torn down a timer or a worker's late message can
still run: each caller then does what fits no screen (show nothing, count nothing, give
the held keys back)."""

from __future__ import annotations

from textual.app import App, ScreenStackError
from textual.screen import Screen


def top_screen(app: App) -> Screen[object] | None:
    """The screen on top of the stack, or None when none is left (the app is closing)."""
    try:
        return app.screen
    except ScreenStackError:
        return None
