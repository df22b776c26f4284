"""The rows of history writes that failed (the database locked by another process, the
disk full), kept in order to be written by the next write that succeeds, and the notes
that say so: one per cause, not one per failed write."""

from __future__ import annotations

import sqlite3
from pathlib import Path

#: Changes kept in memory while writes fail, written by the next write that succeeds.
#: Past this (~15 MB), the oldest are dropped, and that is said.
MAX_PENDING = 50_000


class WriteBacklog:
    def __init__(self, notes: list[str], path: Path | None) -> None:
        #: The store's notes (the same list): what happened and what to do.
        self.notes = notes
        self._path = path
        #: Rows of writes that failed, in order, to be written by the next one.
        self.rows: list[tuple] = []
        #: Failed writes since the last good one, and their cause (for one note, not many).
        self._failures = 0
        self._failure_cause: str | None = None

    def failed(self, error: sqlite3.Error) -> None:
        """One note per cause, not one per failed write: the first failure says what
        happened and what to do; the next good write says how many failed."""
        self._failures += 1
        full = getattr(error, "sqlite_errorname", "") == "SQLITE_FULL" or "full" in str(error)
        cause = "full" if full else str(error)
        if cause == self._failure_cause:
            return
        self._failure_cause = cause
        where = self._path.parent if self._path is not None else "the history's folder"
        if full:
            self.notes.append(
                f"History: the disk is full ({error}): free space at {where}. Changes "
                "are kept in memory and written as soon as there is room; fleettui goes on."
            )
        else:
            self.notes.append(
                f"History: a write failed ({error}); its changes are kept in memory and "
                "written with the next write that succeeds."
            )

    def written(self) -> None:
        """A write succeeded, carrying the kept rows with it."""
        carried = len(self.rows)
        self.rows = []
        if self._failures:
            self.notes.append(
                f"History: writing works again after {self._failures} failed "
                f"write{'s' if self._failures != 1 else ''}; the {carried} change(s) they "
                "held are stored now."
            )
        self._failures = 0
        self._failure_cause = None

    def keep(self, batch: list[tuple]) -> None:
        """A write of `batch` (the kept rows and its own) failed: keep it, the oldest
        dropped past MAX_PENDING, and say so."""
        over = len(batch) - MAX_PENDING
        if over > 0:
            self.notes.append(
                f"History: {over} of the oldest unwritten changes were dropped "
                f"(writes kept failing; at most {MAX_PENDING:,} are kept)."
            )
            batch = batch[over:]
        self.rows = batch
