"""The triage board in the monitor: the triage view (t), the statistics (T), what changed
since the last look (u), and the detail pane's recorded timeline. A helper the app
composes (not a mixin); the decisions are the controller's (`fleettui.monitor.history`,
`fleettui.monitor.triage_actions`), the disk is read on thread workers that post messages."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.app import App

from fleettui.monitor import triage_actions
from fleettui.monitor.controller import Monitor
from fleettui.monitor.updates import Notice
from fleettui.ui.messages import ChangesListed, TimelineLoaded
from fleettui.ui.screen_stack import top_screen
from fleettui.ui.write_flow import add_screen

if TYPE_CHECKING:  # the screens are loaded when first opened, not at start-up
    from fleettui.triage.since import SinceSummary
    from fleettui.ui.screens.monitor import MonitorScreen
    from fleettui.ui.screens.triage import TriageChoice, TriageScreen

#: Wait this long on a row before its recorded history is read (holding j or k moves
#: through hundreds of rows; only the one the cursor stops on is read).
TIMELINE_DELAY = 0.15


class TriageFlow:
    def __init__(
        self,
        app: App[None],
        monitor: Monitor,
        screen: MonitorScreen,
        notify: Callable[[Notice], None],
        add_closed: Callable[..., None],
    ) -> None:
        self.app = app
        self.monitor = monitor
        self.screen = screen
        self.notify = notify
        self.add_closed = add_closed
        self._timeline_for: str | None = None
        #: The open triage view (it regroups live), None when closed.
        self._board: TriageScreen | None = None

    # -- the triage view ------------------------------------------------------------------

    def open_triage(self) -> None:
        store = self.monitor.store
        if not store.total:
            self.notify(
                Notice("No vehicles yet: the triage view needs the fleet.", severity="warning")
            )
            return
        from fleettui.ui.screens.triage import TriageScreen

        screen = TriageScreen(
            list(store.snapshot.order),
            self.monitor.clock(),
            can_fix=not self.monitor.read_only,
            latest=lambda: (list(store.snapshot.order), self.monitor.clock()),
            desk=self.monitor.desk.mirror if self.monitor.desk else None,
            data=self.monitor.data.view,
            inputs=self.board_inputs,
        )
        self._board = screen
        self.app.push_screen(screen, callback=self._triage_closed)

    def board_inputs(self) -> tuple[object, ...]:
        """What the triage board is grouped from, as a token: the fleet's row list (a
        refresh that changed nothing keeps it), the desk's work and the data states."""
        desk = self.monitor.desk
        return (
            self.monitor.store.snapshot.order,
            desk.mirror.version if desk is not None else 0,
            self.monitor.data.states_version,
        )

    def changed(self) -> None:
        """An Update was applied: an open triage board regroups if its inputs moved."""
        board = self._board
        if board is not None and board.is_attached:
            board.live.inputs_changed()

    def _triage_closed(self, choice: TriageChoice | None) -> None:
        self._board = None
        if choice is None:
            return
        if choice.action == "filter":
            text, notice = triage_actions.queue_filter(choice.queue)
            self.screen.filter_control.show(text)
            self.notify(notice)
        elif choice.action == "fix":
            self.fix(choice)

    def fix(self, choice: TriageChoice) -> None:
        draft = triage_actions.fix_draft(choice.queue)
        if draft is None or self.monitor.read_only:
            self.notify(
                triage_actions.fix_notice(choice.queue, True)
                if self.monitor.read_only
                else Notice("This queue has no fix the API can do.", severity="warning")
            )
            return
        self.notify(triage_actions.fix_notice(choice.queue, False))
        self.app.push_screen(add_screen(draft), callback=self.add_closed)

    # -- statistics -----------------------------------------------------------------------

    def open_stats(self) -> None:
        rows, now = list(self.monitor.store.snapshot.order), self.monitor.clock()
        from fleettui.ui.screens.stats import StatsScreen

        self.app.push_screen(
            StatsScreen(lambda: self.monitor.history.stats(rows, now), here=self.monitor.wall)
        )

    # -- since the last look ----------------------------------------------------------------

    def list_changes(self) -> None:
        history = self.monitor.history
        if not history.available or history.looked is None:
            self.notify(
                Notice(
                    "Nothing recorded yet: changes are listed after the first refresh.",
                    severity="warning",
                )
            )
            return
        rows, now = list(self.monitor.store.snapshot.order), self.monitor.clock()

        def work() -> None:
            self.app.post_message(ChangesListed(history.changes_since_look(rows, now)))

        self.app.run_worker(work, thread=True, group="history-read", exit_on_error=False)

    def changes_listed(self, summary: SinceSummary | None) -> None:
        if summary is None:
            return
        if summary.empty:
            self.notify(
                Notice(summary.sentence(self.monitor.wall()), title="Since you last looked")
            )
            return
        history = self.monitor.history
        history.unseen.update(summary.vins)
        if top_screen(self.app) is not self.screen:  # a dialog opened meanwhile (or the app
            # is closing): just say it
            self.notify(
                Notice(
                    f"{summary.sentence()}; u on the table shows them.",
                    title="Since you last looked",
                    timeout=12,
                )
            )
            return
        # Seen now: the next u counts from here (written to the file on a worker).
        now, wall = self.monitor.clock(), self.monitor.wall()
        self.app.run_worker(
            lambda: history.looked_now(now, wall),
            thread=True,
            group="history-write",
            exit_on_error=False,
        )
        history.looked = (now, wall)
        text = triage_actions.vins_filter(summary.vins)
        self.screen.filter_control.show(text)
        history.seen(self._cursor_vin())  # the row under the cursor is seen already
        self.notify(
            Notice(
                f"{summary.sentence(wall)}: those vehicles are shown (* until the "
                "cursor visits them); Esc clears the filter.",
                title="Since you last looked",
                timeout=12,
            )
        )

    # -- the detail pane's recorded timeline -------------------------------------------------

    def want_timeline(self, vin: str | None) -> None:
        """The cursor is on `vin`: read its recorded events soon, unless at hand."""
        history = self.monitor.history
        if vin is None or not history.available or history.cached_events(vin) is not None:
            return
        self._timeline_for = vin
        self.app.set_timer(TIMELINE_DELAY, lambda: self._load_timeline(vin))

    def _cursor_vin(self) -> str | None:
        return self.screen.table.cursor_vin

    def _load_timeline(self, vin: str) -> None:
        if self._timeline_for != vin or self._cursor_vin() != vin:
            return

        def work() -> None:
            self.monitor.history.events_for(vin)
            self.app.post_message(TimelineLoaded(vin))

        self.app.run_worker(work, thread=True, group="timeline", exit_on_error=False)

    def timeline_loaded(self, vin: str) -> None:
        if self._cursor_vin() == vin:
            self.screen.detail_control.redraw()
