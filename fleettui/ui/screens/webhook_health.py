"""The webhook panel full size (`w`): the app keeps feeding it through `show`."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from fleettui.ui.widgets.webhook_health import WebhookHealthPanel
from fleettui.webhooks.health import HealthSnapshot


class WebhookHealthScreen(ModalScreen[None]):
    """The panel full size; Escape closes. The app keeps feeding it through `show`."""

    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("w", "close", "Close", show=False),
        Binding("q", "close", "Close", show=False),
    ]
    DEFAULT_CSS = """
    WebhookHealthScreen { align: center middle; }
    WebhookHealthScreen > VerticalScroll {
        width: 78; max-width: 100%; height: auto; max-height: 90%;
        border: round $accent; background: $surface;
    }
    """

    def __init__(self, snapshot: HealthSnapshot, *, mode: str = "") -> None:
        super().__init__()
        self._initial = snapshot
        self.panel = WebhookHealthPanel(mode=mode, id="webhook-health")

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield self.panel
            yield Static(Text("Escape closes", style="dim"))

    def on_mount(self) -> None:
        self.panel.show(self._initial)

    def show(self, snapshot: HealthSnapshot, now: float | None = None) -> bool:
        return self.panel.show(snapshot, now)

    def action_close(self) -> None:
        self.dismiss(None)
