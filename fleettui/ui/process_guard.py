"""What the app arms around its process, and gives back:

- the terminal watch: SIGHUP, stdin closed or SIGTERM exit as on q (fleettui.term.watch);
- the exit guard: the process ends within a second of the exit, whatever is still in
  flight (fleettui.term.exit_guard);
- the interpreter's switch interval, so keys answer while workers run
  (fleettui.ui.switch_interval);
- the collector the start held, given back once the first rows are on screen, or after
  `LONGEST` seconds whatever happened (fleettui.term.start_collector).

Composed by `FleetApp`; a headless app (tests) arms none of the process-wide ones.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from textual.app import App

from fleettui.term import start_collector
from fleettui.term.exit_guard import ExitGuard
from fleettui.term.watch import LOST_EXIT_CODE, TerminalWatch, stdin_fd
from fleettui.ui.switch_interval import favour_ui_thread


class ProcessGuard:
    def __init__(self, app: App[None], *, watch_terminal: bool) -> None:
        self.app = app
        self.watch_terminal = watch_terminal
        self._watch: TerminalWatch | None = None
        self._restore_switch: Callable[[], None] = lambda: None
        #: q, ctrl+c, a lost terminal: the process ends within a second (see term.exit_guard).
        self.exit_guard: ExitGuard | None = None

    def mounted(self) -> None:
        app = self.app
        if start_collector.held():  # held by the command; given back with the first rows
            app.set_timer(start_collector.LONGEST, start_collector.release, name="collector")
        if not app.is_headless:  # keys answer while workers run (ui/switch_interval.py)
            self._restore_switch = favour_ui_thread()
        if self.watch_terminal and not app.is_headless:
            self._watch = TerminalWatch(self._terminal_lost, stdin_fd())
            self._watch.start(asyncio.get_running_loop())

    def unmounted(self) -> None:
        self._restore_switch()
        if self._watch is not None:
            self._watch.stop()

    def exiting(self) -> None:
        """The app was asked to exit: arm the guard that ends the process."""
        if not self.app.is_headless:
            if self.exit_guard is None:
                self.exit_guard = ExitGuard()
            self.exit_guard.arm(lambda: self.app.return_code or 0)

    def rows_shown(self) -> None:
        """Rows are on screen once this frame is out: the collector works again
        (fleettui.term.start_collector)."""
        if start_collector.held():
            self.app.call_after_refresh(start_collector.release)

    def _terminal_lost(self) -> None:
        """The terminal went away (SIGHUP, stdin closed) or SIGTERM came: exit as on q."""
        self.app.exit(return_code=self._watch.code if self._watch is not None else LOST_EXIT_CODE)
