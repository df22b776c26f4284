"""FleetApp: the live monitor's shell: the driver, exit, type-ahead, the poll loop and the
workers' results, the notifications and the app's own keys. The main view is `MonitorScreen`
(`fleettui.ui.screens.monitor`, the default screen); the state and every decision, the
Textual-free controller (`fleettui.monitor.controller`). `apply` carries out every `Update`
(CONTRIBUTING.md: "A refresh, top to bottom")."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from rich.console import RenderableType
from textual import events, on
from textual.app import App, SystemCommand
from textual.driver import Driver
from textual.notifications import SeverityLevel
from textual.screen import Screen

from fleettui.monitor.accounts import Account
from fleettui.monitor.controller import Monitor
from fleettui.monitor.updates import Update
from fleettui.ui import keys, messages, warm_up
from fleettui.ui.account_flow import AccountFlow
from fleettui.ui.add_messages import AddSubmitted, EligibilityWanted
from fleettui.ui.colours import ANSI_THEME, wants_native_ansi
from fleettui.ui.copy_export import CopyExport
from fleettui.ui.desk_actions import DeskActions
from fleettui.ui.key_order import KeyOrder
from fleettui.ui.notification_path import NotificationPath
from fleettui.ui.poll_loop import PollLoop
from fleettui.ui.process_guard import ProcessGuard
from fleettui.ui.push_flow import PushFlow
from fleettui.ui.screen_stack import top_screen
from fleettui.ui.screens.monitor import MonitorScreen
from fleettui.ui.toast_tally import ToastTally
from fleettui.ui.triage_flow import TriageFlow
from fleettui.ui.typeahead import TypeAhead
from fleettui.ui.widgets.fleet_table import FleetTable
from fleettui.ui.write_flow import WriteFlow

if TYPE_CHECKING:  # the desk's modules load only with --desk; the screens keys open, and
    # the palette's commands, when first used (warm_up loads them once the monitor is idle)
    from fleettui.monitor.desk_control import DeskControl


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
        clock: Callable[[], datetime] | None = None,
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
        monitor = self.monitor = Monitor(
            account, read_only=read_only, refresh=refresh, clock=clock, pinned=pinned, desk=desk
        )
        self.toasts = ToastTally(self)
        #: Every notification logged (`!`), shown unless muted; a Notice's burst told once.
        self.notification_path = NotificationPath(self, monitor.notices, self.toasts)
        notice, apply = self.notification_path.notice, self.apply
        #: The main view; the pieces below hold its dialogs and workers.
        screen = self.monitor_screen = MonitorScreen(monitor, apply=apply, notice=notice)
        self.writes = WriteFlow(self, monitor, screen, apply, notice)
        self.triage = TriageFlow(self, monitor, screen, notice, self.writes.add_closed)
        self.copies = CopyExport(self, monitor, screen, notice)
        self.desk = DeskActions(self, monitor, screen, apply)
        self.pushes = PushFlow(self, monitor)
        screen.writes, screen.triage, screen.copies = self.writes, self.triage, self.copies
        screen.pushes = self.pushes
        #: The terminal watch, the exit guard, the switch interval, the held collector.
        self.process = ProcessGuard(self, watch_terminal=watch_terminal)
        #: The poll's worker and timers, and an Update's saving and recording.
        self.poll_loop = PollLoop(self, monitor, screen, apply)
        self.accounts = AccountFlow(self, monitor, screen, apply, notice, self.poll_loop.poll)
        #: Keys typed right after one that opens an input go into that input.
        self.typeahead = TypeAhead(self, lambda: self.key_order.settled)
        self.key_order = KeyOrder(
            self,
            self.typeahead,
            super().on_event,
            lambda key: (
                top_screen(self) is self.monitor_screen
                and keys.opens_input(key, self.monitor.read_only)
            ),
        )

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
        self.process.exiting()

    async def on_event(self, event: events.Event) -> None:
        if not await self.key_order.took(event):  # keys: one after another, type-ahead
            await super().on_event(event)

    @property
    def table(self) -> FleetTable:
        return self.monitor_screen.table

    def on_mount(self) -> None:
        self.poll_loop.start_ticks()
        self.process.mounted()
        self.accounts.start(self.typeahead.expect)
        self.desk.start()

    def on_unmount(self) -> None:
        self.process.unmounted()
        self.monitor.leave()  # the history remembers this look (a small write)
        self.monitor.close()
        self.accounts.close()

    def action_switch_profile(self) -> None:
        self.accounts.switch_profile()

    # -- live refresh: the workers' results (fleettui.ui.poll_loop) -> update ----------

    @on(messages.FirstRowsRead)
    def _first_rows(self, message: messages.FirstRowsRead) -> None:
        self.apply(self.monitor.cache.took_first(message.result))
        self.process.rows_shown()

    @on(messages.CacheLoaded)
    def _cache_loaded(self, message: messages.CacheLoaded) -> None:
        self.apply(self.monitor.cache.took_cache(message.result))
        if message.result.first is not None:  # the whole cache waits for this frame
            self.call_after_refresh(self.poll_loop.first_painted)
        self.process.rows_shown()

    @on(messages.PollDone)
    def _poll_done(self, message: messages.PollDone) -> None:
        self.apply(self.monitor.refreshes.took(message.result))
        self.process.rows_shown()
        warm_up.soon(self)  # the screens keys open, ready before the keys

    @on(messages.HistoryRecorded)
    def _history_recorded(self, message: messages.HistoryRecorded) -> None:
        self.apply(self.monitor.took_record(message.result))

    @on(messages.PushArrived)
    def _push_arrived(self, message: messages.PushArrived) -> None:
        self.apply(self.monitor.push.took(message.result))

    @on(messages.PushHealth)
    def _push_health(self, message: messages.PushHealth) -> None:
        self.apply(self.pushes.health(message))

    @on(messages.DeskArrived)
    def _desk_arrived(self, message: messages.DeskArrived) -> None:
        self.apply(self.desk.took(message.result))

    def action_desk(self, kind: str) -> None:  # claim, note, ... (fleettui.ui.desk_actions)
        self.desk.act(kind)

    @on(messages.DeletesDone)
    def _deletes_done(self, message: messages.DeletesDone) -> None:
        self.apply(self.monitor.writes.took_deletes(message.result))

    @on(messages.AddDone)
    def _add_done(self, message: messages.AddDone) -> None:
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
            self.notification_path.notice(notice)
        self.poll_loop.carry_out(update)
        if update.push_worker:
            self.pushes.start(self.monitor.generation)

    # -- the triage board, the add form: results from workers and dialogs ----------------

    @on(messages.TimelineLoaded)
    def _timeline_loaded(self, message: messages.TimelineLoaded) -> None:
        self.triage.timeline_loaded(message.vin)

    @on(messages.ChangesListed)
    def _changes_listed(self, message: messages.ChangesListed) -> None:
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

    @on(messages.EligibilityChecked)
    def _eligibility_checked(self, message: messages.EligibilityChecked) -> None:
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
    ) -> None:
        """Textual's, which every widget calls: logged, shown unless muted
        (fleettui.ui.notification_path)."""
        self.notification_path.tell(message, title, severity, timeout, markup, "", (), ())

    def clear_notifications(self) -> None:
        """Textual's, and no toast is left for a tally to count into."""
        super().clear_notifications()
        self.toasts.forget()

    def action_notifications(self) -> None:
        self.notification_path.open_log(self.monitor_screen.filter_control.show)

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
            lambda: self.notification_path.notice(self.monitor.read_only_notice()),
            self.table.action_toggle_mark,
        )
