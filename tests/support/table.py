"""A FleetTable alone in a small host app (recording what it posts), the stores it shows,
and its lines as text."""

from __future__ import annotations

from textual.app import App, ComposeResult

from fleettui.core.store import FleetStore
from fleettui.ui.widgets.fleet_table import FleetTable
from tests.support.fleets import NOW, vdict


class TableApp(App):
    def __init__(self, store: FleetStore) -> None:
        super().__init__()
        self.store = store
        self.messages: list = []

    def compose(self) -> ComposeResult:
        yield FleetTable(self.store)

    def on_mount(self) -> None:
        self.query_one(FleetTable).refresh_view()

    def on_fleet_table_cursor_changed(self, m: FleetTable.CursorChanged) -> None:
        self.messages.append(("cursor", m.vin))

    def on_fleet_table_marks_changed(self, m: FleetTable.MarksChanged) -> None:
        self.messages.append(("marks", m.count))


def store_of(fleet) -> FleetStore:
    store = FleetStore(clock=lambda: 0.0)
    store.apply(store.prepare(fleet, NOW))
    return store


def many(n: int) -> list[dict]:
    return [vdict(f"WBA{i:014d}", "approved" if i % 3 else "pending") for i in range(n)]


def lines(table: FleetTable, count: int) -> list[str]:
    return [table.render_line(y).text for y in range(count)]
