"""Export exactly the rows the filter shows to a CSV file at a path the user types."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from fleettui.config.paths import ensure_dir, export_dir
from fleettui.core.fleet_csv import write_vehicles
from fleettui.core.vehicle import Vehicle


def default_export_path(now: datetime, folder: Path | None = None) -> Path:
    """A new file in the export folder (`fleettui.config.paths.export_dir`, created when
    missing); `now` should be the local wall clock (the user finds the file by their
    own time)."""
    if folder is None:
        folder = export_dir()
        with contextlib.suppress(OSError):  # the screen says it is missing; type another
            ensure_dir(folder)
    return folder / f"fleet-{now.strftime('%Y%m%d-%H%M%S')}.csv"


def write_csv(path: Path, vehicles: Iterable[Vehicle], now: datetime) -> int:
    """The fleet CSV (`fleettui.core.fleet_csv`, the shape of `list --csv`) of the
    vehicles in the given order; returns how many rows were written."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        return write_vehicles(vehicles, now, fh)


def csv_text(vehicles: Iterable[Vehicle], now: datetime) -> tuple[str, int]:
    """The same CSV as a string (for a browser download) and its row count."""
    buffer = io.StringIO(newline="")
    count = write_vehicles(vehicles, now, buffer)
    return buffer.getvalue(), count


class ExportScreen(ModalScreen[Path | None]):
    """Ask where to write; dismisses with the chosen path (not yet written) or None."""

    DEFAULT_CSS = """
    ExportScreen { align: center middle; }
    #export-box {
        width: 76; max-width: 100%; height: auto;
        border: thick $primary; padding: 0 1; background: $surface;
    }
    """

    BINDINGS = [Binding("escape", "cancel", "Back")]

    def __init__(self, default: Path, rows: int, what: str | None = None) -> None:
        super().__init__()
        self.default = default
        self.rows = rows
        #: What is exported, for the title (default: "the N rows shown").
        self.what = what or f"the {rows} rows shown"
        self._confirmed_overwrite: Path | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="export-box"):
            yield Label(Text(f"Export {self.what} to CSV", style="bold"))
            yield Label("File path (Enter writes, Escape goes back):")
            yield Input(value=str(self.default), id="export-path")
            yield Static("", id="export-error")

    def on_mount(self) -> None:
        self.query_one("#export-path", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if not text:
            self.query_one("#export-error", Static).update(Text("Type a file path.", style="red"))
            return
        path = Path(text).expanduser().absolute()
        if path.is_dir():
            path = path / self.default.name
        if not path.parent.exists():
            self.query_one("#export-error", Static).update(
                Text(f"Folder {path.parent} does not exist.", style="red")
            )
            return
        if path.exists() and path != self._confirmed_overwrite:
            self._confirmed_overwrite = path
            self.query_one("#export-error", Static).update(
                Text(f"{path} exists; Enter again replaces it.", style="yellow")
            )
            return
        self.dismiss(path)

    def action_cancel(self) -> None:
        self.dismiss(None)
