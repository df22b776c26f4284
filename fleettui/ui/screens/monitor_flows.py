"""What the main view asks of the pieces the app composes, which hold its dialogs and
workers: Protocols, so `MonitorScreen` names what it uses without importing the flows
(each of them imports the screen for its table and panes).
"""

from __future__ import annotations

from typing import Protocol

from fleettui.core.states import Action


class Writes(Protocol):
    """The dialogs and workers of a write (fleettui.ui.write_flow)."""

    def open_add(self) -> None: ...
    def start_delete(self, action: Action) -> None: ...


class Copies(Protocol):
    """Copy to the clipboard, export to a file (fleettui.ui.copy_export)."""

    def copy_vins(self) -> None: ...
    def copy_vehicle(self, what: str) -> None: ...
    def export(self) -> None: ...


class Triage(Protocol):
    """The triage board, statistics, changes, timelines (fleettui.ui.triage_flow)."""

    def open_triage(self) -> None: ...
    def open_stats(self) -> None: ...
    def list_changes(self) -> None: ...
    def want_timeline(self, vin: str | None) -> None: ...


class Pushes(Protocol):
    """Webhook push: its worker and its health panel (fleettui.ui.push_flow)."""

    def open_panel(self) -> None: ...
