"""FleetApp: the live monitor. Layout, keys, workers and wiring; the state and every
decision about it live in the Textual-free controller (`fleettui.monitor.controller`).

One refresh, top to bottom: `poll` asks the controller whether a poll is due, a thread
worker (`_poll_worker`) calls its blocking `read_cache` / `fetch` and posts `PollDone`,
`_poll_done` hands the result back (`Monitor.took`), and `carry_out` does what the
returned `Update` says: repaint the table and detail pane, notify, schedule the next poll.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TypeVar

from rich.console import RenderableType
from rich.text import Text
from textual import events, on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.containers import Container
from textual.driver import Driver
from textual.notifications import SeverityLevel
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Static

from fleettui.core.states import Action
from fleettui.monitor.accounts import Account
from fleettui.monitor.controller import Monitor
from fleettui.monitor.updates import FirstRows, Notice, Update
from fleettui.term.exit_guard import ExitGuard
from fleettui.term.watch import LOST_EXIT_CODE, TerminalWatch, stdin_fd
from fleettui.ui import commands, keys
from fleettui.ui.account_flow import AccountFlow
from fleettui.ui.colours import ANSI_THEME, wants_native_ansi
from fleettui.ui.messages import (
    AddDone,
    AddSubmitted,
    CacheLoaded,
    ChangesListed,
    DeletesDone,
    EligibilityChecked,
    EligibilityWanted,
    FirstRowsRead,
    HistoryRecorded,
    PollDone,
    PushArrived,
    PushHealth,
    TableCursorChanged,
    TableCursorLeft,
    TableMarksChanged,
    TableSearchMissed,
    TableSortChanged,
    TimelineLoaded,
)
from fleettui.ui.push_flow import PushFlow
from fleettui.ui.screens.help import HelpScreen
from fleettui.ui.screens.notifications import NotificationLogScreen, ShowVins
from fleettui.ui.screens.sort_menu import SortChoice, SortMenu, choose, describe_order
from fleettui.ui.triage_flow import TriageFlow
from fleettui.ui.typeahead import TypeAhead
from fleettui.ui.view import MonitorView
from fleettui.ui.widgets.detail import DetailPane
from fleettui.ui.widgets.filter_input import FilterInput
from fleettui.ui.widgets.fleet_columns import TITLES
from fleettui.ui.widgets.fleet_table import FleetTable
from fleettui.ui.widgets.header import FleetHeader
from fleettui.ui.write_flow import WriteFlow

T = TypeVar("T")
Clock = Callable[[], datetime]

#: The header's clock ticks this often; while the data is stale, every second (its age).
HEADER_TICK = 5.0
STALE_TICK = 1.0
#: Typing in the filter box filters once the keys pause this long (seconds).
FILTER_DEBOUNCE = 0.25


def once(work: Callable[[T], object], arg: T) -> Callable[[], None]:
    """`work(arg)` for a thread worker, forgetting `arg` once it ran. A finished Worker
    lives on in a reference cycle until the collector's next full pass; a refresh's
    record job held its whole prepared snapshot (~3.7 MB at 100k) all that time."""
    held = [arg]

    def run() -> None:
        work(held.pop())

    return run


class FleetApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "fleettui"
    ENABLE_COMMAND_PALETTE = True
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (140, "-wide")]
    #: Escape is ours: it leaves the full-screen detail (and returns focus to the table),
    #: else clears the filter.
    ESCAPE_TO_MINIMIZE = False

    BINDINGS = keys.BINDINGS
    #: Toasts are short-lived and stay out of the table's way; `!` opens the log that
    #: keeps every one (errors and rejections stay longer: they set their own timeout).
    NOTIFICATION_TIMEOUT = 4.0

    def __init__(self, account: Account | None, *, read_only: bool = False,
                 refresh: float | None = None, clock: Clock | None = None,
                 watch_terminal: bool = True, native_ansi: bool | None = None,
                 pinned: bool = False) -> None:
        # NO_COLOR and 16-colour terminals get the terminal's own ANSI colours (see
        # fleettui.ui.colours). Textual picks its NO_COLOR filter in App.__init__ (NoColor
        # only when ANSI colours are native, else greys that hid red text), so the choice
        # must be made here, not later by switching the theme.
        native = wants_native_ansi() if native_ansi is None else native_ansi
        super().__init__(ansi_color=True if native else None)
        if native:
            self.theme = ANSI_THEME
        # A fixed clock (tests, screenshots) fixes the header's wall-clock time too.
        self.monitor = Monitor(account, read_only=read_only, refresh=refresh, clock=clock,
                               pinned=pinned)
        self.view = MonitorView(self, self.monitor)
        self.writes = WriteFlow(self, self.monitor, self.view, self.carry_out)
        self.triage = TriageFlow(self, self.monitor, self.view, self.writes.notify,
                                 self.writes.add_closed)
        self.watch_terminal = watch_terminal
        self._watch: TerminalWatch | None = None
        self._poll_timer: Timer | None = None
        self._stale_timer: Timer | None = None
        self._filter_timer: Timer | None = None
        self.accounts = AccountFlow(self, self.monitor, self.connect)
        self.pushes = PushFlow(self, self.monitor, self.carry_out)
        #: Keys typed right after one that opens an input go into that input.
        self.typeahead = TypeAhead(self)
        #: q, ctrl+c, a lost terminal: the process ends within a second (see term.exit_guard).
        self.exit_guard: ExitGuard | None = None

    def get_driver_class(self) -> type[Driver]:
        """Textual's driver for this platform; on Linux and macOS the one that delivers
        a lone Esc after ESCDELAY instead of up to 100 ms later (fleettui.ui.driver)."""
        cls = super().get_driver_class()
        if cls.__module__ == "textual.drivers.linux_driver":
            from fleettui.ui.driver import quick_escape_driver

            return quick_escape_driver(cls)
        return cls

    def exit(self, result: None = None, return_code: int = 0,
             message: RenderableType | None = None) -> None:
        # Calls under way end now, so their worker threads do not hold the exit.
        self.monitor.close()
        super().exit(result, return_code, message)
        if not self.is_headless:
            if self.exit_guard is None:
                self.exit_guard = ExitGuard()
            self.exit_guard.arm(lambda: self.return_code or 0)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and self.typeahead.take(
                event, opens_input=keys.opens_input(event.key, self.screen,
                                                    self.monitor.read_only)):
            return
        await super().on_event(event)

    @property
    def table(self) -> FleetTable:
        return self.view.table

    # -- layout --------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield FleetHeader(id="header")
        yield FilterInput(id="filter", placeholder="filter: text, state:pending brand:bmw "
                                                  "tag:k age>7d -term (as you type; ↑↓ history)")
        yield Static("", id="filter-error")
        with Container(id="main"):
            yield FleetTable(self.monitor.store, marked=self.monitor.marked,
                             pushed=self.monitor.push.pushed,
                             unseen=self.monitor.history.unseen, id="fleet")
            yield DetailPane(id="detail")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.set_interval(HEADER_TICK, self.view.update_header, name="header-age")
        if self.watch_terminal and not self.is_headless:
            self._watch = TerminalWatch(self._terminal_lost, stdin_fd())
            self._watch.start(asyncio.get_running_loop())
        if self.monitor.account is None:
            self.open_setup()
        else:
            self.connect(self.monitor.account)
        self.table.focus()

    def on_unmount(self) -> None:
        if self._watch is not None:
            self._watch.stop()
        self.monitor.leave()  # the history remembers this look (a small write)
        self.monitor.close()
        self.accounts.close()

    def _terminal_lost(self) -> None:
        self.exit(return_code=LOST_EXIT_CODE)

    # -- account -------------------------------------------------------------------

    def connect(self, account: Account) -> None:
        """(Re)connect: new clients, empty fleet, first poll now."""
        self.monitor.connect(account)
        self.view.reset(account.default_filter or "")
        self.carry_out(self.monitor.view_changed())
        self.refresh_bindings()
        self.poll()
        self.carry_out(self.monitor.push.start())

    def open_setup(self) -> None:
        self.typeahead.expect()
        self.accounts.open_setup()

    def action_switch_profile(self) -> None:
        self.accounts.switch_profile()

    # -- live refresh: poll -> worker -> result -> update -----------------------------

    def poll(self, force: bool = False) -> None:
        self._stop_poll_timer()
        generation = self.monitor.start_poll(force)
        if generation is None:
            return
        self.view.update_header()
        self._tick_every_second()
        self._poll_worker(generation)

    @work(thread=True, exclusive=True, exit_on_error=False, group="poll")
    def _poll_worker(self, generation: int) -> None:
        first = self.monitor.cache.read_first(generation)
        if first is not None:
            self.post_message(CacheLoaded(first))
        cached = self.monitor.cache.read_cache(generation)
        if cached is not None:
            self.post_message(CacheLoaded(cached))
        self.post_message(PollDone(self.monitor.fetch(generation, early=self._post_first)))

    def _post_first(self, first: FirstRows) -> None:
        self.post_message(FirstRowsRead(first))

    @on(FirstRowsRead)
    def _first_rows(self, message: FirstRowsRead) -> None:
        self.carry_out(self.monitor.cache.took_first(message.result))

    @on(CacheLoaded)
    def _cache_loaded(self, message: CacheLoaded) -> None:
        self.carry_out(self.monitor.cache.took_cache(message.result))

    @on(PollDone)
    def _poll_done(self, message: PollDone) -> None:
        self.carry_out(self.monitor.took(message.result))

    def carry_out(self, update: Update | None) -> None:
        """Do what the controller decided, in this order: repaint (or only the header),
        notify, keep the snapshot cache, then the next poll."""
        if update is None:  # a result for an account no longer shown
            return
        if update.repaint:
            self.view.repaint(refreshed=True)
        else:
            if update.unmarked:
                self.table.refresh()
            self.view.update_header()
        for notice in update.notices:
            self.writes.notify(notice)
        if update.save is not None:
            self.run_worker(once(self.monitor.cache.save, update.save), thread=True,
                            exclusive=True, group="cache", exit_on_error=False)
        if update.record is not None:
            self.run_worker(once(lambda job: self.post_message(HistoryRecorded(
                self.monitor.record(job))), update.record), thread=True, group="history",
                exit_on_error=False)
        if update.stale:
            self._tick_every_second()
        if update.stop_polling:
            self._stop_poll_timer()
        if update.next_poll is not None:
            self._stop_poll_timer()
            self._poll_timer = self.set_timer(update.next_poll, self.poll, name="poll")
        if update.poll:
            self.poll(force=update.force)
        if update.push_worker:
            self.pushes.start(self.monitor.generation)

    # -- webhook push: worker -> events -> rows at once (ui/push_flow.py) --------------

    @on(PushArrived)
    def _push_arrived(self, message: PushArrived) -> None:
        self.pushes.arrived(message.result)

    @on(PushHealth)
    def _push_health(self, message: PushHealth) -> None:
        self.pushes.health(message)

    def action_webhooks(self) -> None:
        self.pushes.open_panel()

    def _stop_poll_timer(self) -> None:
        if self._poll_timer is not None:
            self._poll_timer.stop()
            self._poll_timer = None

    def _tick_every_second(self) -> None:
        if self._stale_timer is None:
            self._stale_timer = self.set_interval(STALE_TICK, self._stale_tick, name="stale-age")

    def _stale_tick(self) -> None:
        """Keep the stale age and the wait for an answer on screen current; stops once a
        refresh works and none is under way (the ordinary HEADER_TICK is enough again)."""
        conn = self.monitor.connection
        if not conn.stale and not conn.polling and self._stale_timer is not None:
            self._stale_timer.stop()
            self._stale_timer = None
        self.view.update_header()

    def action_refresh(self) -> None:
        self.carry_out(self.monitor.refresh_now())

    def action_pause(self) -> None:
        self.carry_out(self.monitor.toggle_pause())

    def action_last_error(self) -> None:
        self.writes.notify(self.monitor.last_error())

    # -- table, detail, filter ------------------------------------------------------

    @on(TableCursorChanged, "#fleet")
    def _cursor_changed(self, event: TableCursorChanged) -> None:
        if self.monitor.history.seen(event.vin):  # its "changed since you looked" mark goes
            self.table.refresh()
        self.view.refresh_detail()
        self.triage.want_timeline(event.vin)

    @on(HistoryRecorded)
    def _history_recorded(self, message: HistoryRecorded) -> None:
        self.carry_out(self.monitor.took_record(message.result))

    @on(TimelineLoaded)
    def _timeline_loaded(self, message: TimelineLoaded) -> None:
        self.triage.timeline_loaded(message.vin)

    @on(ChangesListed)
    def _changes_listed(self, message: ChangesListed) -> None:
        self.triage.changes_listed(message.summary)

    def action_triage(self) -> None:
        self.triage.open_triage()

    def action_stats(self) -> None:
        self.triage.open_stats()

    def action_changes(self) -> None:
        self.triage.list_changes()

    @on(TableMarksChanged, "#fleet")
    def _marks_changed(self) -> None:
        self.view.update_header()

    @on(TableSortChanged, "#fleet")
    def _sort_changed(self, event: TableSortChanged) -> None:
        self.view.update_header()
        name = TITLES.get(event.column, event.column)
        order = describe_order(event.column, event.descending)
        self.notify(f"Sorted by {name}: {order}", timeout=2, markup=False, kind="sort")

    @on(TableCursorLeft, "#fleet")
    def _cursor_left(self, event: TableCursorLeft) -> None:
        row = self.monitor.store.row_for(event.vin)
        why = f"it is {row.state.value} now" if row is not None else "it is no longer in the fleet"
        self.notify(f"{event.vin} left the view ({why}); the cursor stays on its place. "
                    "Move it to choose a row.", timeout=6, markup=False, kind="cursor",
                    vins=(event.vin,))

    @on(TableSearchMissed, "#fleet")
    def _search_missed(self, event: TableSearchMissed) -> None:
        self.notify(event.reason, timeout=3, markup=False, kind="search")

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._stop_filter_timer()
        self.view.apply_filter(event.value)
        self.table.focus()

    @on(Input.Changed, "#filter")
    def _filter_typed(self, event: Input.Changed) -> None:
        """Filter as you type, once typing pauses (a paste or a burst of keys over SSH
        is one filter, not one per key: at 100,000 vehicles each costs a few ms)."""
        if not self.view.filter_box.has_focus:
            return  # set by the app (state keys, reset): applied there already
        self._stop_filter_timer()
        value = event.value
        self._filter_timer = self.set_timer(FILTER_DEBOUNCE,
                                            lambda: self.view.apply_filter(value, typed=True),
                                            name="filter-typed")

    def _stop_filter_timer(self) -> None:
        if self._filter_timer is not None:
            self._filter_timer.stop()
            self._filter_timer = None

    def action_filter(self) -> None:
        self.view.open_filter()

    def action_clear_filter(self) -> None:
        self.view.clear_filter()

    def action_state_filter(self, state: str) -> None:
        self.view.state_filter(state)

    def action_sort_menu(self) -> None:
        self.push_screen(SortMenu(self.monitor.store.sort), callback=self._sorted)

    def _sorted(self, choice: SortChoice | None) -> None:
        """A sort menu pick: the column, its direction, and for the 'oldest pending
        first' preset the pending filter too (two keys: s o)."""
        if choice is None:
            return
        if choice.only_state is not None:
            self.view.state_filter(choice.only_state)
        self.table.sort_by(choice.column, choice.descending)

    def action_sort_by(self, column: str) -> None:
        """The palette's 'Sort by <column>': the column's natural direction first, the
        same column again flips it."""
        self._sorted(choose(column, self.monitor.store.sort))

    def action_sort_menu_preset(self) -> None:
        self._sorted(SortChoice("time", True, only_state="pending"))

    def action_sort_step(self, step: int) -> None:
        self.table.sort_step(step)

    def action_sort_next(self) -> None:
        self.table.action_sort_next()

    def action_sort_reverse(self) -> None:
        self.table.action_sort_reverse()

    def action_mark_all(self) -> None:
        self.table.mark_all_shown()

    def action_clear_marks(self) -> None:
        self.table.clear_marks()

    def action_toggle_detail(self) -> None:
        self.view.toggle_detail()

    def action_detail_scroll(self, direction: int) -> None:
        self.view.scroll_detail(direction)

    def action_detail_full(self) -> None:
        self.view.toggle_full_detail()

    def action_detail_back(self) -> None:
        if self.screen.maximized is not None:
            self.view.toggle_full_detail()

    # -- writes, copy, export ---------------------------------------------------------

    def action_add(self) -> None:
        self.writes.open_add()

    def action_cancel(self) -> None:
        self.writes.start_delete(Action.CANCEL)

    def action_revoke(self) -> None:
        self.writes.start_delete(Action.REVOKE)

    def action_write_results(self) -> None:
        self.writes.show_write_results()

    def action_copy_vin(self) -> None:
        self.writes.copy_vins()

    def action_copy_vehicle(self, what: str) -> None:
        self.writes.copy_vehicle(what)

    def action_export(self) -> None:
        self.writes.export()

    @on(events.DeliveryFailed)
    def _delivery_failed(self, event: events.DeliveryFailed) -> None:
        self.writes.delivery_failed(event.name, event.exception)

    @on(AddSubmitted)
    def _add_submitted(self, message: AddSubmitted) -> None:
        self.writes.send_add(message.lines)

    @on(AddDone)
    def _add_done(self, message: AddDone) -> None:
        self.writes.add_done(message.result)

    @on(EligibilityWanted)
    def _eligibility_wanted(self, message: EligibilityWanted) -> None:
        self.writes.check_eligibility(message.pairs)

    @on(EligibilityChecked)
    def _eligibility_checked(self, message: EligibilityChecked) -> None:
        self.writes.eligibility_checked(message.outcome)

    @on(DeletesDone)
    def _deletes_done(self, message: DeletesDone) -> None:
        self.writes.deletes_done(message.result)

    def notify_read_only(self) -> None:
        self.writes.notify(self.monitor.read_only_notice())

    def _read_only_key(self) -> bool:
        """a / c / R in read-only mode: their bindings are off (and hidden from the footer),
        so the key falls through to here; say why nothing happens instead of staying mute."""
        if not self.monitor.read_only or isinstance(self.screen, ModalScreen):
            return False
        self.notify_read_only()
        return True

    key_a = key_c = key_upper_r = _read_only_key

    # -- notifications: every one logged, muted kinds kept off screen ---------------------

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True, kind: str = "",
               vins: Iterable[str] = ()) -> None:
        """Every notification goes to the log (`!`); a muted kind's is not shown."""
        plain = Text.from_markup(message).plain if markup else message
        entry = self.monitor.notices.add(kind or (title or severity).lower(), plain,
                                         severity=severity, vins=vins)
        if not entry.muted:
            super().notify(message, title=title, severity=severity, timeout=timeout,
                           markup=markup)

    def notify_notice(self, notice: Notice) -> None:
        """A controller notice: a burst's vehicles go to the log one by one, the toast
        says them once."""
        kind = notice.kind or (notice.title or notice.severity).lower()
        for vin, text in notice.details:
            self.monitor.notices.add(kind, text, severity=notice.severity, vins=(vin,))
        self.notify(notice.message, title=notice.title, severity=notice.severity,
                    timeout=notice.timeout, markup=False, kind=kind, vins=notice.vins)

    def action_notifications(self) -> None:
        self.push_screen(NotificationLogScreen(self.monitor.notices), callback=self._show_vins)

    def _show_vins(self, choice: ShowVins | None) -> None:
        if choice is not None and choice.vins:
            self.view.filter_box.value = "vin:" + ",".join(choice.vins)
            self.view.apply_filter(self.view.filter_box.value)
            self.table.focus()

    def action_help_quit(self) -> None:
        """ctrl+c: copies in a text box (Textual's own binding there); anywhere else it
        quits like q, within a second whatever is in flight (issue: an on-call engineer's
        reflex must work, and no message may name a key that is not the quit key)."""
        self.exit()

    # -- keys, help, palette ------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return keys.allowed(action, self.screen, self.monitor.read_only)

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.key_rows()))

    def key_rows(self) -> list[tuple[str, str]]:
        return commands.key_rows(self.BINDINGS, self.monitor.read_only)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield from commands.monitor_commands(self.monitor, self.BINDINGS, self.run_action,
                                             self.action_write_results,
                                             self.notify_read_only,
                                             lambda: self.table.action_toggle_mark())

