"""The main view's detail pane at work: the vehicle under the cursor, drawn again only
when it, its data or its "for 3d 04h" age changed; shown, hidden and paged while the
table keeps the keys. Composed by `MonitorScreen`, which keeps the keys (and the
full-screen detail, which is the screen's own state).
"""

from __future__ import annotations

from fleettui.core.text import clean
from fleettui.core.timefmt import format_duration
from fleettui.monitor.controller import Monitor
from fleettui.ui.widgets.detail import DetailPane
from fleettui.ui.widgets.fleet_table import FleetTable

#: "The pane must be redrawn": unlike None (no vehicle), never equal to a real key.
_REDRAW = ("", -1, "")


class DetailControl:
    def __init__(self, monitor: Monitor, pane: DetailPane, table: FleetTable) -> None:
        self.monitor = monitor
        self.pane = pane
        self.table = table
        self._key: tuple[object, ...] | None = _REDRAW

    def refresh(self) -> None:
        """The vehicle under the cursor, drawn again only when it (or its data) changed."""
        pane = self.pane
        if not pane.is_attached:  # being built, or torn down: the next paint draws it
            return
        vin = self.table.cursor_vin
        row = self.monitor.store.row_for(vin) if vin else None
        now = self.monitor.clock()
        data = self.monitor.data.detail(row, now) if row is not None else None
        key = (
            (row.vin, row.version, format_duration(row.seconds_in_state(now)), data)
            if row is not None
            else None
        )
        if key == self._key:
            return
        self._key = key
        local = self.monitor.history.cached_events(row.vin) if row is not None else None
        try:
            pane.show(row.vehicle if row is not None else None, now, local, data=data)
        except Exception as exc:  # noqa: BLE001 - odd provider data must not end the monitor
            pane.show(None, now)
            pane.app.notify(
                f"Cannot show details for {clean(key[0]) if key else 'this row'}: {clean(exc)}",
                severity="warning",
                markup=False,
            )

    def redraw(self) -> None:
        """The same vehicle, drawn again (its recorded history arrived, another account)."""
        self._key = _REDRAW
        self.refresh()

    def forget(self) -> None:
        """Another account: nothing of the last one's vehicle stays; the next paint draws."""
        self._key = _REDRAW

    def toggle(self) -> None:
        self.pane.toggle_class("-hidden")

    def scroll(self, direction: int) -> None:
        """Page the pane while the table keeps the keys, so next steps and history are
        reachable at 80x24. Shows a hidden pane."""
        pane = self.pane
        if pane.has_class("-hidden"):
            pane.remove_class("-hidden")
            return
        step = max(1, pane.scrollable_content_region.height - 1)
        pane.scroll_relative(y=direction * step, animate=False)
