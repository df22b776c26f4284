"""The recorder against the simulator over real HTTP: days pass on the simulated clock,
refreshes diff, and every transition lands in the history exactly once."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from fleettui.api.auth import Credentials
from fleettui.api.client import FleetClient
from fleettui.core.store import FleetStore
from fleettui.history.recorder import Recorder, changelog_of
from fleettui.history.store import HistoryStore

DAY = 86400.0


class Desk:
    """A fleet store refreshed from the simulator, recording into a history file."""

    def __init__(self, sim, path: Path) -> None:  # noqa: ANN001
        self.sim = sim
        self.client = FleetClient(Credentials(sim.base_url, sim.client_id, sim.client_secret))
        self.fleet = FleetStore()
        self.history = HistoryStore(path)
        self.recorder = Recorder(self.history)

    def refresh(self):  # noqa: ANN201
        raw = self.client.list_vehicles_raw()
        now = self.client.server_time()
        prepared = self.fleet.prepare(raw, now)
        self.fleet.apply(prepared)
        return prepared, self.recorder.record(prepared.snapshot, prepared.diff, now)

    def close(self) -> None:
        self.client.close()
        self.history.close()


def test_first_refresh_records_every_changelog_entry_once(sim, tmp_path):
    desk = Desk(sim, tmp_path / "h.sqlite3")
    try:
        prepared, result = desk.refresh()
        entries = sum(len(changelog_of(r)) for r in prepared.snapshot.order)
        assert result.stored == entries == desk.history.count() > 60
        _, again = desk.refresh()  # nothing changed on a frozen clock
        assert again.stored == 0 and desk.history.count() == entries
    finally:
        desk.close()


def test_days_passing_are_recorded_as_diffs_with_the_state_seen_before(sim, tmp_path):
    desk = Desk(sim, tmp_path / "h.sqlite3")
    try:
        desk.refresh()
        before = {r.vin: r.status for r in desk.fleet.snapshot.order}
        sim.engine.advance(3 * DAY)
        prepared, result = desk.refresh()
        changes = prepared.diff.state_changes
        assert changes, "three simulated days should move some vehicles"
        diffs = {
            e.vin: e
            for e in desk.history.events(seen_after=prepared.now.replace(year=2000))
            if e.source == "diff"
        }
        for change in changes:
            e = diffs[change.vin]
            assert (e.old, e.new) == (before[change.vin], change.new.value)
            assert e.at is not None  # matched to the provider's changelog entry
        # Each transition is one row, not a diff row plus its changelog entry.
        per_key = Counter((e.vin, e.new, e.at) for e in desk.history.events() if e.at)
        assert max(per_key.values()) == 1
        assert result.stored >= len(changes)
    finally:
        desk.close()


def test_a_restart_and_a_second_process_add_nothing_already_known(sim, tmp_path):
    path = tmp_path / "h.sqlite3"
    first = Desk(sim, path)
    try:
        first.refresh()
        sim.engine.advance(2 * DAY)
        first.refresh()
        total = first.history.count()
        second = Desk(sim, path)  # e.g. `fleettui record` next to the monitor
        try:
            _, result = second.refresh()
            assert result.stored == 0 and result.offered == 0
            sim.engine.advance(DAY)
            _, a = first.refresh()
            _, b = second.refresh()
            assert a.stored > 0 and b.stored == 0
            assert second.history.count() == total + a.stored
        finally:
            second.close()
    finally:
        first.close()


def test_nothing_secret_is_written(sim, tmp_path):
    path = tmp_path / "h.sqlite3"
    desk = Desk(sim, path)
    try:
        desk.refresh()
        sim.engine.advance(DAY)
        desk.refresh()
        token = desk.client.tokens.get().value
    finally:
        desk.close()
    blob = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    assert len(blob) > 10_000
    assert sim.client_secret.encode() not in blob and token.encode() not in blob
    assert sim.client_id.encode() not in blob


def test_the_timeline_merges_without_repeating_the_provider():
    from datetime import UTC, datetime, timedelta

    from fleettui.core.vehicle import Vehicle
    from fleettui.history.events import Event
    from fleettui.history.timeline import merge_timeline

    t0 = datetime(2026, 10, 1, 12, tzinfo=UTC)
    v = Vehicle.from_api(
        {
            "vin": "V1",
            "status": "approved",
            "brand": "bmw",
            "changelog": [
                {"timestamp": "2026-10-01T12:00:00.250000Z", "status": "pending"},
                {"timestamp": "2026-10-02T12:00:00Z", "status": "approved"},
            ],
        }
    )
    local = [
        Event("V1", "pending", t0, t0, None, None, "bmw", "changelog"),  # same entry
        Event(
            "V1",
            "approved",
            None,
            t0 + timedelta(days=1, hours=1),
            "pending",
            None,
            "bmw",
            "webhook",
        ),  # the same change, pushed: not repeated
        Event(
            "V1",
            "approved",
            t0 + timedelta(days=1, minutes=30),
            t0,
            "pending",
            None,
            "bmw",
            "webhook",
        ),  # the receiver's own time for it: not repeated either
        Event(
            "V1",
            "rejected",
            t0 - timedelta(days=90),
            t0,
            "pending",
            "unspecified",
            "bmw",
            "changelog",
        ),  # an earlier clearance the provider no longer lists
        Event(
            "V1", "revoking", None, t0 + timedelta(days=3), "approved", None, "bmw", "diff"
        ),  # seen here only
    ]
    merged = merge_timeline(v.changelog, local)
    assert [(e.status, e.local) for e in merged] == [
        ("rejected", "recorded here"),
        ("pending", None),
        ("approved", None),
        ("revoking", "seen here"),
    ]


def test_webhook_deliveries_are_recorded_once_with_the_state_shown_before(sim, tmp_path):
    from dataclasses import replace

    from fleettui.monitor.accounts import account_for_simulator
    from fleettui.monitor.history import MonitorHistory
    from fleettui.webhooks.events import CLEARANCE_CHANGED, WebhookEvent

    history = MonitorHistory()
    history.switch(replace(account_for_simulator(sim), cache=True))
    desk = Desk(sim, tmp_path / "desk.sqlite3")
    try:
        prepared, _ = desk.refresh()
        from fleettui.monitor.updates import RecordJob

        history.record(RecordJob(1, prepared))
        row = next(r for r in desk.fleet.snapshot.order if r.status == "pending")
        now = desk.client.server_time()
        event = WebhookEvent(
            "delivery-7", CLEARANCE_CHANGED, now, row.vin, "rejected", "privacy mode is enabled"
        )
        assert history.record_pushed([event, event], desk.fleet, now) == 1
        assert history.record_pushed([event], desk.fleet, now) == 0  # a repeated delivery
        [pushed] = [e for e in history.events_for(row.vin) if e.source == "webhook"]
        assert (pushed.old, pushed.new, pushed.reason, pushed.brand) == (
            "pending",
            "rejected",
            "privacy mode is enabled",
            row.brand,
        )
    finally:
        desk.close()
        history.close()


def test_a_first_load_is_recorded_in_batches_with_the_same_result(tmp_path, monkeypatch):
    from fleettui.core.store import FleetStore
    from fleettui.history import recorder as recorder_module
    from tests.support.fleets import NOW, vdict

    fleet = [vdict(f"WBA{i:014d}", "approved" if i % 2 else "pending") for i in range(120)]
    store = FleetStore()
    prepared = store.prepare(fleet, NOW)
    results, sizes = [], []
    for batch in (1_000, 50):  # one transaction; then three
        monkeypatch.setattr(recorder_module, "FIRST_BATCH", batch)
        history = HistoryStore(tmp_path / f"h{batch}.sqlite")
        real = history.record_events
        monkeypatch.setattr(
            history,
            "record_events",
            lambda events, now=None, real=real: sizes.append(len(events)) or real(events, now=now),
        )
        results.append(
            recorder_module.Recorder(history).record(prepared.snapshot, prepared.diff, NOW)
        )
        history.close()
    assert results[0] == results[1] and results[0].stored == sum(sizes[:1])
    assert len(sizes) == 4 and sum(sizes[1:]) == sizes[0]


def test_a_first_load_hands_back_the_page_cache_after_each_batch(tmp_path, monkeypatch):
    """Each batch's page cache is handed back before the next batch, not once at the end:
    the first refresh after a cold start overlaps these writes, and both at once made the
    start's peak resident."""
    from fleettui.core.store import FleetStore
    from fleettui.history import recorder as recorder_module
    from tests.support.fleets import NOW, vdict

    fleet = [vdict(f"WBA{i:014d}", "approved" if i % 2 else "pending") for i in range(120)]
    prepared = FleetStore().prepare(fleet, NOW)
    monkeypatch.setattr(recorder_module, "FIRST_BATCH", 50)
    history = HistoryStore(tmp_path / "h.sqlite")
    calls: list[str] = []
    record, release = history.record_events, history.release_memory
    monkeypatch.setattr(
        history,
        "record_events",
        lambda events, now=None: calls.append("write") or record(events, now=now),
    )
    monkeypatch.setattr(history, "release_memory", lambda: calls.append("hand back") or release())
    try:
        recorder_module.Recorder(history).record(prepared.snapshot, prepared.diff, NOW)
    finally:
        history.close()
    assert calls == ["write", "hand back"] * 3


def test_a_recording_that_comes_after_close_opens_nothing(sim, tmp_path, monkeypatch):
    """The demo's history is a throwaway database that the first recording opens, on a
    worker. At exit the app closes the history; a refresh's recording still on its worker
    then opens nothing (before, it opened a folder no one closed, left in the temp
    directory: at load 10-20 each full test run left two). The order is forced: the
    recording is made after close, not raced against it."""
    import tempfile
    from dataclasses import replace

    from fleettui.monitor.accounts import account_for_simulator
    from fleettui.monitor.history import MonitorHistory
    from fleettui.monitor.updates import RecordJob

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    demo = replace(account_for_simulator(sim), cache=False)  # the demo's: a throwaway file
    desk = Desk(sim, tmp_path / "desk.sqlite3")
    try:
        prepared, _ = desk.refresh()
        opened = MonitorHistory()  # the usual order: recorded, then closed
        opened.switch(demo)
        assert opened.record(RecordJob(1, prepared)).stored > 0
        assert opened.available
        opened.close()
        assert not opened.available
        assert not list(tmp_path.glob("fleettui-history-*"))
        late = MonitorHistory()  # closed at exit before its first recording ran
        late.switch(demo)
        late.close()
        done = late.record(RecordJob(1, prepared))
    finally:
        desk.close()
    assert done.stored == 0 and not late.available
    assert not list(tmp_path.glob("fleettui-history-*"))
