"""The history on the desk: two recorders of one refresh store each change once,
since-last-look is per person, and `history|stats|triage|record|list --desk` use it."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from fleettui.api.auth import Credentials
from fleettui.api.client import FleetClient
from fleettui.core.store import FleetStore
from fleettui.desk.history import DeskHistory, postgres_sql
from fleettui.desk.settings import DeskSettings
from fleettui.desk.store import Desk
from fleettui.history.recorder import Recorder, changelog_of
from fleettui.triage.since import last_look, mark_looked
from tests.support.cli import run
from tests.support.sim import DAY


class Monitor:
    """A fleet store refreshed from the simulator, recording into the desk."""

    def __init__(self, sim, settings: DeskSettings) -> None:  # noqa: ANN001
        self.client = FleetClient(Credentials(sim.base_url, sim.client_id, sim.client_secret))
        self.fleet = FleetStore()
        self.history = DeskHistory.connect(settings)
        self.recorder = Recorder(self.history)

    def refresh(self) -> tuple[object, int]:
        raw = self.client.list_vehicles_raw()
        now = self.client.server_time()
        prepared = self.fleet.prepare(raw, now)
        self.fleet.apply(prepared)
        return prepared, self.recorder.record(prepared.snapshot, prepared.diff, now).stored

    def close(self) -> None:
        self.client.close()
        self.history.close()


def test_two_monitors_recording_the_same_refreshes_store_each_change_once(
    sim, pg_desk: DeskSettings
) -> None:
    ana, ben = (
        Monitor(sim, replace(pg_desk, user="ana")),
        Monitor(sim, replace(pg_desk, user="ben")),
    )
    try:
        prepared, stored = ana.refresh()
        entries = sum(len(changelog_of(r)) for r in prepared.snapshot.order)  # type: ignore[attr-defined]
        assert stored == entries > 60
        assert ben.refresh()[1] == 0  # the same fleet: nothing new
        sim.engine.advance(3 * DAY)
        _, by_ana = ana.refresh()
        _, by_ben = ben.refresh()
        assert by_ana > 0 and by_ben == 0
        assert ana.history.count() == ben.history.count() == entries + by_ana
        keys = ana.history.query("SELECT count(DISTINCT vin) FROM events WHERE at IS NOT NULL")
        assert keys and keys[0][0] > 0
    finally:
        ana.close()
        ben.close()


def test_since_last_look_is_per_person(pg_desk: DeskSettings) -> None:
    from tests.support.sim import SIM_START

    with (
        DeskHistory.connect(replace(pg_desk, user="ana")) as ana,
        DeskHistory.connect(replace(pg_desk, user="ben")) as ben,
    ):
        mark_looked(ana, SIM_START)
        assert last_look(ben) is None
        look = last_look(ana)
        assert look is not None and look[0] == SIM_START


def test_stats_statements_run_on_the_desk() -> None:
    sql = (
        "SELECT CAST(at / 86400 AS INTEGER), count(*) FROM events NOT INDEXED "
        "WHERE at >= ? GROUP BY 1"
    )
    assert postgres_sql(sql) == (
        "SELECT floor(at / 86400)::bigint, count(*) FROM desk_history  WHERE at >= %s GROUP BY 1"
    )


@pytest.fixture
def on_desk(pg_desk: DeskSettings, monkeypatch: pytest.MonkeyPatch) -> DeskSettings:
    monkeypatch.setenv("FLEETTUI_DESK_DSN", pg_desk.dsn)
    monkeypatch.setenv("FLEETTUI_DESK_USER", "ana")
    return replace(pg_desk, user="ana")


def test_record_history_stats_on_the_desk(sim_profile, on_desk: DeskSettings, capsys) -> None:
    code, _, err = run(capsys, "record", "--once", "--desk")
    assert code == 0, err
    code, out, _ = run(capsys, "history", "--desk", "--since", "1000d", "--json")
    events = json.loads(out)
    assert code == 0 and len(events) > 60
    code, out, err = run(capsys, "history", "--since", "1000d", "--json")  # the local one: empty
    assert code == 0 and json.loads(out) == []
    code, out, err = run(capsys, "stats", "--desk", "--json")
    assert code == 0, err
    assert json.loads(out)["source"] == "history"


def test_triage_and_list_show_who_claimed_and_filter_mine_and_unclaimed(
    sim_profile, on_desk: DeskSettings, capsys
) -> None:
    code, out, _ = run(capsys, "triage", "--desk", "--json")
    vehicles = [v for q in json.loads(out)["queues"] for v in q["vehicles"]]
    assert code == 0 and len(vehicles) > 3
    mine, theirs, snoozed = (v["vin"] for v in vehicles[:3])
    with Desk.connect(on_desk) as ana, Desk.connect(replace(on_desk, user="ben")) as ben:
        ana.claim([mine])
        ben.claim([theirs])
        ana.snooze([snoozed], None, "later")
    code, out, _ = run(capsys, "triage", "--json", "--desk")
    listed = {v["vin"]: v["claimed_by"] for q in json.loads(out)["queues"] for v in q["vehicles"]}
    assert listed[mine] == "ana" and listed[theirs] == "ben" and snoozed not in listed
    code, out, _ = run(capsys, "triage", "--mine", "--json")
    assert [v["vin"] for q in json.loads(out)["queues"] for v in q["vehicles"]] == [mine]
    code, out, _ = run(capsys, "triage", "--unclaimed", "--json")
    rest = {v["vin"] for q in json.loads(out)["queues"] for v in q["vehicles"]}
    assert mine not in rest and theirs not in rest and len(rest) == len(vehicles) - 3
    code, out, _ = run(capsys, "triage", "--desk")
    assert code == 0 and "claimed: " in out and "unclaimed" in out
    code, out, _ = run(capsys, "list", "--mine", "--json")
    assert [(i["vin"], i["claimed_by"]) for i in json.loads(out)] == [(mine, "ana")]
    code, out, _ = run(capsys, "list", "--desk", "--csv")
    assert out.splitlines()[0].endswith(",claimed_by") and f"{theirs}," in out
    code, out, _ = run(capsys, "list", "--desk")
    assert out.splitlines()[0].split()[4] == "CLAIMED" and "ben" in out
    code, out, _ = run(capsys, "list", "--json")  # no desk: no claimed_by
    assert "claimed_by" not in json.loads(out)[0]


def test_triage_desk_hides_snoozes_by_the_boards_rule(
    sim_profile, on_desk: DeskSettings, capsys
) -> None:
    """One rule for the monitor's board and the CLI (`Snooze.hides`): a snooze made in
    another state than the vehicle's now was cleared by that change, so the vehicle is
    back in its queue; one made in its state hides it, and the JSON counts it."""
    from fleettui.monitor.desk_state import DeskMirror

    code, out, _ = run(capsys, "triage", "--desk", "--json")
    board = json.loads(out)
    vehicles = {v["vin"]: q["state"] for q in board["queues"] for v in q["vehicles"]}
    assert code == 0 and board["snoozed"] == 0
    (kept, kept_state), (moved, moved_state) = list(vehicles.items())[:2]
    with Desk.connect(on_desk) as ana:
        ana.snooze([kept], None, "waiting for the driver", {kept: kept_state})
        ana.snooze([moved], None, "snoozed before it changed", {moved: "approved"})
        mirror = DeskMirror("ana")
        mirror.load(ana.work_state(), [])
    code, out, _ = run(capsys, "triage", "--desk", "--json")
    board = json.loads(out)
    listed = {v["vin"] for q in board["queues"] for v in q["vehicles"]}
    assert kept not in listed and moved in listed and board["snoozed"] == 1
    # the monitor's board says the same of both
    assert mirror.snooze_of(kept, kept_state) is not None
    assert mirror.snooze_of(moved, moved_state) is None


def test_list_data_on_the_desk_keeps_the_data_columns_and_who_claimed(
    sim_profile, on_desk: DeskSettings, capsys
) -> None:
    from tests.support.vehicle_data import private_car

    private = private_car(sim_profile)
    code, _, err = run(capsys, "data", private, "--json")
    assert code == 0, err
    with Desk.connect(on_desk) as ana:
        ana.claim([private])
    code, out, _ = run(capsys, "list", "--data", "--desk", "--json")
    listed = {v["vin"]: v for v in json.loads(out)}
    assert code == 0 and listed[private]["data"]["state"] == "privacy"
    assert listed[private]["claimed_by"] == "ana"
    assert {v["claimed_by"] for v in listed.values()} == {"ana", None}
    code, out, _ = run(capsys, "list", "--data", "--desk", "--csv")
    head, *lines = out.splitlines()
    assert head.startswith("vin,brand,status,data_state") and head.endswith(",claimed_by")
    assert any(line.startswith(private) and ",privacy," in line for line in lines)
    assert any(line.startswith(private) and line.endswith(",ana") for line in lines)
    code, out, _ = run(capsys, "list", "--data", "--desk")
    head, *lines = out.splitlines()
    assert head.split()[3] == "DATA" and head.split()[-1] == "CLAIMED"
    line = next(line for line in lines if line.startswith(private))
    assert "⊘ privacy" in line and line.split()[-1] == "ana"
    code, out, _ = run(capsys, "list", "--data", "--mine", "--json")
    assert [(v["vin"], v["data"]["state"]) for v in json.loads(out)] == [(private, "privacy")]


def test_a_profiles_desk_that_is_down_does_not_stop_list_or_triage(
    sim_profile, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dataclasses import replace as change

    from fleettui.config import load_config, save_config
    from fleettui.desk.pg_binaries import free_port

    cfg = load_config()
    profile = cfg.profiles["sim"]
    save_config(
        cfg.with_profile(change(profile, extra={**profile.extra, "desk_dsn_env": "TEAM_DESK"}))
    )
    monkeypatch.setenv("TEAM_DESK", f"postgresql://ana:hunter2pw@127.0.0.1:{free_port()}/d")
    code, out, err = run(capsys, "list", "--json")
    assert code == 0 and len(json.loads(out)) == 60
    assert "is offline" in err and "going on without the desk's claims" in err
    assert "hunter2pw" not in err
    code, out, err = run(capsys, "triage", "--json")
    assert code == 0 and "using this machine's history" in err
    code, _, err = run(capsys, "list", "--mine")  # asked for: the desk's absence is an error
    assert code == 1 and err.count("\n") == 1 and "start the PostgreSQL server" in err


def test_handover_lists_the_fleets_urgent_vehicles_nobody_holds(
    sim_profile, on_desk: DeskSettings, capsys
) -> None:
    code, out, _ = run(capsys, "desk", "handover", "--json")
    urgent = json.loads(out)["unclaimed_urgent"]
    assert code == 0 and len(urgent) > 1 and json.loads(out)["urgent_note"] is None
    with Desk.connect(on_desk) as desk:
        desk.claim(urgent[:1])
    code, out, _ = run(capsys, "desk", "handover")
    assert code == 0 and f"Still unclaimed and urgent: {len(urgent) - 1}" in out
    assert f"{urgent[0]}  ana (until " in out
