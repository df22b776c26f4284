"""The main view's sort at work: the sort menu (`s`) and its picks, the palette's
'Sort by <column>', the 'oldest pending first' preset (`s o`: the pending filter too),
and the notice that says the order the table now shows. Composed by `MonitorScreen`,
which keeps the keys and the table's `SortChanged` handler; the sort itself is the
table's (`FleetTable.sort_by`) and the store's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.screen import Screen

from fleettui.monitor.controller import Monitor
from fleettui.monitor.updates import Notice
from fleettui.ui.widgets.fleet_columns import TITLES
from fleettui.ui.widgets.fleet_table import FleetTable

if TYPE_CHECKING:  # the sort menu loads when first used (or by ui/warm_up.py)
    from fleettui.ui.screens.sort_menu import SortChoice


class SortControl:
    def __init__(
        self,
        monitor: Monitor,
        table: FleetTable,
        *,
        host: Screen[None],
        state_filter: Callable[[str], None],
        notice: Callable[[Notice], None],
    ) -> None:
        self.monitor = monitor
        self.table = table
        #: The main view, over which the sort menu opens.
        self._host = host
        self._state_filter = state_filter
        self._notice = notice

    def open_menu(self) -> None:
        from fleettui.ui.screens.sort_menu import SortMenu

        self._host.app.push_screen(SortMenu(self.monitor.store.sort), callback=self.chosen)

    def chosen(self, choice: SortChoice | None) -> None:
        """A sort menu pick: the column, its direction, and for the 'oldest pending
        first' preset the pending filter too (two keys: s o)."""
        if choice is None:
            return
        if choice.only_state is not None:
            self._state_filter(choice.only_state)
        self.table.sort_by(choice.column, choice.descending)

    def by(self, column: str) -> None:
        """The palette's 'Sort by <column>': the column's natural direction first, the
        same column again flips it."""
        from fleettui.ui.screens.sort_menu import choose

        self.chosen(choose(column, self.monitor.store.sort))

    def oldest_pending(self) -> None:
        from fleettui.ui.screens.sort_menu import SortChoice

        self.chosen(SortChoice("time", True, only_state="pending"))

    def changed(self, column: str, descending: bool) -> None:
        """The table's order changed: say it in words."""
        from fleettui.ui.screens.sort_menu import describe_order

        name = TITLES.get(column, column)
        order = describe_order(column, descending)
        self._notice(Notice(f"Sorted by {name}: {order}", timeout=2, kind="sort"))
