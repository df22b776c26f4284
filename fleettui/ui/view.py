"""What the monitor screen shows of the controller's state: the table, the detail pane,
the header, and the filter box. A helper the app composes (not a mixin): it reads the
`Monitor` and repaints; the app's actions and handlers call it."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Input, Static

from fleettui.core.query import parse_query
from fleettui.core.text import clean
from fleettui.core.timefmt import format_duration
from fleettui.core.vehicle import Vehicle
from fleettui.monitor.controller import Monitor
from fleettui.ui.widgets.detail import DetailPane
from fleettui.ui.widgets.filter_input import FilterInput
from fleettui.ui.widgets.fleet_table import FleetTable
from fleettui.ui.widgets.header import FleetHeader, HeaderInfo

if TYPE_CHECKING:
    from textual.app import App

#: "The pane must be redrawn": unlike None (no vehicle), never equal to a real key.
_REDRAW = ("", -1, "")


def with_state_filter(text: str, state: str) -> str:
    """Replace the query's state: terms with one for `state` ('' removes them)."""
    terms = [t for t in text.split() if not t.lower().lstrip("-!").startswith(("state:", "status:"))]
    if state:
        terms.append(f"state:{state}")
    return " ".join(terms)


class MonitorView:
    def __init__(self, app: App[None], monitor: Monitor) -> None:
        self.app = app
        self.monitor = monitor
        self._detail_key: tuple[str, int, str] | None = _REDRAW
        self._shown_vins: tuple[object, set[str]] = (None, set())

    # -- widgets -----------------------------------------------------------------------

    @property
    def table(self) -> FleetTable:
        return self.app.query_one("#fleet", FleetTable)

    @property
    def detail(self) -> DetailPane:
        return self.app.query_one("#detail", DetailPane)

    @property
    def filter_box(self) -> Input:
        return self.app.query_one("#filter", Input)

    @property
    def filter_error(self) -> Static:
        return self.app.query_one("#filter-error", Static)

    def current_vehicle(self) -> Vehicle | None:
        vin = self.table.cursor_vin
        return self.monitor.store.vehicle(vin) if vin else None

    # -- painting ----------------------------------------------------------------------

    def repaint(self, *, refreshed: bool = False) -> None:
        """The store changed: the table re-reads its view (repainting the lines that
        changed), the detail pane redraws if its vehicle or its "for 3d 04h" age changed,
        the header rewrites the lines whose text changed. `refreshed`: by a poll (not by
        the user), so a cursor whose vehicle left keeps its place (see FleetTable)."""
        self.table.refresh_view(keep_place=refreshed)
        self.refresh_detail()
        self.update_header()

    def update_header(self) -> None:
        monitor, store = self.monitor, self.monitor.store
        push, push_alert = monitor.push.header(time.time())
        first = monitor.cache.first_screen()
        info = HeaderInfo(
            push=push,
            push_alert=push_alert,
            account=monitor.account_name,
            environment=monitor.environment,
            read_only=monitor.read_only,
            shown=store.counts_shown,
            total=store.counts_all,
            shown_count=len(store),
            total_count=store.total,
            loaded=(monitor.connection.connected_once or first is not None
                    or monitor.connection.cached_at is not None),
            reading=first is not None and first[1],
            marked=len(monitor.marked),
            marked_hidden=self.hidden_marks(),
        )
        if first is not None:  # the store holds the first screen: the counts of the whole
            page = first[0]
            info.shown, info.total = page.counts_shown, page.counts_all
            info.shown_count, info.total_count = page.shown, page.total
        headers = self.app.query(FleetHeader)
        if headers:  # a timer can fire while the app is being torn down
            headers.first().update_header(info, monitor.connection)

    def hidden_marks(self) -> int:
        """Marked vehicles the filter hides (still acted on by c / R: the header says)."""
        store, marked = self.monitor.store, self.monitor.marked
        if not marked or store.query.is_empty:
            return 0
        if len(marked) <= 8:  # a few: one scan each (~1 ms at 100k rows)
            return sum(1 for vin in marked if store.index_of(vin) is None)
        view = store.view
        if self._shown_vins[0] is not view:  # many: the view's VINs once per view
            self._shown_vins = (view, {r.vin for r in view.rows})
        return len(marked - self._shown_vins[1])

    def refresh_detail(self) -> None:
        """The vehicle under the cursor, drawn again only when it (or its data) changed."""
        pane = self.detail
        vin = self.table.cursor_vin
        row = self.monitor.store.row_for(vin) if vin else None
        now = self.monitor.clock()
        key = (row.vin, row.version, format_duration(row.seconds_in_state(now))
               ) if row is not None else None
        if key == self._detail_key:
            return
        self._detail_key = key
        local = self.monitor.history.cached_events(row.vin) if row is not None else None
        try:
            pane.show(row.vehicle if row is not None else None, now, local)
        except Exception as exc:  # noqa: BLE001 - odd provider data must not end the monitor
            pane.show(None, now)
            self.app.notify(f"Cannot show details for {clean(key[0]) if key else 'this row'}: "
                            f"{clean(exc)}", severity="warning", markup=False)

    def redraw_detail(self) -> None:
        """Draw the pane again even though its vehicle did not change (its recorded
        history arrived)."""
        self._detail_key = _REDRAW
        self.refresh_detail()

    def reset(self, default_filter: str) -> None:
        """Another account: the filter box shows its default filter, nothing of the last
        account's vehicle stays in the pane."""
        self._detail_key = _REDRAW
        self.filter_box.value = default_filter
        self._show_filter_state()

    # -- detail pane -------------------------------------------------------------------

    def toggle_detail(self) -> None:
        self.detail.toggle_class("-hidden")

    def scroll_detail(self, direction: int) -> None:
        """Page the detail pane while the table keeps the keys, so next steps and history
        are reachable at 80x24. Shows a hidden pane."""
        pane = self.detail
        if pane.has_class("-hidden"):
            pane.remove_class("-hidden")
            return
        step = max(1, pane.scrollable_content_region.height - 1)
        pane.scroll_relative(y=direction * step, animate=False)

    def toggle_full_detail(self) -> None:
        """The detail pane fills the screen (arrows scroll it), or back to the table."""
        app, screen = self.app, self.app.screen
        if screen.maximized is not None:
            screen.minimize()
            self.table.focus()
            app.refresh_bindings()
            return
        pane = self.detail
        pane.remove_class("-hidden")
        pane.focus()
        screen.maximized = pane  # containers opt out of maximize(); set it directly
        pane.scroll_home(animate=False, immediate=True)
        app.call_after_refresh(pane.scroll_home, animate=False)
        app.refresh_bindings()

    # -- filter ------------------------------------------------------------------------

    def open_filter(self) -> None:
        box = self.filter_box
        box.add_class("-shown")
        box.focus()

    def apply_filter(self, text: str, *, typed: bool = False) -> None:
        """A bad filter is reported under the box; the table keeps its last good one.
        `typed`: live, while the box is being typed in (not remembered for up/down).
        A good non-empty filter becomes the search `n`/`N` jump through (after Esc too)."""
        if text.strip() == self.monitor.store.query.text.strip() and typed:
            return  # the same filter, typed again: nothing to recompute at 100k rows
        query = self.monitor.store.set_query(text)
        error = self.filter_error
        if query.error:
            error.update(Text(f"Filter not applied: {clean(query.error)}"))
            error.add_class("-shown")
        else:
            error.remove_class("-shown")
            if not query.is_empty:
                self.table.search = query
            box = self.filter_box
            if not typed and isinstance(box, FilterInput):
                box.remember(text)
            if self.monitor.view_changed().repaint:
                self.repaint()
        self._show_filter_state()

    def _show_filter_state(self) -> None:
        box = self.filter_box
        box.set_class(bool(box.value.strip()), "-shown")

    def clear_filter(self) -> None:
        """Escape: first leaves the full-screen detail, else clears the filter."""
        if self.app.screen.maximized is not None:
            self.toggle_full_detail()
            return
        box = self.filter_box
        box.value = ""
        self.apply_filter("")
        self.filter_error.remove_class("-shown")
        box.remove_class("-shown")
        self.table.focus()

    def state_filter(self, state: str) -> None:
        box = self.filter_box
        text = with_state_filter(box.value, state)
        if parse_query(text).error is None:
            box.value = text
            self.apply_filter(text)
