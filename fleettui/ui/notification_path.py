"""The notification path: every notification goes to the log that `!` opens, and is shown
as a toast unless its kind is muted (or, for a background kind, a dialog is open: see
`fleettui.ui.toast_tally`). A controller's `Notice` comes here straight from
`FleetApp.apply`: a burst's vehicles go to the log one by one, its toast says them once.
Composed by `FleetApp`, whose `notify` (Textual's, which every widget calls) hands over;
the flows and the main view are handed `notice`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import App
from textual.notifications import SeverityLevel

from fleettui.core.notices import NoticeLog
from fleettui.monitor.updates import Notice
from fleettui.ui.toast_tally import ToastTally

if TYPE_CHECKING:  # the log's screen loads when `!` first opens it (or by ui/warm_up.py)
    from fleettui.ui.screens.notifications import ShowVins


class NotificationPath:
    def __init__(self, app: App[None], log: NoticeLog, toasts: ToastTally) -> None:
        self.app = app
        self.log = log
        self.toasts = toasts

    def tell(
        self,
        message: str,
        title: str,
        severity: SeverityLevel,
        timeout: float | None,
        markup: bool,
        kind: str,
        vins: Iterable[str],
        tally: tuple[tuple[str, int], ...],
    ) -> None:
        """Every notification goes to the log (`!`); a muted kind's is not shown, nor a
        background kind's while a dialog or menu is open (fleettui.ui.toast_tally)."""
        plain = Text.from_markup(message).plain if markup else message
        kind = kind or (title or severity).lower()
        entry = self.log.add(kind, plain, severity=severity, vins=vins)
        if not entry.muted:
            self.toasts.show(message, title, severity, timeout, markup, kind, tally)

    def notice(self, notice: Notice) -> None:
        """A controller notice: a burst's vehicles go to the log one by one, the toast
        says them once."""
        kind = notice.kind or (notice.title or notice.severity).lower()
        for vin, text in notice.details:
            self.log.add(kind, text, severity=notice.severity, vins=(vin,))
        self.tell(
            notice.message,
            notice.title,
            notice.severity,
            notice.timeout,
            False,
            kind,
            notice.vins,
            notice.tally,
        )

    def open_log(self, show_filter: Callable[[str], None]) -> None:
        """`!`: the log of every notification; `f` there has `show_filter` show a
        notice's vehicles in the table."""
        from fleettui.ui.screens.notifications import NotificationLogScreen

        def shown(choice: ShowVins | None) -> None:
            if choice is not None and choice.vins:
                show_filter("vin:" + ",".join(choice.vins))

        self.app.push_screen(NotificationLogScreen(self.log), callback=shown)
