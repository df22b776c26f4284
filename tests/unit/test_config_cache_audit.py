"""Snapshot cache and audit log: round trips, robustness, permissions, append safety."""

from __future__ import annotations

import json
import os
import stat
import threading
from datetime import UTC, datetime

from fleettui.config.audit import AuditResult, read_audit, record_write
from fleettui.config.cache import save_snapshot, snapshot_path
from fleettui.config.cache_read import load_snapshot, read_snapshot
from fleettui.config.paths import audit_file
from fleettui.core.rows import expand

WHEN = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def _vehicle(i: int) -> dict:
    return {
        "vin": f"WVWZZZ1JZ{i:08d}",
        "status": "pending",
        "brand": "volkswagen",
        "tags": {"vw-group-customer-name": "acme"},
        "changelog": [
            {"timestamp": "2026-11-01T10:00:00Z", "status": "pending", "reason": "waiting"}
        ],
    }


def test_snapshot_round_trip_and_mode():
    vehicles = [_vehicle(i) for i in range(5)]
    path = save_snapshot("sim", "http://127.0.0.1:1/", vehicles, WHEN)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    snap = load_snapshot("sim", "http://127.0.0.1:1")
    assert snap is not None
    assert [expand(v) for v in snap.vehicles] == vehicles
    assert snap.fetched_at == WHEN and snap.profile == "sim"
    assert os.listdir(path.parent) == [path.name]


def test_snapshot_is_a_line_per_thousand_vehicles_in_the_compact_form():
    from fleettui.core.store import FleetStore

    vehicles = [_vehicle(i) for i in range(2_500)]
    vehicles[7] = {**vehicles[7], "extra": 1}  # an odd shape is kept as the API object
    store = FleetStore()
    store.apply(store.prepare(vehicles, WHEN))
    path = save_snapshot("sim", "http://a", store.snapshot.order, WHEN)
    lines = path.read_bytes().splitlines()
    assert json.loads(lines[0])["format"] == 3 and json.loads(lines[0])["count"] == 2_500
    assert json.loads(lines[1]) == []  # no first screen given
    assert [len(json.loads(line)) for line in lines[2:]] == [1_000, 1_000, 500]
    assert json.loads(lines[2])[0] == [
        "WVWZZZ1JZ00000000",
        "pending",
        "volkswagen",
        {"vw-group-customer-name": "acme"},
        [["2026-11-01T10:00:00Z", "pending", "waiting"]],
    ]
    snap, note = read_snapshot("sim", "http://a")
    assert note is None and len(snap.vehicles) == 2_500
    kept = [v for v in snap.vehicles if type(v) is dict]
    assert len(kept) == 1 and kept[0]["extra"] == 1
    assert (
        sorted(
            (expand(v) if type(v) is tuple else v for v in snap.vehicles), key=lambda v: v["vin"]
        )
        == vehicles
    )
    again = FleetStore()
    again.apply(again.prepare(snap.vehicles, WHEN))
    assert again.total == 2_500 and not again.prepare(vehicles, WHEN).diff.changed


def test_bad_cached_vehicles_and_lines_are_skipped_and_counted():
    save_snapshot("sim", "http://a", [_vehicle(i) for i in range(3)], WHEN)
    path = snapshot_path("sim")
    head, first, line = path.read_bytes().splitlines()
    rows = json.loads(line)
    rows[1] = ["VIN", 5, "bmw", None, []]  # a status that is not text
    rows.append(["only", "three", "fields"])
    rows.append(
        {
            "vin": "WBA00000000000001",
            "status": "pending",
            "brand": "bmw",
            "changelog": [{"timestamp": 7}],
            "extra": True,
        }
    )  # odd, kept for the store
    path.write_bytes(b"\n".join([head, first, json.dumps(rows).encode(), b"[{not json", b"7", b""]))
    snap, note = read_snapshot("sim", "http://a")
    assert snap is not None and [v["vin"] if type(v) is dict else v[0] for v in snap.vehicles] == [
        "WVWZZZ1JZ00000000",
        "WVWZZZ1JZ00000002",
        "WBA00000000000001",
    ]
    assert note == "4 unreadable entries were skipped"


def test_format_1_files_still_load():
    path = snapshot_path("sim")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(
            {
                "format": 1,
                "profile": "sim",
                "base_url": "http://a",
                "fetched_at": "2026-11-01T12:00:00Z",
                "saved_at": "2026-11-01T12:00:00Z",
                "vehicles": [_vehicle(1), 5, _vehicle(2)],
            }
        )
    )
    snap, note = read_snapshot("sim", "http://a")
    assert note is None and snap.vehicles == [_vehicle(1), _vehicle(2)]
    assert snap.fetched_at == WHEN


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


def test_snapshot_of_100k_vehicles_round_trips():
    """Behaviour only; its speed is measured in bench/ (no timing asserted in tests)."""
    vehicles = [_vehicle(i) for i in range(100_000)]
    save_snapshot("big", "http://a", vehicles, WHEN)
    snap = load_snapshot("big", "http://a")
    assert snap is not None and len(snap.vehicles) == 100_000


def test_audit_lines_have_every_field():
    record_write(
        "sim",
        "cancel",
        ["V1", "V2"],
        [AuditResult("V1", True, "canceling"), AuditResult("V2", False, "not supported")],
        when=WHEN,
    )
    entries = read_audit()
    assert entries == [
        {
            "time": "2026-11-01T12:00:00Z",
            "user": entries[0]["user"],
            "profile": "sim",
            "action": "cancel",
            "vins": ["V1", "V2"],
            "results": [
                {"vin": "V1", "ok": True, "message": "canceling"},
                {"vin": "V2", "ok": False, "message": "not supported"},
            ],
        }
    ]
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
            record_write(
                "p", "revoke", [f"V{n}-{i}"] * 20, [AuditResult(f"V{n}-{i}", True, "x" * 200)]
            )

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


def _rows(n: int):
    from fleettui.core.store import FleetStore

    store = FleetStore()
    vehicles = [_vehicle(i) for i in range(n)]
    for i in range(0, n, 3):
        vehicles[i] = {
            **vehicles[i],
            "status": "approved",
            "changelog": [{"timestamp": "2026-11-01T11:00:00Z", "status": "approved"}],
        }
    store.apply(store.prepare(vehicles, WHEN))
    return store


def test_the_first_screen_is_kept_at_the_head_and_read_back_alone():
    from fleettui.config.cache_read import read_first_page
    from fleettui.core.first_page import first_page
    from fleettui.core.states import State

    store = _rows(1_000)
    page = first_page(store.snapshot.order, "state:approved", "state", False, WHEN, limit=25)
    assert page.shown == 334 and page.total == 1_000 and len(page.rows) == 25
    assert page.counts_shown == {State.APPROVED: 334}
    save_snapshot("sim", "http://a", store.snapshot.order, WHEN, first=page)
    snap, found = read_first_page("sim", "http://a")
    assert [v[0] for v in snap.vehicles] == [f"WVWZZZ1JZ{i:08d}" for i in range(0, 75, 3)]
    assert found.counts_all == {State.APPROVED: 334, State.PENDING: 666}
    assert found.fits("state", False, " state:approved ") and not found.fits(
        "vin", False, "state:approved"
    )
    assert snap.fetched_at == WHEN
    whole, note = read_snapshot("sim", "http://a")  # the first screen is not read twice
    assert note is None and len(whole.vehicles) == 1_000
    assert read_first_page("sim", "http://b") is None  # another server's


def test_a_first_screen_that_does_not_add_up_is_not_believed():
    from fleettui.config.cache_read import read_first_page
    from fleettui.core.first_page import first_page

    store = _rows(30)
    save_snapshot(
        "sim",
        "http://a",
        store.snapshot.order,
        WHEN,
        first=first_page(store.snapshot.order, "", "state", False, WHEN),
    )
    path = snapshot_path("sim")
    head, first, *rest = path.read_bytes().split(b"\n")
    assert read_first_page("sim", "http://a") is not None
    doc = json.loads(head)
    for bad in (
        {"total": 31},
        {"sort": "nonsense"},
        {"counts_all": {"pending": -1}},
        {"counts_shown": {"no-such-state": 30}},
        {"shown": "30"},
    ):
        path.write_bytes(
            b"\n".join(
                [json.dumps({**doc, "first": {**doc["first"], **bad}}).encode(), first, *rest]
            )
        )
        assert read_first_page("sim", "http://a") is None, bad
        assert len(read_snapshot("sim", "http://a")[0].vehicles) == 30  # the rest still loads
    rows = json.loads(first)
    rows[3] = ["VIN", 5, "bmw", None, []]
    path.write_bytes(b"\n".join([head, json.dumps(rows).encode(), *rest]))
    assert read_first_page("sim", "http://a") is None


def test_format_2_files_still_load_without_a_first_screen():
    from fleettui.config.cache_read import read_first_page

    store = _rows(10)
    save_snapshot("sim", "http://a", store.snapshot.order, WHEN)
    path = snapshot_path("sim")
    head, _first, *rest = path.read_bytes().split(b"\n")
    doc = json.loads(head)
    path.write_bytes(b"\n".join([json.dumps({**doc, "format": 2}).encode(), *rest]))
    snap, note = read_snapshot("sim", "http://a")
    assert note is None and len(snap.vehicles) == 10
    assert read_first_page("sim", "http://a") is None
