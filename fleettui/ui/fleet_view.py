"""Glue between the app and the fleet store / table / detail pane: filter, quick state
filters, sort, marks, the detail pane, and the header's counts."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from rich.text import Text
from textual.widgets import Input, Static

from fleettui.core.query import parse_query
from fleettui.core.text import clean
from fleettui.core.vehicle import Vehicle
from fleettui.ui.widgets.detail import DetailPane
from fleettui.ui.widgets.fleet_table import FleetTable
from fleettui.ui.widgets.header import FleetHeader, HeaderInfo

IDLE_REPAINT_SECONDS = 60.0
#: "The pane must be redrawn": unlike None (no vehicle), never equal to a real key.
_REDRAW = ("", -1)


def with_state_filter(text: str, state: str) -> str:
    """Replace the query's state: terms with one for `state` ('' removes them)."""
    terms = [t for t in text.split() if not t.lower().lstrip("-!").startswith(("state:", "status:"))]
    if state:
        terms.append(f"state:{state}")
    return " ".join(terms)


class FleetViewMixin:
    """Mixed into FleetApp; expects .store and .clock. (Handlers are named on_*: Textual's
    @on decorator only registers on message-pump classes, not on mixins.)"""

    _detail_key: tuple[str, int] | None = _REDRAW
    _painted_at: datetime | None = None

    # -- access ----------------------------------------------------------------------

    @property
    def table(self) -> FleetTable:
        return self.query_one("#fleet", FleetTable)

    def marked_vins(self) -> set[str]:
        return set(self.table.marked)

    def unmark(self, vins: Iterable[str]) -> None:
        table = self.table
        table.marked.difference_update(vins)
        table.refresh()
        self.update_header()

    def current_vehicle(self) -> Vehicle | None:
        vin = self.table.cursor_vin
        return self.store.vehicle(vin) if vin else None

    # -- data changes ------------------------------------------------------------------

    def apply_prepared(self, prepared: Any) -> None:
        """Show provider answers at once (added, canceling, revoking) until the next poll.
        A poll that finished meanwhile is newer and already shows them: then nothing to do."""
        if self.store.apply(prepared):
            self._painted_at = None
            self.fleet_changed(prepared)

    def reset_fleet(self, default_filter: str = "") -> None:
        self.table.clear_marks()
        self._detail_key = _REDRAW  # another account: never keep the last one's vehicle
        self.store.apply(self.store.prepare([], self.clock()))
        self.store.set_query(default_filter or "")
        self.query_one("#filter", Input).value = default_filter or ""
        self._show_filter_state()
        self.fleet_changed(None)

    def fleet_changed(self, prepared: Any) -> None:
        """Repaint after the store changed. A poll that changed nothing repaints the table
        at most once a minute (only its ages can differ), so an idle screen stays quiet."""
        now = self.clock()
        diff = getattr(prepared, "diff", None)
        quiet = diff is not None and not (diff.added or diff.removed or diff.changed)
        last = self._painted_at
        if quiet and last is not None and (now - last).total_seconds() < IDLE_REPAINT_SECONDS:
            self.update_header()
            return
        self._painted_at = now
        self.table.refresh_view()
        self._detail_key = _REDRAW  # its "for 3d 04h" ages too
        self.refresh_detail()
        self.update_header()

    def update_header(self) -> None:
        store = self.store
        info = HeaderInfo(
            account=self.account_name,
            environment=self.account.environment if self.account else "",
            read_only=self.read_only,
            shown=store.counts_shown,
            total=store.counts_all,
            shown_count=len(store),
            total_count=store.total,
            loaded=self.connection.connected_once or self.connection.cached_at is not None,
            marked=len(self.table.marked),
        )
        self.query_one(FleetHeader).update_header(info, self.connection)

    # -- detail pane -----------------------------------------------------------------

    def on_fleet_table_cursor_changed(self, event: FleetTable.CursorChanged) -> None:
        self.refresh_detail()

    def refresh_detail(self) -> None:
        pane = self.query_one("#detail", DetailPane)
        vin = self.table.cursor_vin
        row = self.store.row_for(vin) if vin else None
        key = (row.vin, row.version) if row is not None else None
        if key == self._detail_key:
            return
        self._detail_key = key
        try:
            pane.show(row.vehicle if row is not None else None, self.clock())
        except Exception as exc:  # noqa: BLE001 - odd provider data must not end the monitor
            pane.show(None, self.clock())
            self.notify(f"Cannot show details for {clean(key[0]) if key else 'this row'}: "
                        f"{clean(exc)}", severity="warning", markup=False)

    def action_toggle_detail(self) -> None:
        self.query_one("#detail", DetailPane).toggle_class("-hidden")

    def action_detail_scroll(self, direction: int) -> None:
        """`]` / `[` (or shift+down/up): page the detail pane while the table keeps the
        keys, so next steps and history are reachable at 80x24. Shows a hidden pane."""
        pane = self.query_one("#detail", DetailPane)
        if pane.has_class("-hidden"):
            pane.remove_class("-hidden")
            return
        step = max(1, pane.scrollable_content_region.height - 1)
        pane.scroll_relative(y=direction * step, animate=False)

    def action_detail_full(self) -> None:
        """Enter: the detail pane fills the screen (arrows scroll it); Enter/Escape return."""
        if self.screen.maximized is not None:
            self.screen.minimize()
            self.table.focus()
            self.refresh_bindings()
            return
        pane = self.query_one("#detail", DetailPane)
        pane.remove_class("-hidden")
        pane.focus()
        self.screen.maximized = pane  # containers opt out of maximize(); set it directly
        pane.scroll_home(animate=False, immediate=True)
        self.call_after_refresh(pane.scroll_home, animate=False)
        self.refresh_bindings()

    def action_detail_back(self) -> None:
        """Enter while the detail fills the screen: back to the table."""
        if self.screen.maximized is not None:
            self.action_detail_full()

    # -- filter ------------------------------------------------------------------------

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.add_class("-shown")
        box.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "filter":
            return
        event.stop()
        self.apply_filter(event.value)
        self.table.focus()

    def apply_filter(self, text: str) -> None:
        query = self.store.set_query(text)
        error = self.query_one("#filter-error", Static)
        if query.error:
            error.update(Text(f"Filter not applied: {clean(query.error)}"))
            error.add_class("-shown")
        else:
            error.remove_class("-shown")
            self.fleet_changed(None)
        self._show_filter_state()

    def _show_filter_state(self) -> None:
        box = self.query_one("#filter", Input)
        box.set_class(bool(box.value.strip()), "-shown")

    def action_clear_filter(self) -> None:
        if self.screen.maximized is not None:  # Escape first leaves the full-screen detail
            self.action_detail_full()
            return
        box = self.query_one("#filter", Input)
        box.value = ""
        self.apply_filter("")
        self.query_one("#filter-error", Static).remove_class("-shown")
        box.remove_class("-shown")
        self.table.focus()

    def action_state_filter(self, state: str) -> None:
        box = self.query_one("#filter", Input)
        text = with_state_filter(box.value, state)
        if parse_query(text).error is None:
            box.value = text
            self.apply_filter(text)

    # -- sort and marks -----------------------------------------------------------------

    def action_sort_next(self) -> None:
        self.table.action_sort_next()

    def action_sort_reverse(self) -> None:
        self.table.action_sort_reverse()

    def on_fleet_table_marks_changed(self, event: FleetTable.MarksChanged) -> None:
        self.update_header()

    def on_fleet_table_sort_changed(self, event: FleetTable.SortChanged) -> None:
        self.update_header()
        order = "descending" if event.descending else "ascending"
        self.notify(f"Sorted by {event.column}, {order}", timeout=2, markup=False)

    def action_mark_all(self) -> None:
        self.table.mark_all_shown()

    def action_clear_marks(self) -> None:
        self.table.clear_marks()
