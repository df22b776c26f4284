"""Issue 19, where the data states go: history events told both ways, the triage board's
data queues and their ready messages, statistics, and `list --data` / `triage` / `stats`
on the command line against the simulator."""

from __future__ import annotations

import json
from datetime import timedelta

from fleettui.core.data_answer import read_answer
from fleettui.core.data_states import DataRecord, DataState, next_record
from fleettui.core.states import State
from fleettui.history.data_records import DataRecords, data_events, data_records_path
from fleettui.history.store import HistoryStore
from fleettui.history.timeline import merge_timeline
from fleettui.triage.data_queues import DataView
from fleettui.triage.data_stats import data_stats
from fleettui.triage.messages import message_text
from fleettui.triage.queues import build_board
from tests.support.cli import run
from tests.support.sim import SIM_START
from tests.support.vehicle_data import private_car

VIN = "WVWZZZ1JZXW000001"
NOW = SIM_START


def _answer(status: int, detail: str | None = None, ts: str | None = None) -> object:
    if status == 200:
        body = {"ignition": {"state": {"data": "on", "timestamp": ts}}}
    else:
        body = {"errors": [{"title": "x", "detail": detail}], "request_id": "rid-42"}
    return read_answer(status, json.dumps(body).encode(), NOW)


class Row:
    def __init__(self, vin: str, brand: str, since, state: State = State.APPROVED) -> None:  # noqa: ANN001
        self.vin, self.brand, self.since, self.state = vin, brand, since, state
        self.status, self.reason, self.tags = state.value, None, {}


def test_changes_are_told_both_ways_as_history_events():
    none = next_record(
        None, VIN, "volkswagen", _answer(422, "Vehicle data is not available yet"), NOW
    )
    assert data_events(None, none, "volkswagen", NOW) == []  # nothing to tell yet
    flowing = next_record(none, VIN, "volkswagen", _answer(200, ts="2026-11-01T11:00:00Z"), NOW)
    first = data_events(none, flowing, "volkswagen", NOW)
    assert [(e.new, e.reason, e.source) for e in first] == [("data:flowing", "first data", "data")]
    assert first[0].at == flowing.first_data
    private = next_record(flowing, VIN, "volkswagen", _answer(403, "Privacy mode is active"), NOW)
    blocked = data_events(flowing, private, "volkswagen", NOW)
    assert [(e.old, e.new, e.reason) for e in blocked] == [
        ("data:flowing", "data:privacy", "privacy mode blocks data")
    ]
    later = NOW + timedelta(hours=7)
    again = next_record(private, VIN, "volkswagen", _answer(200, ts="2026-11-01T18:00:00Z"), later)
    assert data_events(private, again, "volkswagen", later)[0].reason == "data flowing again"
    store = HistoryStore.temporary()
    try:
        assert store.record_events([*first, *blocked], now=NOW) == 2
        assert store.record_events(first, now=NOW) == 0  # idempotent
        timeline = merge_timeline([], store.events())
        assert {t.local for t in timeline} == {"data check"}
    finally:
        store.close()


def test_the_board_has_data_queues_by_who_acts_with_ready_messages():
    now = NOW
    rows = [
        Row("WVWZZZ1JZXW000001", "volkswagen", now - timedelta(days=2)),
        Row("WVWZZZ1JZXW000002", "volkswagen", now - timedelta(days=9)),
        Row("WF0XXXGCDX0000003", "ford", now - timedelta(days=5)),
        Row("WBA00000000000004", "bmw", now - timedelta(days=30)),
        Row("WBA00000000000005", "bmw", now - timedelta(days=1)),
        Row("WBA00000000000006", "bmw", now - timedelta(days=3), State.PENDING),
        Row("WBA00000000000007", "bmw", now - timedelta(days=5)),
    ]
    records = {
        rows[0].vin: DataRecord(
            rows[0].vin, DataState.PRIVACY, checked_at=now, error="privacy", request_id="rid-1"
        ),
        rows[1].vin: DataRecord(rows[1].vin, DataState.NONE, checked_at=now, error="pending"),
        rows[2].vin: DataRecord(
            rows[2].vin,
            DataState.CONSENT,
            checked_at=now,
            error="consent_removed",
            request_id="rid-3",
        ),
        rows[3].vin: DataRecord(
            rows[3].vin,
            DataState.FLOWING,
            now - timedelta(days=5),
            checked_at=now - timedelta(days=1),
        ),
        rows[4].vin: DataRecord(rows[4].vin, DataState.NONE, checked_at=now),
        rows[6].vin: DataRecord(rows[6].vin, DataState.NONE, checked_at=now),
    }
    board = build_board(rows, now, data=DataView(records))
    titles = {q.title: q for q in board.queues}
    privacy = titles["Privacy mode blocks data"]
    assert privacy.actor.value == "driver" and privacy.vins == (rows[0].vin,)
    assert titles["Consent removed by the OEM"].actor.value == "fleet operator"
    assert titles["Approved, no data after 7 days"].vins == (rows[1].vin,)
    assert titles["Approved, no data after 2 days"].vins == (rows[6].vin,)
    assert len({q.id for q in board.queues}) == len(board.queues)  # the triage list's keys
    silent = titles["Silent: no data for longer than usual"]
    assert silent.vins == (rows[3].vin,)  # aged into silence without a check
    assert rows[4].vin not in {v for q in board.queues for v in q.vins}  # too soon to worry
    text = message_text(privacy, now)
    assert "switch privacy mode off" in text and rows[0].vin in text and "rid-1" in text
    consent = message_text(titles["Consent removed by the OEM"], now)
    assert '"Consent is removed by OEM"' in consent and "fleet portal" in consent
    assert "silent since" in message_text(silent, now)


def test_statistics_first_data_per_brand_and_share_with_data():
    rows = [Row(f"WBA0000000000000{i}", "bmw", NOW - timedelta(days=3)) for i in range(4)]
    records = {
        r.vin: DataRecord(r.vin, DataState.FLOWING, NOW, NOW - timedelta(days=3 - i / 2))
        for i, r in enumerate(rows[:3])
    }
    (bmw,) = data_stats(rows, records)
    assert (bmw.approved, bmw.with_data, bmw.samples) == (4, 3, 3)
    assert bmw.share == 0.75 and bmw.median == 12 * 3600 and bmw.p90 == 24 * 3600


def test_cli_list_data_triage_and_stats_show_what_the_checks_found(sim_profile, capsys):
    sim = sim_profile
    private = private_car(sim)
    code, out, err = run(capsys, "data", private, "--json")
    assert code == 0, err
    assert json.loads(out)["results"][0]["state"] == "privacy"
    records = DataRecords(data_records_path("sim"))
    assert records.get(private).state is DataState.PRIVACY
    raw = (data_records_path("sim")).read_text()
    assert "latitude" not in raw and "kilometers" not in raw  # never the data itself
    code, out, _ = run(capsys, "list", "--data", "--json")
    assert code == 0
    listed = {v["vin"]: v for v in json.loads(out)}
    assert listed[private]["data"]["state"] == "privacy"
    assert listed[private]["data"]["label"] == "⊘ privacy"
    pending = next(v for v in listed.values() if v["status"] == "pending")
    assert pending["data"] is None
    code, out, _ = run(capsys, "list", "--data", "--csv")
    assert code == 0 and out.splitlines()[0].startswith("vin,brand,status,data_state")
    assert any(line.startswith(private) and ",privacy," in line for line in out.splitlines())
    code, out, _ = run(capsys, "list", "--data")
    assert "⊘ privacy" in out and "DATA" in out.splitlines()[0]
    code, out, _ = run(capsys, "triage", "--json")
    assert code == 0
    queue = next(q for q in json.loads(out)["queues"] if q["title"] == "Privacy mode blocks data")
    assert queue["actor"] == "driver" and private in [v["vin"] for v in queue["vehicles"]]
    assert queue["vehicles"][0]["request_id"]
    code, out, _ = run(capsys, "triage", "--queue", queue["id"])
    assert code == 0 and "privacy mode off" in out and private in out
    code, out, _ = run(capsys, "stats", "--json")
    assert code == 0 and json.loads(out)["data"]
    code, out, _ = run(capsys, "history", "--vin", private, "--json")
    assert any(e["source"] == "data" and e["new_state"] == "data:privacy" for e in json.loads(out))
