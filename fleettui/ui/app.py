"""FleetApp: the live monitor. Composition, keys and wiring; the work lives in mixins
(poller.py: live refresh, actions.py: writes/copy/export, fleet_view.py: table/filter/
sort glue) and in Textual-free modules (connection, writes, add_lines)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterable
from datetime import datetime

from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Container
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Input, Static

from fleettui.core.store import FleetStore
from fleettui.monitor.accounts import Account
from fleettui.monitor.connection import ConnectionState, clamp_refresh, local_now
from fleettui.term.watch import LOST_EXIT_CODE, TerminalWatch, stdin_fd
from fleettui.ui.actions import WRITE_ACTIONS, ActionsMixin
from fleettui.ui.colours import ANSI_THEME, wants_native_ansi
from fleettui.ui.fleet_view import FleetViewMixin
from fleettui.ui.poller import HEADER_TICK, PollerMixin
from fleettui.ui.screens.help import HelpScreen
from fleettui.ui.widgets.detail import DetailPane
from fleettui.ui.widgets.fleet_table import FleetTable
from fleettui.ui.widgets.header import FleetHeader, counts_legend

Clock = Callable[[], datetime]
MODAL_ACTIONS = frozenset({"quit", "command_palette"})


class FleetApp(FleetViewMixin, PollerMixin, ActionsMixin, App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "fleettui"
    ENABLE_COMMAND_PALETTE = True
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (140, "-wide")]
    #: Escape is ours: it leaves the full-screen detail (and returns focus to the table),
    #: else clears the filter.
    ESCAPE_TO_MINIMIZE = False

    #: Shown in the footer, in this order (all fit at 80 columns; on narrower terminals
    #: the footer cuts from the right, so help and quit come first); everything else is
    #: in `?` help and the command palette. `tooltip` is the longer description the help
    #: screen shows.
    BINDINGS = [
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("q", "quit", "Quit"),
        Binding("slash", "filter", "Filter", key_display="/"),
        Binding("enter", "detail_full", "Detail", key_display="Enter",
                tooltip="Detail pane full screen (arrows scroll it; Enter or Esc returns)"),
        Binding("enter", "detail_back", "Back", key_display="Enter/Esc",
                tooltip="Leave the full-screen detail"),
        Binding("a", "add", "Add"),
        Binding("c", "cancel", "Cancel"),
        Binding("R", "revoke", "Revoke", key_display="R"),
        Binding("escape", "clear_filter", "Clear filter", show=False, key_display="Esc",
                tooltip="Clear the filter (or leave the full-screen detail)"),
        Binding("right_square_bracket,shift+down", "detail_scroll(1)", "Scroll detail down",
                show=False, key_display="]", tooltip="Scroll the detail pane down (also shift+down)"),
        Binding("left_square_bracket,shift+up", "detail_scroll(-1)", "Scroll detail up",
                show=False, key_display="[", tooltip="Scroll the detail pane up (also shift+up)"),
        Binding("d", "toggle_detail", "Hide/show detail", show=False),
        Binding("r", "refresh", "Refresh", show=False, tooltip="Refresh now"),
        Binding("p", "pause", "Pause", show=False, tooltip="Pause or resume the live refresh"),
        Binding("s", "sort_next", "Sort", show=False, tooltip="Sort by the next column"),
        Binding("S", "sort_reverse", "Reverse", show=False, key_display="S",
                tooltip="Reverse the sort"),
        Binding("asterisk", "mark_all", "Mark shown", show=False, key_display="*",
                tooltip="Mark every row the filter shows"),
        Binding("x", "clear_marks", "Clear marks", show=False),
        Binding("y", "copy_vin", "Copy VIN", show=False,
                tooltip="Copy the VIN (or the marked VINs) to the clipboard"),
        Binding("e", "export", "Export", show=False, tooltip="Export the rows shown to CSV"),
        Binding("P", "switch_profile", "Profile", show=False, key_display="P",
                tooltip="Switch to another profile"),
        Binding("0", "state_filter('')", "All states", show=False),
        *(Binding(str(i + 1), f"state_filter('{s}')", f"Only {s}", show=False)
          for i, s in enumerate(("pending", "approved", "rejected", "revoking", "revoked",
                                 "canceling", "canceled"))),
    ]

    def __init__(self, account: Account | None, *, read_only: bool = False,
                 refresh: float | None = None, clock: Clock | None = None,
                 watch_terminal: bool = True, native_ansi: bool | None = None) -> None:
        # NO_COLOR and 16-colour terminals get the terminal's own ANSI colours (see
        # fleettui.ui.colours). Textual picks its NO_COLOR filter in App.__init__ (NoColor
        # only when ANSI colours are native, else greys that hid red text), so the choice
        # must be made here, not later by switching the theme.
        native = wants_native_ansi() if native_ansi is None else native_ansi
        super().__init__(ansi_color=True if native else None)
        if native:
            self.theme = ANSI_THEME
        self.account = account
        self.read_only = bool(read_only or (account.read_only if account else False))
        # A fixed clock (tests, screenshots) fixes the header's wall-clock time too.
        self._wall = clock or local_now
        self.connection = ConnectionState(refresh=clamp_refresh(refresh if refresh is not None
                                                                else (account.refresh if account else None)),
                                          wall=self._wall)
        self._read_only_flag = bool(read_only)
        self._refresh_flag = refresh
        self._fixed_clock = clock
        self.store = FleetStore()
        self.reader = None
        self.writer = None
        self.watch_terminal = watch_terminal
        self._watch: TerminalWatch | None = None
        #: A simulator the app started itself (demo chosen on the setup screen).
        self._owned_sim = None

    # -- identity ------------------------------------------------------------------

    @property
    def account_name(self) -> str:
        return self.account.name if self.account else "(none)"

    def clock(self) -> datetime:
        if self._fixed_clock is not None:
            return self._fixed_clock()
        if self.reader is not None:
            return self.reader.server_time()
        from fleettui.core.timefmt import utcnow

        return utcnow()

    # -- layout --------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield FleetHeader(id="header")
        yield Input(id="filter", placeholder="filter: text, state:pending brand:bmw group:… tag:k=v, -term")
        yield Static("", id="filter-error")
        with Container(id="main"):
            yield FleetTable(self.store, id="fleet")
            yield DetailPane(id="detail")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.set_interval(HEADER_TICK, self.update_header, name="header-age")
        if self.watch_terminal and not self.is_headless:
            self._watch = TerminalWatch(self._terminal_lost, stdin_fd())
            self._watch.start(asyncio.get_running_loop())
        if self.account is None:
            self.open_setup()
        else:
            self.connect(self.account)
        self.query_one(FleetTable).focus()

    def on_unmount(self) -> None:
        if self._watch is not None:
            self._watch.stop()
        self._close_clients()
        if self._owned_sim is not None:
            self._owned_sim.stop()

    def _terminal_lost(self) -> None:
        self.exit(return_code=LOST_EXIT_CODE)

    # -- account -------------------------------------------------------------------

    def connect(self, account: Account) -> None:
        """(Re)connect: new clients, empty fleet, first poll now."""
        self._close_clients()
        self.generation += 1
        self.account = account
        self.read_only = bool(account.read_only or self.read_only_flag)
        self.reader = account.client_factory()
        self.writer = account.client_factory()
        every = self._refresh_flag if self._refresh_flag is not None else account.refresh
        self.connection = ConnectionState(refresh=clamp_refresh(every), paused=False, wall=self._wall)
        self._cache_saved = None
        self.reset_fleet(account.default_filter)
        self.refresh_bindings()
        self.poll_now()

    @property
    def read_only_flag(self) -> bool:
        return self._read_only_flag

    def _close_clients(self) -> None:
        for client in (self.reader, self.writer):
            if client is not None:
                with contextlib.suppress(Exception):
                    client.close()
        self.reader = self.writer = None

    def open_setup(self) -> None:
        from fleettui.ui.screens.setup import SetupScreen

        self.push_screen(SetupScreen(), callback=self._setup_done)

    def _setup_done(self, result: object) -> None:
        from fleettui.monitor.accounts import account_for_simulator, account_from_profile

        if result is None:
            if self.account is None:
                self.exit(message="No account configured; run `fleettui --demo` or "
                                  "`fleettui profile add`.")
            return
        if getattr(result, "kind", None) == "demo":
            from fleettui.config.demo import DEMO_SPEED, DEMO_VEHICLES
            from fleettui.sim import SimConfig, Simulator

            self._owned_sim = Simulator(SimConfig(vehicles=DEMO_VEHICLES, speed=DEMO_SPEED)).start()
            self.connect(account_for_simulator(self._owned_sim, read_only=self.read_only_flag))
        else:
            self.connect(account_from_profile(result.profile, read_only=self.read_only_flag))
        self.notify(f"Connected to {self.account_name}.", markup=False)

    def action_switch_profile(self) -> None:
        from fleettui.ui.screens.profile_switch import ProfileSwitchScreen

        self.push_screen(ProfileSwitchScreen(current=self.account_name), callback=self._profile_chosen)

    def _profile_chosen(self, name: str | None) -> None:
        from fleettui.config import ConfigError, resolve_profile
        from fleettui.monitor.accounts import account_from_profile

        if name is None:
            return
        try:
            profile = resolve_profile(name, read_only=self.read_only_flag or None)
        except (ConfigError, ValueError) as exc:
            self.notify(str(exc), title="Profile not switched", severity="error", markup=False)
            return
        self.connect(account_from_profile(profile, read_only=self.read_only_flag))
        self.notify(f"Switched to profile {self.account_name}.", markup=False)

    # -- keys ----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in WRITE_ACTIONS and self.read_only:
            return False
        # While a dialog or form is open, the monitor's own keys are off (a stray `c` in a
        # confirmation must not start another action); quitting and the palette stay.
        if action in ("detail_full", "detail_back"):  # the footer offers the one that applies
            full = self.screen.maximized is not None
            if (action == "detail_back") != full:
                return False
        own = action in MONITOR_ACTIONS  # Textual's own (focus_next on tab...) always work
        return not (own and isinstance(self.screen, ModalScreen) and action not in MODAL_ACTIONS)

    def key_rows(self) -> list[tuple[str, str]]:
        """(key, what it does) for the help screen: each key once, state keys in one row."""
        rows: list[tuple[str, str]] = []
        seen: set[str] = set()
        for binding in self.BINDINGS + FleetTable.BINDINGS:
            if not isinstance(binding, Binding):
                continue
            name = binding.action.split("(")[0]
            key = binding.key_display or binding.key
            if name == "state_filter" or key in seen or (name in WRITE_ACTIONS and self.read_only):
                continue
            seen.add(key)
            rows.append((key, binding.tooltip or binding.description))
        rows.append(("1…7, 0", "Only pending, approved, rejected, revoking, revoked, canceling, "
                               "canceled; 0 shows all states"))
        rows.append(("ctrl+p", "Command palette (every action by name)"))
        rows.append(("header", "Counts per state; narrow terminals shorten them: " + counts_legend()))
        return rows

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.key_rows()))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for binding in self.BINDINGS:
            name = binding.action.split("(")[0]
            if name in ("quit",) or (name in WRITE_ACTIONS and self.read_only):
                continue
            key = binding.key_display or binding.key
            more = f"{binding.tooltip}. " if binding.tooltip else ""
            yield SystemCommand(binding.description, f"{more}Key: {key}",
                                lambda action=binding.action: self.run_action(action))
        yield SystemCommand("Mark row", "Mark or unmark the vehicle under the cursor. Key: space",
                            lambda: self.table.action_toggle_mark())


#: Actions bound by the monitor itself (as opposed to Textual's built-in ones).
MONITOR_ACTIONS = frozenset(b.action.split("(")[0] for b in FleetApp.BINDINGS)
