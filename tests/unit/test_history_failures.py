"""The history when writes fail (issue 21): another process holding the database locked,
a full disk. Real failures (a real lock, a real full filesystem or SQLite's own page
limit), not mocks of their messages: nothing a write held is lost, each cause is said
once, and the store goes on."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from fleettui.history import database_file, write_backlog
from fleettui.history.events import Event
from fleettui.history.store import HistoryStore

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def events(n: int, tag: str, reason_size: int = 10) -> list[Event]:
    out = []
    for i in range(n):
        at = T0 + timedelta(seconds=i)
        out.append(
            Event(
                f"WBA{tag}{i:010d}",
                "rejected",
                at,
                at,
                "pending",
                f"{tag}-" + "r" * reason_size,
                "bmw",
                "diff",
            )
        )
    return out


def stored(path: Path) -> int:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return conn.execute("SELECT count(*) FROM events").fetchone()[0]


def test_a_locked_database_loses_nothing_and_says_so_once(tmp_path, monkeypatch):
    monkeypatch.setattr(database_file, "BUSY_TIMEOUT_MS", 50)  # fail fast, not after 5 s
    path = tmp_path / "h.sqlite3"
    with HistoryStore(path) as store:
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")  # another process's long transaction
        try:
            for tag in ("A", "B", "C"):
                assert store.record_events(events(10, tag)) == 0
            assert store.unwritten == 30
        finally:
            other.execute("COMMIT")
            other.close()
        assert store.record_events(events(5, "D")) == 35  # everything missed, and its own
        assert store.unwritten == 0
        failed = [n for n in store.notes if "a write failed" in n]
        assert len(failed) == 1 and "database is locked" in failed[0]
        assert any("after 3 failed writes" in n and "30 change(s)" in n for n in store.notes)
    assert stored(path) == 35


def test_kept_changes_are_bounded_oldest_dropped_first_and_said(tmp_path, monkeypatch):
    monkeypatch.setattr(database_file, "BUSY_TIMEOUT_MS", 20)
    monkeypatch.setattr(write_backlog, "MAX_PENDING", 25)
    path = tmp_path / "h.sqlite3"
    with HistoryStore(path) as store:
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")
        try:
            store.record_events(events(20, "A"))
            store.record_events(events(20, "B"))
            assert store.unwritten == 25
        finally:
            other.execute("COMMIT")
            other.close()
        assert any("15 of the oldest unwritten changes were dropped" in n for n in store.notes)
        assert store.record_events(events(1, "C")) == 26
    with contextlib.closing(sqlite3.connect(path)) as conn:
        vins = {r[0] for r in conn.execute("SELECT vin FROM events")}
    assert all(f"WBAB{i:010d}" in vins for i in range(20))  # the newest kept
    assert sum(v.startswith("WBAA") for v in vins) == 5


def _fill_until_full(store: HistoryStore, writes: int) -> int:
    """Writes until five have failed (at most `writes`); how many failed."""
    failures = 0
    for i in range(writes):
        if store.record_events(events(200, f"F{i:04d}", reason_size=400)) == 0:
            failures += 1
            if failures == 5:
                break
    return failures


def _check_full(store: HistoryStore, where: Path) -> None:
    full = [n for n in store.notes if "disk is full" in n]
    assert len(full) == 1, store.notes  # once, however many writes failed
    assert f"free space at {where}" in full[0]
    assert not any("cannot rollback" in n for n in store.notes)
    assert not any("a write failed" in n for n in store.notes)


@contextlib.contextmanager
def tiny_filesystem(where: Path, size: str) -> Iterator[Path]:
    """A tmpfs of `size` mounted at `where` (root only); skips the test otherwise."""
    where.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small tmpfs needs root")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True, check=False)


def test_a_full_filesystem_is_named_once_with_the_fix_and_writing_resumes(tmp_path):
    with tiny_filesystem(tmp_path / f"small-{uuid.uuid4().hex[:6]}", "4m") as mount:
        (mount / "ballast").write_bytes(b"\0" * 3_000_000)  # someone else's file
        path = mount / "h.sqlite3"
        store = HistoryStore(path)
        try:
            assert store.available
            failures = _fill_until_full(store, 200)
            assert failures == 5  # the disk really filled up, and stayed full
            _check_full(store, mount)
            kept = store.unwritten
            assert kept == 5 * 200
            (mount / "ballast").unlink()  # room again: the next write stores everything kept
            assert store.record_events(events(1, "Z")) == kept + 1
            assert any("writing works again" in n for n in store.notes)
        finally:
            store.close()


def test_a_full_database_by_sqlites_page_limit_is_the_same_story(tmp_path):
    """Where no filesystem can be mounted: SQLite's max_page_count gives the same real
    SQLITE_FULL ("database or disk is full") from the same code path."""
    path = tmp_path / "h.sqlite3"
    with HistoryStore(path) as store:
        assert store._conn is not None
        pages = store._conn.execute("PRAGMA page_count").fetchone()[0]
        store._conn.execute(f"PRAGMA max_page_count = {pages + 20}")
        failures = _fill_until_full(store, 30)
        assert failures >= 5
        _check_full(store, tmp_path)
        kept = store.unwritten
        store._conn.execute("PRAGMA max_page_count = 1000000")
        assert store.record_events(events(1, "Z")) == kept + 1
    assert stored(path) >= kept + 1
