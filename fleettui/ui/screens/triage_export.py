"""A triage queue's message out of the board: copied to the clipboard (y) or its
vehicles exported to a CSV file (e). A helper the triage screen composes (not a mixin).

The full message and the CSV are built on thread workers (a large queue's message is
long); the screen keeps its keys and says which queue.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from textual.screen import Screen

from fleettui.triage.board import Queue
from fleettui.triage.messages import message_csv, message_text
from fleettui.ui.screens.export import ExportScreen, default_export_path


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")[:40] or "queue"


class QueueExport:
    def __init__(self, screen: Screen[Any]) -> None:
        self.screen = screen  # the TriageScreen (it imports this module)

    def copy(self, q: Queue, now: datetime) -> None:
        self.screen.run_worker(
            partial(self._copy, q, now), thread=True, group="triage-copy", exit_on_error=False
        )

    def _copy(self, q: Queue, now: datetime) -> None:  # on the worker's thread
        text = message_text(q, now)
        self.screen.app.call_from_thread(self._copied, q, text)

    def _copied(self, q: Queue, text: str) -> None:
        self.screen.app.copy_to_clipboard(text)
        self.screen.notify(
            f"Copied the message for {q.count} vehicle{'s' if q.count != 1 else ''} "
            f"({len(text.splitlines())} lines) to the clipboard (terminal clipboard, "
            "OSC 52). Large queues: export the CSV (e).",
            markup=False,
        )

    def export_csv(self, q: Queue) -> None:
        # The export folder, as for the table's export; named for the queue and local time.
        fleet_default = default_export_path(datetime.now())
        name = f"triage-{_slug(q.title)}-{datetime.now():%Y%m%d-%H%M%S}.csv"
        what = f"the {q.count} vehicle{'s' if q.count != 1 else ''} of this queue"
        self.screen.app.push_screen(
            ExportScreen(fleet_default.with_name(name), q.count, what),
            callback=lambda path: self._export_to(q, path),
        )

    def _export_to(self, q: Queue, path: Path | None) -> None:
        if path is not None:
            self.screen.run_worker(
                partial(self._write_csv, q, path),
                thread=True,
                group="triage-export",
                exit_on_error=False,
            )

    def _write_csv(self, q: Queue, path: Path) -> None:  # on the worker's thread
        app, notify = self.screen.app, self.screen.notify
        try:
            path.write_text(message_csv(q), encoding="utf-8")
        except OSError as exc:
            app.call_from_thread(
                notify,
                f"Could not write {path}: {exc.strerror or exc}",
                severity="error",
                markup=False,
            )
            return
        app.call_from_thread(notify, f"Wrote {q.count} vehicles to {path}", markup=False)
