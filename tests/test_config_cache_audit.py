"""Snapshot cache and audit log: round trips, robustness, permissions, append safety."""

from __future__ import annotations

import json
import os
import stat
import threading
import time
from datetime import UTC, datetime

from fleettui.config.audit import AuditResult, read_audit, record_write
from fleettui.config.cache import (
    load_snapshot,
    read_snapshot,
    save_snapshot,
    snapshot_path,
)
from fleettui.config.paths import audit_file

WHEN = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def _vehicle(i: int) -> dict:
    return {"vin": f"WVWZZZ1JZ{i:08d}", "status": "pending", "brand": "volkswagen",
            "tags": {"vw-group-customer-name": "acme"},
            "changelog": [{"timestamp": "2026-11-01T10:00:00Z", "status": "pending",
                           "reason": "waiting"}]}


def test_snapshot_round_trip_and_mode():
    vehicles = [_vehicle(i) for i in range(5)]
    path = save_snapshot("sim", "http://127.0.0.1:1/", vehicles, WHEN)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    snap = load_snapshot("sim", "http://127.0.0.1:1")
    assert snap is not None
    assert snap.vehicles == vehicles and snap.fetched_at == WHEN and snap.profile == "sim"
    assert os.listdir(path.parent) == [path.name]


def test_missing_snapshot_is_none_without_note():
    assert read_snapshot("nothing") == (None, None)


def test_corrupt_foreign_and_mismatched_files_are_ignored_with_a_note():
    path = snapshot_path("sim")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"{not json")
    snap, note = read_snapshot("sim")
    assert snap is None and "corrupt" in note
    path.write_text(json.dumps({"format": 99, "vehicles": []}))
    assert "not a fleettui snapshot" in read_snapshot("sim")[1]
    path.write_text(json.dumps([1, 2]))
    assert read_snapshot("sim")[0] is None
    save_snapshot("sim", "http://a", [], WHEN)
    snap, note = read_snapshot("sim", "http://b")
    assert snap is None and "another server" in note
    # another profile's file copied over ours
    save_snapshot("other", "http://a", [], WHEN)
    snapshot_path("sim").write_bytes(snapshot_path("other").read_bytes())
    assert "another profile" in read_snapshot("sim")[1]
    path.write_text(json.dumps({"format": 1, "profile": "sim", "base_url": "http://a"}))
    assert "incomplete" in read_snapshot("sim")[1]


def test_odd_profile_names_make_safe_distinct_files():
    a, b = snapshot_path("a/b"), snapshot_path("a_b")
    assert a != b and "/" not in a.name


def test_snapshot_of_100k_vehicles_is_fast():
    vehicles = [_vehicle(i) for i in range(100_000)]
    # CPU time of this process (about 1.3 s here), so a busy machine doesn't fail it.
    t0 = time.process_time()
    save_snapshot("big", "http://a", vehicles, WHEN)
    snap = load_snapshot("big", "http://a")
    assert snap is not None and len(snap.vehicles) == 100_000
    assert time.process_time() - t0 < 5.0


def test_audit_lines_have_every_field():
    record_write("sim", "cancel", ["V1", "V2"],
                 [AuditResult("V1", True, "canceling"), AuditResult("V2", False, "not supported")],
                 when=WHEN)
    entries = read_audit()
    assert entries == [{
        "time": "2026-11-01T12:00:00Z", "user": entries[0]["user"], "profile": "sim",
        "action": "cancel", "vins": ["V1", "V2"],
        "results": [{"vin": "V1", "ok": True, "message": "canceling"},
                    {"vin": "V2", "ok": False, "message": "not supported"}],
    }]
    assert entries[0]["user"]
    assert stat.S_IMODE(os.stat(audit_file()).st_mode) == 0o600


def test_audit_user_falls_back(monkeypatch):
    import getpass

    def boom():
        raise OSError("no user")

    monkeypatch.setattr(getpass, "getuser", boom)
    record_write("p", "add", ["V"], [AuditResult("V", True)])
    assert read_audit()[0]["user"].startswith(("uid:", "unknown"))


def test_concurrent_appends_do_not_interleave():
    def writer(n: int) -> None:
        for i in range(50):
            record_write("p", "revoke", [f"V{n}-{i}"] * 20, [AuditResult(f"V{n}-{i}", True, "x" * 200)])

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lines = audit_file().read_text().splitlines()
    assert len(lines) == 200
    assert all(json.loads(line)["action"] == "revoke" for line in lines)


def test_unreadable_cache_message_names_the_profile_and_the_problem():
    from fleettui.config.cache import unreadable_message

    path = snapshot_path("sim")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"{not json")
    snap, note = read_snapshot("sim")
    message = unreadable_message("sim", note)
    assert message.startswith("The cached fleet for profile sim could not be read (")
    assert "corrupt" in message and message.endswith("it will be replaced at the next refresh.")
    assert "; ignored" not in message  # one sentence, not a log line in brackets
