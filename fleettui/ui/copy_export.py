"""Copy the VIN (or the marked VINs) to the terminal clipboard, and export the rows the
filter shows to CSV (written on a worker)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from textual import work

from fleettui.core.text import clean
from fleettui.ui.screens.export import ExportScreen, default_export_path, write_csv


class CopyExportMixin:
    """Part of the app's actions; expects .store, .clock, .marked_vins, .current_vehicle."""

    def action_copy_vin(self) -> None:
        marked = sorted(self.marked_vins())
        if marked:
            text = "\n".join(marked)
            what = f"{len(marked)} marked VINs"
        else:
            current = self.current_vehicle()
            if current is None:
                self.notify("No vehicle under the cursor.", severity="warning", markup=False)
                return
            text = what = current.vin
        self.copy_to_clipboard(text)
        self.notify(f"Copied {clean(what)} to the clipboard (terminal clipboard, OSC 52).", markup=False)

    def action_export(self) -> None:
        shown = len(self.store)
        if shown == 0:
            self.notify("Nothing to export: the filter shows no vehicles.", severity="warning",
                        markup=False)
            return
        # The file is named for the user's own clock, not the provider's (or the demo's).
        self.push_screen(ExportScreen(default_export_path(datetime.now()), shown),
                         callback=self._export_to)

    def _export_to(self, path: Any) -> None:
        if path is not None:
            # The rows shown right now, in order; parsing and writing run on a worker.
            self._export_worker(path, list(self.store.view.rows), self.clock())

    @work(thread=True, exit_on_error=False, group="export")
    def _export_worker(self, path: Any, rows: list, now: Any) -> None:
        try:
            count = write_csv(path, (row.vehicle for row in rows), now)
        except OSError as exc:
            self.notify(f"Could not write {path}: {exc.strerror or exc}", severity="error",
                        markup=False)
            return
        self.notify(f"Wrote {count} rows to {path}", markup=False)
