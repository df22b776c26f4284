"""Helpers for the triage, history and stats tests: a seeded fleet as rows, a small app
that opens one screen and keeps what it was dismissed with."""

from __future__ import annotations

import json

from textual.app import App

from fleettui.core.store import FleetStore
from fleettui.sim.engine import Engine
from fleettui.sim.fleetgen import generate
from fleettui.ui.colours import ANSI_THEME, wants_native_ansi
from tests.support.sim import SIM_START


def seeded(vehicles: int = 300, seed: int = 1) -> tuple[Engine, FleetStore]:
    """An engine with a generated fleet on a frozen clock, and a store holding it."""
    engine = Engine(start=SIM_START, speed=0.0, seed=seed)
    generate(engine, vehicles, seed)
    store = FleetStore()
    store.apply(store.prepare(json.loads(engine.list_blob()), engine.now()))
    return engine, store


def refresh(engine: Engine, store: FleetStore):  # noqa: ANN201 - Prepared
    """One refresh of the store from the engine (the monitor's worker does the same)."""
    prepared = store.prepare(json.loads(engine.list_blob()), engine.now())
    store.apply(prepared)
    return prepared


class ScreenApp(App):
    """Opens `screen` on mount; `result` is what it was dismissed with."""

    def __init__(self, screen_factory) -> None:  # noqa: ANN001
        native = wants_native_ansi()  # the monitor's own theme choice (NO_COLOR, 16 colours)
        super().__init__(ansi_color=True if native else None)
        if native:
            self.theme = ANSI_THEME
        self.screen_factory = screen_factory
        self.result: object = "not dismissed"

    def on_mount(self) -> None:
        self.push_screen(self.screen_factory(), callback=self._done)

    def _done(self, result: object) -> None:
        self.result = result
