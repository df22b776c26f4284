"""The shared desk's keys on the main view (claim, release, hand, note, snooze, unsnooze,
the handover): what they act on, the dialogs they open; the decisions and the talking to
PostgreSQL are the controller's (`fleettui.monitor.desk_control`, its link thread), whose
results come back as `DeskArrived` messages and go through the app's one applier.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from fleettui.monitor.controller import Monitor
from fleettui.monitor.updates import Notice, Update
from fleettui.ui.messages import DeskArrived

if TYPE_CHECKING:  # the dialogs load when first opened, the desk's modules with --desk
    from fleettui.monitor.desk_results import DeskResult
    from fleettui.ui.screens.desk_input import DeskInput

NO_DESK = Notice(
    "No shared desk: start the monitor with --desk (or set desk_dsn_env in "
    "the profile); `fleettui desk init` creates one.",
    title="Desk",
)
#: Keys that act at once; the others open a dialog for what they need typed.
AT_ONCE = ("claim", "release", "unsnooze")


class DeskActions:
    def __init__(
        self, app: Any, monitor: Monitor, screen: Any, apply: Callable[[Update | None], None]
    ) -> None:
        self.app = app
        self.monitor = monitor
        self.screen = screen
        self.apply = apply

    def start(self) -> None:
        """The app mounted: the table shows the Claimed column, the detail pane the desk,
        the link starts (its results come back as `DeskArrived`; it reads the cursor's
        vehicle itself, for presence and the pane's desk timeline)."""
        desk = self.monitor.desk
        if desk is None:
            return
        table = self.screen.table
        table.show_claims(desk.mirror.claim_cell)
        self.screen.detail.desk_detail = desk.detail
        self.apply(
            desk.start(
                lambda result: self.app.post_message(DeskArrived(result)),
                viewing=lambda: table.cursor_vin,
            )
        )

    def took(self, result: DeskResult) -> Update | None:
        desk = self.monitor.desk
        if desk is None:
            return None
        update = desk.took(result)
        if update.repaint:  # the pane's vehicle may be the one that changed on the desk
            self.screen.detail_control.redraw()
        return update

    def targets(self) -> list[str]:
        """The marked vehicles, else the one under the cursor."""
        if self.monitor.marked:
            return sorted(self.monitor.marked)
        vin = self.screen.table.cursor_vin
        return [vin] if vin else []

    def act(self, kind: str) -> None:
        desk = self.monitor.desk
        if desk is None:
            self.apply(Update(notices=[NO_DESK]))
            return
        if kind == "handover":
            self.handover()
            return
        vins = self.targets()
        if kind in AT_ONCE or not vins:
            self.apply(desk.act(kind, vins))  # type: ignore[arg-type]
            return
        from fleettui.ui.screens.desk_input import DeskInputScreen

        store = self.monitor.store
        states = {v: r.state.value for v in vins if (r := store.row_for(v)) is not None}

        def typed(result: DeskInput | None) -> None:
            if result is not None:
                self.apply(
                    desk.act(
                        kind,  # type: ignore[arg-type]
                        vins,
                        text=result.text,
                        to_user=result.to_user,
                        until=result.until,
                        states=states,
                    )
                )

        self.app.push_screen(
            DeskInputScreen(
                kind,
                vins,
                draft=desk.draft(kind, vins),
                people=desk.people(),
                now=self.monitor.wall,
                keep_draft=lambda text: desk.keep_draft(kind, vins, text),
            ),
            callback=typed,
        )

    def handover(self) -> None:
        desk = self.monitor.desk
        if desk is None:
            self.apply(Update(notices=[NO_DESK]))
            return
        from fleettui.monitor.desk_handover import read_handover, save_handover
        from fleettui.ui.screens.handover import HandoverScreen

        store, clock = self.monitor.store, self.monitor.clock
        self.app.push_screen(
            HandoverScreen(
                lambda hours: read_handover(
                    desk.settings, desk.mirror, hours, list(store.snapshot.order), clock()
                ),
                save=save_handover,
            )
        )
