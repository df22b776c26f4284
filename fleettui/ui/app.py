"""FleetApp: the live monitor's shell. The driver, exit, type-ahead, the poll loop and the
workers' results, the notifications and the app's own keys; the main view is
`MonitorScreen` (`fleettui.ui.screens.monitor`, the default screen), the state and every
decision about it the Textual-free controller (`fleettui.monitor.controller`).

One refresh, top to bottom: `PollLoop.poll` (`fleettui.ui.poll_loop`) asks the
controller whether a poll is due, a thread worker calls its blocking `read_cache` /
`fetch` and posts `PollDone`, `_poll_done` hands the result back (`Refreshes.took`), and
`apply` does what the returned `Update` says: the screen repaints what it names, notices
go to the notification path, the cache is saved and the next poll scheduled
(`PollLoop.carry_out`). Every Update goes through `apply`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from rich.console import RenderableType
from rich.text import Text
from textual import events, on
from textual.app import App, SystemCommand
from textual.driver import Driver
from textual.notifications import SeverityLevel
from textual.screen import Screen

from fleettui.monitor.accounts import Account
from fleettui.monitor.controller import Monitor
from fleettui.monitor.updates import Notice, Update
from fleettui.term import start_collector
from fleettui.term.exit_guard import ExitGuard
from fleettui.term.watch import LOST_EXIT_CODE, TerminalWatch, stdin_fd
from fleettui.ui import keys, warm_up
from fleettui.ui.account_flow import AccountFlow
from fleettui.ui.add_messages import AddSubmitted, EligibilityWanted
from fleettui.ui.colours import ANSI_THEME, wants_native_ansi
from fleettui.ui.copy_export import CopyExport
from fleettui.ui.desk_actions import DeskActions
from fleettui.ui.key_order import KeyOrder
from fleettui.ui.messages import (
    AddDone,
    CacheLoaded,
    ChangesListed,
    DeletesDone,
    DeskArrived,
    EligibilityChecked,
    FirstRowsRead,
    HistoryRecorded,
    PollDone,
    PushArrived,
    PushHealth,
    TimelineLoaded,
)
from fleettui.ui.poll_loop import PollLoop
from fleettui.ui.push_flow import PushFlow
from fleettui.ui.screens.monitor import MonitorScreen
from fleettui.ui.switch_interval import favour_ui_thread
from fleettui.ui.toast_tally import ToastTally
from fleettui.ui.triage_flow import TriageFlow
from fleettui.ui.typeahead import TypeAhead
from fleettui.ui.widgets.fleet_table import FleetTable
from fleettui.ui.write_flow import WriteFlow

if TYPE_CHECKING:  # the desk's modules load only with --desk; the screens keys open, and
    # the palette's commands, when first used (warm_up loads them once the monitor is idle)
    from fleettui.monitor.desk_control import DeskControl
    from fleettui.ui.screens.notifications import ShowVins

Clock = Callable[[], datetime]


class FleetApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "fleettui"
    ENABLE_COMMAND_PALETTE = True
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (140, "-wide")]
    #: Escape is ours: it leaves the full-screen detail (and returns focus to the table),
    #: else clears the filter.
    ESCAPE_TO_MINIMIZE = False

    #: The app's own keys; the main view's are MonitorScreen's (fleettui.ui.keys).
    BINDINGS = keys.APP_BINDINGS
    #: Toasts are short-lived and stay out of the table's way; `!` opens the log that
    #: keeps every one (errors and rejections stay longer: they set their own timeout).
    NOTIFICATION_TIMEOUT = 4.0

    def __init__(
        self,
        account: Account | None,
        *,
        read_only: bool = False,
        refresh: float | None = None,
        clock: Clock | None = None,
        watch_terminal: bool = True,
        native_ansi: bool | None = None,
        pinned: bool = False,
        desk: DeskControl | None = None,
    ) -> None:
        # NO_COLOR and 16-colour terminals get the terminal's own ANSI colours (see
        # fleettui.ui.colours). Textual picks its NO_COLOR filter in App.__init__ (NoColor
        # only when ANSI colours are native, else greys that hid red text), so the choice
        # must be made here, not later by switching the theme.
        native = wants_native_ansi() if native_ansi is None else native_ansi
        super().__init__(ansi_color=True if native else None)
        if native:
            self.theme = ANSI_THEME
        # A fixed clock (tests, screenshots) fixes the header's wall-clock time too.
        self.monitor = Monitor(
            account, read_only=read_only, refresh=refresh, clock=clock, pinned=pinned, desk=desk
        )
        #: The main view; its pieces (writes, triage) hold its dialogs and workers.
        self.toasts = ToastTally(self)
        self.monitor_screen = MonitorScreen(
            self.monitor, apply=self.apply, notice=self.notify_notice
        )
        self.writes = WriteFlow(
            self, self.monitor, self.monitor_screen, self.apply, self.notify_notice
        )
        self.triage = TriageFlow(
            self, self.monitor, self.monitor_screen, self.notify_notice, self.writes.add_closed
        )
        self.copies = CopyExport(self, self.monitor, self.monitor_screen, self.notify_notice)
        screen = self.monitor_screen
        screen.writes, screen.triage, screen.copies = self.writes, self.triage, self.copies
        self.desk = DeskActions(self, self.monitor, self.monitor_screen, self.apply)
        self.watch_terminal = watch_terminal
        self._watch: TerminalWatch | None = None
        self._restore_switch: Callable[[], None] = lambda: None
        #: The poll's worker and timers, and an Update's saving and recording.
        self.poll_loop = PollLoop(self, self.monitor, self.monitor_screen, self.apply)
        self.accounts = AccountFlow(
            self, self.monitor, screen, self.apply, self.notify_notice, self.poll_loop.poll
        )
        self.pushes = PushFlow(self, self.monitor)
        #: Keys typed right after one that opens an input go into that input.
        self.typeahead = TypeAhead(self, lambda: not (self.key_order.busy or self.key_order.held))
        self.key_order = KeyOrder(
            self,
            self.typeahead,
            super().on_event,
            lambda key: (
                self.screen is self.monitor_screen and keys.opens_input(key, self.monitor.read_only)
            ),
        )
        #: q, ctrl+c, a lost terminal: the process ends within a second (see term.exit_guard).
        self.exit_guard: ExitGuard | None = None

    def get_default_screen(self) -> Screen[None]:
        return self.monitor_screen

    def get_driver_class(self) -> type[Driver]:
        """Textual's driver for this platform; on Linux and macOS the one that delivers
        a lone Esc after ESCDELAY instead of up to 100 ms later (fleettui.ui.driver)."""
        cls = super().get_driver_class()
        if cls.__module__ == "textual.drivers.linux_driver":
            from fleettui.ui.driver import quick_escape_driver

            return quick_escape_driver(cls)
        return cls

    def exit(
        self, result: None = None, return_code: int = 0, message: RenderableType | None = None
    ) -> None:
        # Calls under way end now, so their worker threads do not hold the exit.
        self.monitor.close()
        super().exit(result, return_code, message)
        if not self.is_headless:
            if self.exit_guard is None:
                self.exit_guard = ExitGuard()
            self.exit_guard.arm(lambda: self.return_code or 0)

    async def on_event(self, event: events.Event) -> None:
        if not await self.key_order.took(event):  # keys: one after another, type-ahead
            await super().on_event(event)

    @property
    def table(self) -> FleetTable:
        return self.monitor_screen.table

    def on_mount(self) -> None:
        self.poll_loop.start_ticks()
        if start_collector.held():  # held by the command; given back with the first rows
            self.set_timer(start_collector.LONGEST, start_collector.release, name="collector")
        if not self.is_headless:  # keys answer while workers run (ui/switch_interval.py)
            self._restore_switch = favour_ui_thread()
        if self.watch_terminal and not self.is_headless:
            self._watch = TerminalWatch(self._terminal_lost, stdin_fd())
            self._watch.start(asyncio.get_running_loop())
        if self.monitor.account is None:
            self.typeahead.expect()
            self.accounts.open_setup()
        else:
            self.accounts.connect(self.monitor.account)
        self.desk.start()

    def on_unmount(self) -> None:
        self._restore_switch()
        if self._watch is not None:
            self._watch.stop()
        self.monitor.leave()  # the history remembers this look (a small write)
        self.monitor.close()
        self.accounts.close()

    def _terminal_lost(self) -> None:
        """The terminal went away (SIGHUP, stdin closed) or SIGTERM came: exit as on q."""
        self.exit(return_code=self._watch.code if self._watch is not None else LOST_EXIT_CODE)

    def action_switch_profile(self) -> None:
        self.accounts.switch_profile()

    # -- live refresh: the workers' results (fleettui.ui.poll_loop) -> update ----------

    @on(FirstRowsRead)
    def _first_rows(self, message: FirstRowsRead) -> None:
        self.apply(self.monitor.cache.took_first(message.result))
        self._started()

    @on(CacheLoaded)
    def _cache_loaded(self, message: CacheLoaded) -> None:
        self.apply(self.monitor.cache.took_cache(message.result))
        if message.result.first is not None:  # the whole cache waits for this frame
            self.call_after_refresh(self.poll_loop.first_painted)
        self._started()

    @on(PollDone)
    def _poll_done(self, message: PollDone) -> None:
        self.apply(self.monitor.refreshes.took(message.result))
        self._started()
        warm_up.soon(self)  # the screens keys open, ready before the keys

    def _started(self) -> None:
        """Rows are on screen once this frame is out: the collector works again
        (fleettui.term.start_collector)."""
        if start_collector.held():
            self.call_after_refresh(start_collector.release)

    @on(HistoryRecorded)
    def _history_recorded(self, message: HistoryRecorded) -> None:
        self.apply(self.monitor.took_record(message.result))

    @on(PushArrived)
    def _push_arrived(self, message: PushArrived) -> None:
        self.apply(self.monitor.push.took(message.result))

    @on(PushHealth)
    def _push_health(self, message: PushHealth) -> None:
        self.apply(self.pushes.health(message))

    @on(DeskArrived)
    def _desk_arrived(self, message: DeskArrived) -> None:
        self.apply(self.desk.took(message.result))

    def action_desk(self, kind: str) -> None:  # claim, note, ... (fleettui.ui.desk_actions)
        self.desk.act(kind)

    @on(DeletesDone)
    def _deletes_done(self, message: DeletesDone) -> None:
        self.apply(self.monitor.writes.took_deletes(message.result))

    @on(AddDone)
    def _add_done(self, message: AddDone) -> None:
        self.apply(self.writes.add_done(message.result))

    def apply(self, update: Update | None) -> None:
        """Do what the controller decided, in this order: the screen repaints what the
        update names (always the header), notices go to the notification path, the
        snapshot cache and the history are written on workers, then the next poll.
        Every Update, from a poll, a write, a filter, a push, the history or an
        account switch, comes through here."""
        if update is None:  # a result for an account no longer shown
            return
        self.monitor_screen.paint(update)
        if update.repaint or update.data:  # an open triage board follows
            self.triage.changed()
        for notice in update.notices:
            self.notify_notice(notice)
        self.poll_loop.carry_out(update)
        if update.push_worker:
            self.pushes.start(self.monitor.generation)

    # -- the triage board, the add form: results from workers and dialogs ----------------

    @on(TimelineLoaded)
    def _timeline_loaded(self, message: TimelineLoaded) -> None:
        self.triage.timeline_loaded(message.vin)

    @on(ChangesListed)
    def _changes_listed(self, message: ChangesListed) -> None:
        self.triage.changes_listed(message.summary)

    @on(events.DeliveryFailed)
    def _delivery_failed(self, event: events.DeliveryFailed) -> None:
        self.copies.delivery_failed(event.name, event.exception)

    @on(AddSubmitted)
    def _add_submitted(self, message: AddSubmitted) -> None:
        self.writes.send_add(message.lines)

    @on(EligibilityWanted)
    def _eligibility_wanted(self, message: EligibilityWanted) -> None:
        self.writes.check_eligibility(message.pairs)

    @on(EligibilityChecked)
    def _eligibility_checked(self, message: EligibilityChecked) -> None:
        self.writes.eligibility_checked(message.outcome)

    # -- notifications: every one logged, muted kinds kept off screen ---------------------

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
        kind: str = "",
        vins: Iterable[str] = (),
        tally: tuple[tuple[str, int], ...] = (),
    ) -> None:
        """Every notification goes to the log (`!`); a muted kind's is not shown, nor a
        background kind's while a dialog or menu is open (fleettui.ui.toast_tally)."""
        plain = Text.from_markup(message).plain if markup else message
        kind = kind or (title or severity).lower()
        entry = self.monitor.notices.add(kind, plain, severity=severity, vins=vins)
        if not entry.muted:
            self.toasts.show(message, title, severity, timeout, markup, kind, tally)

    def clear_notifications(self) -> None:
        """Textual's, and no toast is left for a tally to count into."""
        super().clear_notifications()
        self.toasts.forget()

    def notify_notice(self, notice: Notice) -> None:
        """A controller notice: a burst's vehicles go to the log one by one, the toast
        says them once."""
        kind = notice.kind or (notice.title or notice.severity).lower()
        for vin, text in notice.details:
            self.monitor.notices.add(kind, text, severity=notice.severity, vins=(vin,))
        self.notify(
            notice.message,
            title=notice.title,
            severity=notice.severity,
            timeout=notice.timeout,
            markup=False,
            kind=kind,
            vins=notice.vins,
            tally=notice.tally,
        )

    def action_notifications(self) -> None:
        from fleettui.ui.screens.notifications import NotificationLogScreen

        self.push_screen(NotificationLogScreen(self.monitor.notices), callback=self._show_vins)

    def _show_vins(self, choice: ShowVins | None) -> None:
        if choice is not None and choice.vins:
            self.monitor_screen.filter_control.show("vin:" + ",".join(choice.vins))

    def action_help_quit(self) -> None:
        """ctrl+c: copies in a text box (Textual's own binding there); anywhere else it
        quits like q, within a second whatever is in flight (issue: an on-call engineer's
        reflex must work, and no message may name a key that is not the quit key)."""
        self.exit()

    # -- help, palette ----------------------------------------------------------------------

    def action_help(self) -> None:
        from fleettui.ui.screens.help import HelpScreen

        self.push_screen(HelpScreen(self.key_rows()))

    def key_rows(self) -> list[tuple[str, str]]:
        from fleettui.ui import commands

        return commands.key_rows(MonitorScreen.BINDINGS, self.monitor.read_only)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        from fleettui.ui import commands

        yield from super().get_system_commands(screen)
        yield from commands.monitor_commands(
            self.monitor,
            MonitorScreen.BINDINGS,
            lambda action: self.run_action(action, self.monitor_screen),
            self.writes.show_write_results,
            lambda: self.notify_notice(self.monitor.read_only_notice()),
            self.table.action_toggle_mark,
        )
