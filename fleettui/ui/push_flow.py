"""Webhook push in the monitor: a thread worker waits for verified events (from the
receiver in this process or the one attached to), the controller makes them ready for the
store there, and the UI thread applies them at once (`FleetApp.apply`); the webhook panel
(`w`) shows health, and follows it while open. A piece the app composes (not a mixin);
the decisions are `Monitor.push`'s."""

from __future__ import annotations

import sys
import time

from textual.app import App
from textual.worker import get_current_worker

from fleettui.monitor.controller import Monitor
from fleettui.monitor.updates import Update
from fleettui.ui.messages import PushArrived, PushHealth
from fleettui.ui.screen_stack import top_screen

#: The push worker waits this long for events per turn, and reads health this often.
PUSH_WAIT = 0.25
PUSH_HEALTH_EVERY = 1.0


class PushFlow:
    def __init__(self, app: App[None], monitor: Monitor) -> None:
        self.app = app
        self.monitor = monitor

    def start(self, generation: int) -> None:
        self.app.run_worker(
            lambda: self._wait_for_events(generation),
            thread=True,
            exclusive=True,
            exit_on_error=False,
            group="push",
        )

    def _wait_for_events(self, generation: int) -> None:
        """Worker: posts events made ready for the store; reads the receiver's health
        every second. Ends when the account changes or push stops."""
        worker = get_current_worker()
        push = self.monitor.push
        last_health = 0.0
        while not worker.is_cancelled and generation == self.monitor.generation and push.active:
            events = push.wait(PUSH_WAIT)
            if events:
                self.app.post_message(PushArrived(push.prepare(events, generation)))
                # The deliveries go into the local history too (this worker's thread).
                self.monitor.history.record_pushed(events, self.monitor.store, self.monitor.clock())
            if time.monotonic() - last_health >= PUSH_HEALTH_EVERY:
                last_health = time.monotonic()
                snapshot = push.read_health()
                if snapshot is not None:
                    self.app.post_message(PushHealth(snapshot, generation))

    def open_panel(self) -> None:
        """`w`: the webhook health panel, or why there is none."""
        snapshot = self.monitor.push.snapshot()
        if snapshot is None:
            self.app.notify(
                "Webhooks are off. Start the monitor with --webhooks [HOST:]PORT "
                "(or 'attach'), or set webhooks in the profile.",
                title="Webhooks",
                markup=False,
            )
            return
        from fleettui.ui.screens.webhook_health import WebhookHealthScreen

        session = self.monitor.push.session
        self.app.push_screen(WebhookHealthScreen(snapshot, mode=session.mode if session else ""))

    def health(self, message: PushHealth) -> Update | None:
        """The controller's take on the receiver's health; an open panel shows it."""
        if message.generation != self.monitor.generation:
            return None
        update = self.monitor.push.took_health(message.snapshot)
        screen = top_screen(self.app)
        if screen is None:  # handled during teardown: no screen is left to show it
            return update
        # The panel's module loads when `E` first opens it: not loaded, not on screen.
        panel = sys.modules.get("fleettui.ui.screens.webhook_health")
        if panel is not None and isinstance(screen, panel.WebhookHealthScreen):
            snapshot = self.monitor.push.snapshot()
            if snapshot is not None:
                screen.show(snapshot)
        return update
