"""The `/` filter box: filters as you type (the app debounces), and remembers what was
applied so up/down bring earlier filters back, as a shell does."""

from __future__ import annotations

from typing import Any

from textual import events
from textual.binding import Binding
from textual.widgets import Input

#: Filters kept for up/down (the newest last).
HISTORY = 50


class FilterInput(Input):
    #: One line, no border (focused too: Input's own focus border would take two more);
    #: where it goes and when it shows are the main view's (ui/app.tcss).
    DEFAULT_CSS = """
    FilterInput, FilterInput:focus { height: 1; border: none; padding: 0 1; }
    """

    BINDINGS = [
        Binding("up", "history(-1)", "Earlier filter", show=False),
        Binding("down", "history(1)", "Later filter", show=False),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:  # Input's own
        super().__init__(*args, **kwargs)
        self.history: list[str] = []
        self._at: int | None = None  # index into history while stepping; None: not
        self._typed = ""  # what was in the box before stepping started

    def _on_blur(self, event: events.Blur) -> None:
        """Left empty (Enter or Esc moved the focus away): the box closes. While it has
        the focus it stays open whatever it holds (see ui/screens/monitor_filter.py)."""
        super()._on_blur(event)
        if not self.value.strip():
            self.remove_class("-shown")

    def remember(self, text: str) -> None:
        """An applied filter goes to the end of the history (once)."""
        text = text.strip()
        if text:
            if text in self.history:
                self.history.remove(text)
            self.history.append(text)
            del self.history[:-HISTORY]
        self._at = None

    def action_history(self, step: int) -> None:
        if not self.history:
            return
        if self._at is None:
            if step > 0:
                return  # nothing later than what is being typed
            self._typed = self.value
            self._at = len(self.history)
        self._at = max(0, self._at + step)
        if self._at >= len(self.history):
            self._at = None
            self.value = self._typed
        else:
            self.value = self.history[self._at]
        self.cursor_position = len(self.value)
