"""The main view's filter box at work: filter as you type once typing pauses, a bad
filter reported under the box (the table keeps its last good one), state filters, the
box shown while it holds a filter or is typed in. Composed by `MonitorScreen`, which
keeps the keys and the `@on` handlers.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.timer import Timer
from textual.widgets import Static

from fleettui.core.query import parse_query, with_state_filter
from fleettui.core.text import clean
from fleettui.monitor.controller import Monitor
from fleettui.monitor.updates import Update
from fleettui.ui.widgets.filter_input import FilterInput
from fleettui.ui.widgets.fleet_table import FleetTable

#: Typing in the filter box filters once the keys pause this long (seconds).
FILTER_DEBOUNCE = 0.25

SetTimer = Callable[..., Timer]


class FilterControl:
    def __init__(
        self,
        monitor: Monitor,
        box: FilterInput,
        error: Static,
        table: FleetTable,
        *,
        apply: Callable[[Update | None], None],
        set_timer: SetTimer,
    ) -> None:
        self.monitor = monitor
        self.box = box
        self.error = error
        self.table = table
        self.apply = apply
        self._set_timer = set_timer
        self._timer: Timer | None = None

    def submitted(self, value: str) -> None:
        self._stop_timer()
        self.apply_filter(value)
        self.table.focus()

    def typed(self, value: str) -> None:
        """Filter as you type, once typing pauses (a paste or a burst of keys over SSH
        is one filter, not one per key: at 100,000 vehicles each costs a few ms)."""
        if not self.box.has_focus:
            return  # set by the app (state keys, reset): applied there already
        self._stop_timer()
        self._timer = self._set_timer(
            FILTER_DEBOUNCE, lambda: self.apply_filter(value, typed=True), name="filter-typed"
        )

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def apply_filter(self, text: str, *, typed: bool = False) -> None:
        """A bad filter is reported under the box; the table keeps its last good one.
        `typed`: live, while the box is being typed in (not remembered for up/down).
        A good non-empty filter becomes the search `n`/`N` jump through (after Esc too)."""
        if text.strip() == self.monitor.store.query.text.strip() and typed:
            return  # the same filter, typed again: nothing to recompute at 100k rows
        query = self.monitor.store.set_query(text)
        if query.error:
            self.error.update(Text(f"Filter not applied: {clean(query.error)}"))
            self.error.add_class("-shown")
        else:
            self.error.remove_class("-shown")
            if not query.is_empty:
                self.table.search = query
            if not typed:
                self.box.remember(text)
            self.apply(self.monitor.view_changed())
        self.show_state()

    def show(self, text: str) -> None:  # a queue's or a notice's vehicles
        self.box.value = text
        self.apply_filter(text)
        self.table.focus()

    def reset(self, default_filter: str) -> None:
        self.box.value = default_filter
        self.show_state()

    def show_state(self) -> None:
        box = self.box  # shown while it holds a filter or is typed in (even empty)
        box.set_class(bool(box.value.strip()) or box.has_focus, "-shown")

    def open(self) -> None:
        self.box.add_class("-shown")
        self.box.focus()

    def clear(self) -> None:
        self.box.value = ""
        self.apply_filter("")
        self.error.remove_class("-shown")
        self.box.remove_class("-shown")
        self.table.focus()

    def state_filter(self, state: str) -> None:
        text = with_state_filter(self.box.value, state)
        if parse_query(text).error is None:
            self.box.value = text
            self.apply_filter(text)
