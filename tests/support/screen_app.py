"""Small host apps that open one screen, for the screens' own Pilot tests and snapshots."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.screen import Screen

import fleettui.ui
from fleettui.ui.colours import ANSI_THEME, wants_native_ansi

#: The monitor's stylesheet, for host apps that show a screen as the monitor styles it.
APP_CSS = str(Path(fleettui.ui.__file__).parent / "app.tcss")


class Host(App):
    """Opens `screen` on mount with the monitor's stylesheet; `results` is every value it
    was dismissed with."""

    CSS_PATH = APP_CSS

    def __init__(self, screen: Screen) -> None:
        super().__init__()
        self.first = screen
        self.results: list = []

    def on_mount(self) -> None:
        self.push_screen(self.first, callback=self.results.append)


class ScreenApp(App):
    """Opens `screen` on mount; `result` is what it was dismissed with."""

    def __init__(self, screen_factory) -> None:  # noqa: ANN001
        native = wants_native_ansi()  # the monitor's own theme choice (NO_COLOR, 16 colours)
        super().__init__(ansi_color=True if native else None)
        if native:
            self.theme = ANSI_THEME
        self.screen_factory = screen_factory
        self.result: object = "not dismissed"
        #: Every notification's message, oldest first (the screen's toasts).
        self.told: list[str] = []

    def notify(self, message: str, **kwargs) -> None:  # noqa: ANN003
        self.told.append(message)
        super().notify(message, **kwargs)

    def on_mount(self) -> None:
        self.push_screen(self.screen_factory(), callback=self._done)

    def _done(self, result: object) -> None:
        self.result = result
