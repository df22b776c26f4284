"""MonitorScreen, the main view: header, filter box, fleet table, detail pane; its keys
(`fleettui.ui.keys.BINDINGS`), which dialogs pushed over it never see (Textual's binding
chain stops at a modal screen), and its widgets' messages. The filter box's, the detail
pane's and the sort's work are `monitor_filter`, `monitor_detail` and `monitor_sort`; what
it asks of the app's flows, `monitor_flows`. The app keeps the poll loop, the workers and
the notifications; every `Update` reaches `paint` through `FleetApp.apply`.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.containers import Container
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from fleettui.core.states import Action
from fleettui.core.vehicle import Vehicle
from fleettui.monitor.controller import Monitor
from fleettui.monitor.monitor_notices import cursor_left
from fleettui.monitor.updates import Notice, Update
from fleettui.ui import keys
from fleettui.ui.screens.monitor_detail import DetailControl
from fleettui.ui.screens.monitor_filter import FilterControl
from fleettui.ui.screens.monitor_flows import Copies, Pushes, Triage, Writes
from fleettui.ui.screens.monitor_sort import SortControl
from fleettui.ui.widgets.detail import DetailPane
from fleettui.ui.widgets.filter_input import FilterInput
from fleettui.ui.widgets.fleet_table import FleetTable
from fleettui.ui.widgets.header import FleetHeader


class MonitorScreen(Screen[None]):
    BINDINGS = keys.BINDINGS

    def __init__(
        self,
        monitor: Monitor,
        *,
        apply: Callable[[Update | None], None],
        notice: Callable[[Notice], None],
    ) -> None:
        super().__init__()
        self.monitor = monitor
        #: The app's one applier of an Update, and its notification path.
        self.apply = apply
        self.notice = notice
        # The widgets exist for the screen's whole life, so a handler never looks one up
        # (a message that arrives while the screen is being built or torn down must not
        # raise); painting checks that a widget is attached instead.
        self.header = FleetHeader(id="header")
        self.filter_box = FilterInput(
            id="filter",
            placeholder=(
                "filter: text, state:pending brand:bmw tag:k age>7d -term (as you type; ↑↓ history)"
            ),
        )
        self.filter_error = Static("", id="filter-error")
        self.table = FleetTable(
            monitor.store,
            marked=monitor.marked,
            pushed=monitor.push.pushed,
            unseen=monitor.history.unseen,
            id="fleet",
        )
        self.detail = DetailPane(id="detail")
        #: The filter box and the detail pane at work (monitor_filter, monitor_detail).
        self.filter_control = FilterControl(
            monitor,
            self.filter_box,
            self.filter_error,
            self.table,
            apply=apply,
            set_timer=self.set_timer,
        )
        self.detail_control = DetailControl(monitor, self.detail, self.table)
        #: The sort menu and its picks (monitor_sort).
        self.sort_control = SortControl(
            monitor, self.table, host=self, state_filter=self.action_state_filter, notice=notice
        )
        #: Set by the app once its pieces exist (they need the screen for the table).
        self.writes: Writes
        self.copies: Copies
        self.triage: Triage
        self.pushes: Pushes

    def compose(self) -> ComposeResult:
        yield self.header
        yield self.filter_box
        yield self.filter_error
        with Container(id="main"):
            yield self.table
            yield self.detail
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.table.focus()

    def current_vehicle(self) -> Vehicle | None:
        vin = self.table.cursor_vin
        return self.monitor.store.vehicle(vin) if vin else None

    # -- painting (what an Update says) ------------------------------------------------

    def paint(self, update: Update) -> None:
        """Repaint what `update` says: the table and the detail pane (the lines that
        changed), or the marks only; the header always (only the cells that changed)."""
        if update.repaint:
            self.repaint(keep_place=not update.by_user)
        else:
            if update.unmarked:
                self.table.refresh()
            elif update.data:  # only the lines whose Data cell changed
                self.table.refresh_changed()
            if update.data:
                self.detail_control.refresh()
            self.update_header()

    def repaint(self, *, keep_place: bool = False) -> None:
        """The store changed: the table re-reads its view, the detail pane redraws if its
        vehicle or its "for 3d 04h" age changed, the header rewrites what changed.
        `keep_place`: a refresh (not the user), so a cursor whose vehicle left keeps its
        place (see FleetTable.refresh_view)."""
        self.table.refresh_view(keep_place=keep_place)
        self.detail_control.refresh()
        self.update_header()

    def update_header(self) -> None:
        if self.header.is_attached:  # a timer can fire while the app is being torn down
            self.header.show(self.monitor.header.read(time.time()))

    def reset(self, default_filter: str) -> None:
        """Another account: the filter box shows its default filter, nothing of the last
        account's vehicle stays in the pane."""
        self.detail_control.forget()
        self.filter_control.reset(default_filter)

    # -- the table's messages ------------------------------------------------------------

    @on(FleetTable.CursorChanged, "#fleet")
    def _cursor_changed(self, event: FleetTable.CursorChanged) -> None:
        if self.monitor.history.seen(event.vin):  # its "changed since you looked" mark goes
            self.table.refresh()
        self.detail_control.refresh()
        self.triage.want_timeline(event.vin)

    @on(FleetTable.MarksChanged, "#fleet")
    def _marks_changed(self) -> None:
        self.update_header()

    @on(FleetTable.SortChanged, "#fleet")
    def _sort_changed(self, event: FleetTable.SortChanged) -> None:
        self.update_header()
        self.sort_control.changed(event.column, event.descending)

    @on(FleetTable.CursorLeft, "#fleet")
    def _cursor_left(self, event: FleetTable.CursorLeft) -> None:
        row = self.monitor.store.row_for(event.vin)
        self.notice(cursor_left(event.vin, row.state.value if row is not None else None))

    @on(FleetTable.SearchMissed, "#fleet")
    def _search_missed(self, event: FleetTable.SearchMissed) -> None:
        self.notice(Notice(event.reason, timeout=3, kind="search"))

    # -- filter ------------------------------------------------------------------------

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.filter_control.submitted(event.value)

    @on(Input.Changed, "#filter")
    def _filter_typed(self, event: Input.Changed) -> None:
        self.filter_control.typed(event.value)

    def action_filter(self) -> None:
        self.filter_control.open()

    def action_clear_filter(self) -> None:
        """Escape: first leaves the full-screen detail, else clears the filter."""
        if self.maximized is not None:
            self.action_detail_full()
            return
        self.filter_control.clear()

    def action_state_filter(self, state: str) -> None:
        self.filter_control.state_filter(state)

    # -- sort ------------------------------------------------------------------------------

    def action_sort_menu(self) -> None:
        self.sort_control.open_menu()

    def action_sort_by(self, column: str) -> None:
        self.sort_control.by(column)

    def action_sort_menu_preset(self) -> None:
        self.sort_control.oldest_pending()

    def action_sort_step(self, step: int) -> None:
        self.table.action_sort_step(step)

    def action_sort_reverse(self) -> None:
        self.table.action_sort_reverse()

    # -- marks and the detail pane ---------------------------------------------------------

    def action_mark_all(self) -> None:
        self.table.mark_all_shown()

    def action_clear_marks(self) -> None:
        self.table.clear_marks()

    def action_toggle_detail(self) -> None:
        self.detail_control.toggle()

    def action_detail_scroll(self, direction: int) -> None:
        """Page the detail pane while the table keeps the keys. Shows a hidden pane."""
        self.detail_control.scroll(direction)

    def action_detail_full(self) -> None:
        """The detail pane fills the screen (arrows scroll it), or back to the table."""
        if self.maximized is not None:
            self.minimize()
            self.table.focus()
            self.refresh_bindings()
            return
        pane = self.detail
        pane.remove_class("-hidden")
        pane.focus()
        self.maximized = pane  # containers opt out of maximize(); set it directly
        pane.scroll_home(animate=False, immediate=True)
        self.call_after_refresh(pane.scroll_home, animate=False)
        self.refresh_bindings()

    def action_detail_back(self) -> None:
        if self.maximized is not None:
            self.action_detail_full()

    # -- writes, copy, export, triage, webhooks: the flows that hold dialogs and workers ---

    def action_add(self) -> None:
        self.writes.open_add()

    def action_cancel(self) -> None:
        self.writes.start_delete(Action.CANCEL)

    def action_revoke(self) -> None:
        self.writes.start_delete(Action.REVOKE)

    def action_copy_vin(self) -> None:
        self.copies.copy_vins()

    def action_copy_vehicle(self, what: str) -> None:
        self.copies.copy_vehicle(what)

    def action_export(self) -> None:
        self.copies.export()

    def action_triage(self) -> None:
        self.triage.open_triage()

    def action_stats(self) -> None:
        self.triage.open_stats()

    def action_changes(self) -> None:
        self.triage.list_changes()

    def action_webhooks(self) -> None:
        self.pushes.open_panel()

    def action_refresh(self) -> None:
        self.apply(self.monitor.refreshes.refresh_now())

    def action_pause(self) -> None:
        self.apply(self.monitor.refreshes.toggle_pause())

    def action_last_error(self) -> None:
        self.notice(self.monitor.refreshes.last_error())

    # -- when a key works -------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in keys.WRITE_ACTIONS and self.monitor.read_only:
            return False  # off, and hidden from the footer
        if action in ("detail_full", "detail_back"):  # the footer offers the one that applies
            return (action == "detail_back") == (self.maximized is not None)
        return True

    def _read_only_key(self) -> None:
        """a / c / R in read-only mode: their bindings are off (and hidden from the footer),
        so the key reaches here; say why nothing happens instead of staying mute."""
        if self.monitor.read_only:
            self.notice(self.monitor.read_only_notice())

    key_a = key_c = key_upper_r = _read_only_key
