"""One toast per burst of counted notices, its count kept up to date.

The data checks tell each newly blocked (or unblocked) car as it is found: "1 car: privacy
mode blocks data". One toast per check result stacked toasts in the rack, and each new one
laid the rack out again and redrew every toast under it: most of what an idle monitor with
checks on wrote (6.2 KB/min at 100,000 vehicles, issue 20). A notice with a tally (reason,
count) now goes into the toast of its kind still on screen: the counts add up, that toast
is repainted alone ("3 cars: privacy mode blocks data"), and the rack is not laid out again
unless the text's length changed. Each car keeps its own line in the notice log (`!`).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import App
from textual.css.query import NoMatches
from textual.notifications import Notification, Notify, SeverityLevel
from textual.screen import ModalScreen
from textual.widget import Widget

from fleettui.monitor.data_monitor import Tally, add_tallies, tally_text
from fleettui.ui.screen_stack import top_screen

#: Notice kinds that come by themselves (data checks, every few seconds at times): at 80x24
#: their toast covered dialogs and menus, so while one is open they go to the log only.
QUIET_OVER_DIALOGS = frozenset({"data"})


@dataclass
class _Shown:
    notification: Notification
    tally: Tally


class ToastTally:
    """Shows the app's toasts; a tallied notice merges into its kind's toast on screen.

    It keeps its own list of the toasts it showed rather than reading Textual's private
    one: a toast counts on while it has time left and its widget is mounted, and `forget`
    drops them all when the app clears its notifications."""

    def __init__(self, app: App[None]) -> None:
        self._app = app
        self._shown: dict[tuple[str, str], _Shown] = {}
        #: Every toast shown that has time left, oldest first (until cleared).
        self._toasts: list[Notification] = []

    def on_screen(self) -> list[Notification]:
        """The toasts shown that have time left, oldest first (their messages are the
        counted texts now)."""
        self._toasts = [n for n in self._toasts if not n.has_expired]
        return list(self._toasts)

    def show(
        self,
        message: str,
        title: str,
        severity: SeverityLevel,
        timeout: float | None,
        markup: bool,
        kind: str,
        tally: Tally = (),
    ) -> None:
        """Show a toast (what `App.notify` does), but not a background kind's over a
        dialog; with a tally, in the toast of the same kind and severity still on screen
        when there is one (its counts and text updated)."""
        if kind in QUIET_OVER_DIALOGS and isinstance(top_screen(self._app), ModalScreen):
            return
        if timeout is None:
            timeout = self._app.NOTIFICATION_TIMEOUT
        notification = Notification(message, title, severity, timeout, markup=markup)
        key = (kind, severity)
        shown = self._shown.get(key) if tally else None
        if shown is not None and self._merge(shown, tally):
            return
        if tally:
            self._shown[key] = _Shown(notification, tally)
        self._app.post_message(Notify(notification))
        # Listed when the app takes the Notify in, after it: a clear already on its way
        # (a profile switch's) goes first, in Textual's list as in this one.
        self._app.call_later(self._listed, notification)

    def _listed(self, notification: Notification) -> None:
        self._toasts = [*self.on_screen(), notification]

    def forget(self) -> None:
        """Every notification was cleared (`FleetApp.clear_notifications`): no toast is
        left to count into, even while the cleared ones are still being unmounted."""
        self._shown.clear()
        self._toasts.clear()

    def _merge(self, shown: _Shown, tally: Tally) -> bool:
        old = shown.notification
        if old.has_expired:
            return False
        toast = self._toast(old)
        if toast is None:
            return False
        shown.tally = add_tallies(shown.tally, tally)
        text = tally_text(shown.tally)
        relayout = len(text) != len(old.message)
        old.message = text
        toast.refresh(layout=relayout)
        return True

    def _toast(self, notification: Notification) -> Widget | None:
        """The Toast widget showing `notification` (inside its holder), if mounted."""
        holder_id = f"--textual-toast-{notification.identity}"
        for screen in self._app.screen_stack:
            try:
                holder = screen.get_widget_by_id(holder_id)
            except NoMatches:
                continue
            return holder.children[0] if holder.children else None
        return None
