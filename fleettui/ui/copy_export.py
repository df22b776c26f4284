"""Copy and export: the actions that take the monitor's data out of it (VINs and a
vehicle to the clipboard and a file, the view to a CSV file or a browser download).
A helper the app composes (not a mixin), beside the write flow.

Building and writing a CSV run on a thread worker; in a browser (`fleettui serve`) the
file is a download, never a file on the server's disk.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App

from fleettui.core.rows import Row
from fleettui.core.support_text import support_text, vehicle_json_text
from fleettui.core.text import clean
from fleettui.monitor.controller import Monitor
from fleettui.monitor.deletes import no_target
from fleettui.monitor.updates import Notice

if TYPE_CHECKING:
    from fleettui.ui.screens.monitor import MonitorScreen

#: The `name` of an export's delivery to the browser (its DeliveryFailed is ours).
EXPORT_DELIVERY = "fleettui-export"


class CopyExport:
    """`notify` is the app's notification path for a notice; `screen` the main view (the
    table's cursor)."""

    def __init__(
        self,
        app: App[None],
        monitor: Monitor,
        screen: MonitorScreen,
        notify: Callable[[Notice], None],
    ) -> None:
        self.app = app
        self.monitor = monitor
        self.screen = screen
        self.notify = notify

    def copy_vins(self) -> None:
        marked = sorted(self.monitor.marked)
        if marked:
            text = "\n".join(marked)
            what = f"{len(marked)} marked VINs"
        else:
            current = self.screen.current_vehicle()
            if current is None:
                self.notify(no_target())
                return
            text = what = current.vin
        self.app.copy_to_clipboard(text)
        # In a browser (`fleettui serve`) the page turns the same OSC 52 into a clipboard write.
        where = (
            "the browser's clipboard"
            if self.app.is_web
            else "the clipboard (terminal clipboard, OSC 52)"
        )
        self.app.notify(f"Copied {clean(what)} to {where}.", markup=False)

    def copy_vehicle(self, what: str) -> None:
        """`support`: the fields the provider's support asks for, as text; `json`: the
        vehicle as `fleettui list --json` prints it. To the terminal clipboard (OSC 52)
        and, since not every terminal passes that on, to a file whose full path is said."""
        vehicle = self.screen.current_vehicle()
        if vehicle is None:
            self.notify(no_target())
            return
        now = self.monitor.clock()
        if what == "json":
            text, suffix, label = vehicle_json_text(vehicle, now), "json", "as JSON"
        else:
            text = support_text(
                vehicle,
                now,
                environment=self.monitor.environment,
                profile=self.monitor.account_name,
            )
            suffix, label = "txt", "for support"
        self.app.copy_to_clipboard(text)
        from fleettui.ui.screens.export import default_export_path

        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        path = default_export_path(datetime.now()).with_name(
            f"{clean(vehicle.vin)}-{'support' if suffix == 'txt' else 'vehicle'}-{stamp}.{suffix}"
        )
        try:
            path.write_text(text, encoding="utf-8")
            where = f" and saved to {path.absolute()}"
        except OSError as exc:
            where = f" (not saved to a file: {exc.strerror or exc})"
        self.notify(
            Notice(
                f"Copied {clean(vehicle.vin)} {label} to the terminal clipboard (OSC 52){where}",
                timeout=8,
                kind="copy",
            )
        )

    def export(self) -> None:
        from fleettui.ui.screens.export import ExportScreen, default_export_path

        # The rows shown now, in order, are what the dialog counts and what is written,
        # whatever a refresh does while it is open.
        rows, now = list(self.monitor.store.view.rows), self.monitor.clock()
        if not rows:
            self.app.notify(
                "Nothing to export: the filter shows no vehicles.", severity="warning", markup=False
            )
            return
        # The file is named for the user's own clock, not the provider's (or the demo's).
        if self.app.is_web:
            # In a browser the file belongs on the user's machine: a download, never a file
            # on the server's disk (and no path of the server to type).
            name = default_export_path(datetime.now(), folder=Path()).name
            self.app.run_worker(
                partial(self._deliver_export, name, rows, now),
                thread=True,
                group="export",
                exit_on_error=False,
            )
            return
        self.app.push_screen(
            ExportScreen(default_export_path(datetime.now()), len(rows)),
            callback=partial(self._export_to, rows=rows, now=now),
        )

    def _export_to(self, path: Path | None, rows: list[Row], now: datetime) -> None:
        if path is not None:  # parsing and writing run on a worker
            self.app.run_worker(
                partial(self._write_export, path, rows, now),
                thread=True,
                group="export",
                exit_on_error=False,
            )

    def _deliver_export(self, name: str, rows: list[Row], now: datetime) -> None:
        """Worker thread: build the CSV, then hand it to the browser from the UI thread."""
        from fleettui.ui.screens.export import csv_text

        text, count = csv_text((row.vehicle for row in rows), now)
        self.app.call_from_thread(self._deliver, name, text, count)

    def _deliver(self, name: str, text: str, count: int) -> None:
        self.app.deliver_text(
            io.StringIO(text),
            save_filename=name,
            mime_type="text/csv",
            encoding="utf-8",
            name=EXPORT_DELIVERY,
        )
        self.app.notify(f"Exported {count} rows: your browser downloads {name}", markup=False)

    def delivery_failed(self, name: str | None, exception: BaseException | None) -> None:
        if name == EXPORT_DELIVERY:
            why = f": {exception}" if exception else ""
            self.app.notify(
                f"The download failed{why}. Press e to try again.", severity="error", markup=False
            )

    def _write_export(self, path: Path, rows: list[Row], now: datetime) -> None:
        from fleettui.ui.screens.export import write_csv

        full = path.expanduser().absolute()
        try:
            count = write_csv(full, (row.vehicle for row in rows), now)
        except OSError as exc:
            self.app.notify(
                f"Could not write {full}: {exc.strerror or exc}", severity="error", markup=False
            )
            return
        self.notify(Notice(f"Wrote {count} rows to {full}", kind="export"))
