"""HistoryStore: idempotence, migrations, corrupt/foreign/newer files, retention, size
bound, two processes writing at once."""

from __future__ import annotations

import multiprocessing
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from fleettui.history import schema
from fleettui.history.database_file import history_path
from fleettui.history.events import Event, event_key
from fleettui.history.profile_history import open_history
from fleettui.history.settings import HistorySettings, settings_from
from fleettui.history.store import HistoryStore

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def ev(
    vin: str,
    new: str,
    hours: float,
    reason: str | None = None,
    old: str | None = None,
    source: str = "changelog",
) -> Event:
    at = T0 + timedelta(hours=hours)
    return Event(vin, new, at, at, old, reason, "bmw", source)


def test_the_same_changelog_entry_twice_is_stored_once(tmp_path):
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        events = [ev("V1", "pending", 0), ev("V1", "approved", 5, old="pending")]
        assert store.record_events(events) == 2
        assert store.record_events(events) == 0
        # Seen as a live diff first, then again in the changelog: still one row.
        diff = Event("V2", "rejected", T0, T0, "pending", "invalid VIN", "bmw", "diff")
        assert store.record_events([diff]) == 1
        assert store.record_events([ev("V2", "rejected", 0, "invalid VIN")]) == 0
        assert store.count() == 3
        assert [e.source for e in store.events(vin="V2")] == ["diff"]
        assert store.events(vin="V2")[0].old == "pending"


def test_webhook_deliveries_dedupe_by_delivery_id(tmp_path):
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        args = ("V1", "pending", "rejected", "privacy mode is enabled", T0, "webhook")
        assert store.record_event(*args, key="delivery-1") is True
        assert store.record_event(*args, key="delivery-1") is False
        assert store.record_event(*args, key="delivery-2") is True
        [first, _] = store.events(vin="V1")
        assert (first.old, first.new, first.source, first.at) == (
            "pending",
            "rejected",
            "webhook",
            None,
        )


def test_keys_ignore_sub_second_differences_but_not_reasons():
    a = event_key("V", "pending", T0, "x")
    assert a == event_key("V", "pending", T0 + timedelta(microseconds=300), "x")
    assert a != event_key("V", "pending", T0, "y")
    assert a != event_key("V", "pending", T0 + timedelta(seconds=1), "x")


def _v1_database(path: Path) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
    for statement in schema.MIGRATIONS[1]:
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.execute(
        "INSERT INTO events (vin, at, seen_at, old_state, new_state, reason, source, key)"
        " VALUES ('OLD1', ?, ?, NULL, 'pending', NULL, 'changelog', 42)",
        (T0.timestamp(), T0.timestamp()),
    )
    conn.close()


def test_a_version_1_file_is_migrated_and_keeps_its_events(tmp_path):
    path = tmp_path / "h.sqlite3"
    _v1_database(path)
    with HistoryStore(path) as store:
        assert store.available and store.notes == []
        [old] = store.events(vin="OLD1")
        assert old.brand == "" and old.new == "pending"
        store.record_events([ev("NEW1", "pending", 1)])
        assert store.events(vin="NEW1")[0].brand == "bmw"
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
    conn.close()


def test_a_corrupt_file_is_moved_aside_with_a_note_and_a_new_one_started(tmp_path):
    path = tmp_path / "h.sqlite3"
    path.write_bytes(b"this is not a database, just bytes " * 200)
    with HistoryStore(path) as store:
        assert store.available
        assert len(store.notes) == 1 and "could not be read" in store.notes[0]
        assert "moved to" in store.notes[0]
        assert store.record_events([ev("V1", "pending", 0)]) == 1
    [aside] = tmp_path.glob("h.sqlite3.corrupt-*")
    assert aside.read_bytes().startswith(b"this is not a database")


def test_a_foreign_database_is_moved_aside_not_written_into(tmp_path):
    path = tmp_path / "h.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER)")
    conn.commit()
    conn.close()
    with HistoryStore(path) as store:
        assert store.available and "is not fleettui's history" in store.notes[0]
    [aside] = tmp_path.glob("h.sqlite3.foreign-*")
    conn = sqlite3.connect(aside)
    assert conn.execute("SELECT name FROM sqlite_master").fetchall() == [("invoices",)]
    conn.close()


def test_a_file_from_a_newer_fleettui_is_left_untouched(tmp_path):
    path = tmp_path / "h.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 99")
    conn.execute("CREATE TABLE future (x)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    store = HistoryStore(path)
    assert not store.available and "newer fleettui" in store.notes[0]
    assert store.record_events([ev("V1", "pending", 0)]) == 0 and store.events() == []
    store.close()
    assert path.read_bytes() == before and not list(tmp_path.glob("*.corrupt-*"))


def test_retention_and_size_bound_prune_the_oldest(tmp_path):
    settings = HistorySettings(retention_days=30, max_events=1000)
    with HistoryStore(tmp_path / "h.sqlite3", settings=settings) as store:
        old = [ev(f"OLD{i:03d}", "pending", -24 * 40 - i) for i in range(10)]
        recent = [ev(f"NEW{i:04d}", "pending", i * 0.01) for i in range(1200)]
        store.record_events(old + recent)
        removed = store.prune(T0 + timedelta(days=1))
        assert removed == 10 + 200
        left = store.events()
        assert len(left) == 1000 and left[0].vin == "NEW0200"


def test_settings_with_bad_values_fall_back_with_a_note():
    s = settings_from({"retention_days": "lots", "max_events": 5, "enabled": "yes"})
    assert (s.retention_days, s.max_events, s.enabled) == (90, 1_000_000, True)
    assert len(s.notes) == 3
    assert [
        k in n for k, n in zip(("enabled", "retention_days", "max_events"), s.notes, strict=True)
    ] == [True, True, True]
    assert settings_from({"retention_days": 7}).retention_days == 7
    assert not settings_from({"enabled": False}).enabled


def test_disabled_history_records_nothing(tmp_path):
    store = HistoryStore(tmp_path / "h.sqlite3", settings=HistorySettings(enabled=False))
    assert not store.available and store.record_events([ev("V", "pending", 0)]) == 0
    store.close()
    assert not (tmp_path / "h.sqlite3").exists()


def test_per_profile_files_in_the_data_dir_and_another_server_starts_afresh(isolated_dirs):
    a = open_history("prod", "https://api.example.com")
    a.record_events([ev("V1", "pending", 0)])
    a.close()
    assert history_path("prod").parent == Path(isolated_dirs["data"]) / "history"
    assert history_path("prod") != history_path("sandbox")
    again = open_history("prod", "https://api.example.com")
    assert again.count() == 1 and again.notes == []
    again.close()
    moved = open_history("prod", "https://other.example.com")
    assert moved.count() == 0 and "belongs to another server" in moved.notes[0]
    moved.close()
    assert list(history_path("prod").parent.glob("*.other-server-*"))


def test_demo_history_leaves_nothing_on_disk_yet_records(isolated_dirs, tmp_path, monkeypatch):
    """The demo's history is unlinked as soon as it is open, so however the process ends
    (a SIGKILL: tests/monitor/test_app_exit.py) nothing is left in the temporary or data
    directory; the open connection still records, rolls back and answers all run long."""
    import tempfile

    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    store = open_history("demo", demo=True)
    try:
        assert store.available and store.path is None, store.notes
        assert list(temp.iterdir()) == []
        assert store.record_events([ev("V1", "pending", 0), ev("V1", "approved", 1, "x")]) == 2
        with pytest.raises(RuntimeError), store._write() as conn:  # a failed write...
            assert conn is not None
            conn.execute("DELETE FROM events")
            raise RuntimeError
        assert [e.new for e in store.events(vin="V1")] == ["pending", "approved"]  # ...undone
        assert store.prune(T0 + timedelta(days=10_000)) == 2
        assert store.record_events([ev("V2", "pending", 0)]) == 1 and store.count() == 1
        assert list(temp.iterdir()) == []
        assert [p for p in Path(isolated_dirs["data"]).rglob("*") if p.is_file()] == []
    finally:
        store.close()
    assert list(temp.iterdir()) == []


def _writer(path: str, start: int, count: int) -> int:
    """One process's share: overlapping VIN ranges, one small transaction per event."""
    store = HistoryStore(Path(path))
    added = 0
    for i in range(start, start + count):
        added += store.record_events([ev(f"V{i:05d}", "pending", i / 100)])
    store.close()
    return added


def test_two_processes_write_the_same_file_at_once(tmp_path):
    path = str(tmp_path / "h.sqlite3")
    HistoryStore(Path(path)).close()  # created (and migrated) before the race
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(2) as pool:
        results = pool.starmap(_writer, [(path, 0, 300), (path, 150, 300)])
    with HistoryStore(Path(path)) as store:
        assert store.count() == 450  # the 150 shared events are stored once
        assert store.notes == []
    assert sum(results) == 450


def _opener(path: str) -> int:
    store = HistoryStore(Path(path))
    n = store.record_events([ev("SAME", "pending", 0)])
    store.close()
    return n


def test_two_processes_creating_the_file_at_once_both_succeed(tmp_path):
    path = str(tmp_path / "fresh.sqlite3")
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(2) as pool:
        results = pool.map(_opener, [path, path])
    assert sorted(results) == [0, 1]
    with HistoryStore(Path(path)) as store:
        assert store.count() == 1 and not list(tmp_path.glob("*.corrupt-*"))


@pytest.mark.parametrize("text", ["x" * 5000, "bad\x1b[2Jreason"])
def test_provider_text_is_kept_as_data_and_bounded(tmp_path, text):
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        store.record_events([ev("V1", "pending", 0, reason=text)])
        [e] = store.events()
        assert e.reason == text[:300]


def _locked_for(times: int, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Opening the file answers "database is locked" `times` times (another process
    holds it while it creates or migrates it), then opens it for real."""
    from fleettui.history import database_file

    real = database_file._connect_once
    tries: list[int] = []

    def once(path: Path) -> sqlite3.Connection:
        tries.append(1)
        if len(tries) <= times:
            raise sqlite3.OperationalError("database is locked")
        return real(path)

    monkeypatch.setattr(database_file, "_connect_once", once)
    return tries


def test_a_file_another_process_holds_for_a_moment_is_opened_not_moved_aside(tmp_path, monkeypatch):
    path = tmp_path / "h.sqlite3"
    with HistoryStore(path) as store:
        store.record_events([ev("KEPT", "pending", 0)])
    tries = _locked_for(2, monkeypatch)
    with HistoryStore(path) as store:
        assert store.available and store.notes == []
        assert store.count() == 1
    assert len(tries) == 3
    assert list(tmp_path.glob("*.corrupt-*")) == []


def test_a_file_that_stays_locked_turns_history_off_and_is_left_as_it_is(tmp_path, monkeypatch):
    path = tmp_path / "h.sqlite3"
    with HistoryStore(path) as store:
        store.record_events([ev("KEPT", "pending", 0)])
    _locked_for(1_000, monkeypatch)
    store = HistoryStore(path)
    assert not store.available
    assert len(store.notes) == 1 and "another fleettui process holds it" in store.notes[0]
    assert list(tmp_path.glob("*.corrupt-*")) == []
    monkeypatch.undo()
    with HistoryStore(path) as again:
        assert again.count() == 1
