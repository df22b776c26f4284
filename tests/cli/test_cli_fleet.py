"""`fleettui list/show/add/cancel/revoke` against the simulator: success, errors, exit codes."""

from __future__ import annotations

import csv
import io
import json
import time

import pytest

from fleettui.config.audit import read_audit
from fleettui.config.config_file import load_config, save_config
from fleettui.config.profiles import Profile
from tests.support.cli import SECRET_VAR, run
from tests.support.fake_servers import free_port

DAY = 86400.0
# Valid-looking VINs that are not North American (no check-digit warning).
V_BMW = "WBAXX000000000001"
V_PEUGEOT_OLD = "VF3XX000000000002"
V_PEUGEOT_NEW = "VF3XX000000000003"
V_APPROVED = "WBAXX000000000004"


def _status(sim, vin: str) -> str:
    return sim.engine.vehicles[vin]["status"]


def test_list_table_json_and_csv(sim_profile, capsys):
    sim = sim_profile
    total = len(sim.engine.vehicles)
    code, out, err = run(capsys, "list")
    assert code == 0
    assert out.splitlines()[0].split() == ["VIN", "BRAND", "STATE", "REASON", "IN", "STATE"]
    assert len(out.splitlines()) == total + 1 and f"{total} vehicle(s)" in err

    code, out, _ = run(capsys, "list", "--json")
    data = json.loads(out)
    assert code == 0 and len(data) == total
    assert set(data[0]) >= {"vin", "status", "brand", "tags", "changelog", "reason", "state_since"}

    code, out, _ = run(capsys, "list", "--csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == [
        "vin",
        "brand",
        "status",
        "reason",
        "state_since",
        "tags",
        "seconds_in_state",
    ]  # the monitor's export has the same columns
    assert len(rows) == total + 1
    by_vin = {v["vin"]: v for v in data}
    assert all(
        r[6] == "" if by_vin[r[0]]["seconds_in_state"] is None else r[6].isdigit() for r in rows[1:]
    )


def test_list_filters_go_to_the_provider(sim_profile, capsys):
    sim = sim_profile
    everything = sim.engine.vehicles
    pending = sorted(v for v, d in everything.items() if d["status"] == "pending")
    code, out, _ = run(capsys, "list", "--state", "pending", "--json")
    assert code == 0 and sorted(v["vin"] for v in json.loads(out)) == pending
    some = sorted(everything)[:2]
    code, out, _ = run(capsys, "list", "--vin", some[0], "--vin", some[1].lower(), "--json")
    assert sorted(v["vin"] for v in json.loads(out)) == some
    brand = everything[some[0]]["brand"]
    code, out, _ = run(capsys, "list", "--brand", brand, "--json")
    assert {v["brand"] for v in json.loads(out)} == {brand}
    sim.engine.seed_vehicle(V_BMW, "bmw", "pending", 3600, tags={"depot": "Zz-test"}, hold=True)
    code, out, _ = run(capsys, "list", "--tag", "depot=Zz-test", "--json")
    assert [v["vin"] for v in json.loads(out)] == [V_BMW]


def test_list_usage_errors(sim_profile, capsys):
    code, _, err = run(capsys, "list", "--state", "sleeping")
    assert code == 2
    code, _, err = run(capsys, "list", "--tag", "=novalue")
    assert code == 2 and "key=value" in err and len(err.strip().splitlines()) == 1


def test_show_text_and_json(sim_profile, capsys):
    sim = sim_profile
    sim.engine.seed_vehicle(V_BMW, "bmw", "rejected", 3 * DAY)
    code, out, _ = run(capsys, "show", V_BMW.lower())
    assert code == 0 and V_BMW in out and "History" in out and "Next steps" in out
    code, out, _ = run(capsys, "show", V_BMW, "--json")
    data = json.loads(out)
    assert data["vehicle"]["vin"] == V_BMW and data["vehicle"]["status"] == "rejected"
    assert data["explanation"]["state"] == "rejected" and data["seconds_in_state"] is not None


def test_show_unknown_vin_is_a_provider_error(sim_profile, capsys):
    code, out, err = run(capsys, "show", "WBAXX999999999999")
    assert code == 1 and out == "" and len(err.strip().splitlines()) == 1


def test_add_one_vehicle_and_audit(sim_profile, capsys):
    sim = sim_profile
    code, out, _ = run(capsys, "add", V_BMW, "BMW", "--tag", "depot=Oslo")
    assert code == 0 and V_BMW in out and "ok" in out
    assert _status(sim, V_BMW) == "pending"
    assert sim.engine.vehicles[V_BMW]["tags"] == {"depot": "Oslo"}
    entry = read_audit()[-1]
    assert entry["action"] == "add" and entry["vins"] == [V_BMW] and entry["profile"] == "sim"
    assert entry["results"][0]["ok"] is True


def test_add_refused_locally_sends_nothing(sim_profile, capsys):
    sim = sim_profile
    before = len(sim.engine.vehicles)
    code, out, err = run(capsys, "add", "WBAXX00000000001", "bmw", "--json")
    assert code == 2
    assert json.loads(out)["results"][0]["sent"] is False
    assert err.startswith("fleettui: WBAXX00000000001: VIN: 16 characters, need 17\n")
    assert len(sim.engine.vehicles) == before and read_audit() == []


def test_add_file_with_one_bad_line_gives_that_line_back(sim_profile, capsys, tmp_path):
    sim = sim_profile
    src = tmp_path / "vehicles.csv"
    bad = "WVWXX00000000000,volkswagen,vw-group-customer-name=Acme"
    src.write_text(
        f"vin,brand\n{V_BMW},bmw,depot=Oslo\n# a comment\n{bad}\n{V_PEUGEOT_NEW},peugeot\n"
    )
    rejects = tmp_path / "rejects.csv"
    code, out, err = run(capsys, "add", "--file", str(src), "--rejects", str(rejects))
    assert code == 3  # partial success: its own exit code (fleet_write's docstring, README)
    lines = out.splitlines()
    assert [ln.split()[0] for ln in lines[:-1]] == [V_BMW, "WVWXX00000000000", V_PEUGEOT_NEW]
    assert lines[-1] == f"2 added, 1 refused (written to {rejects.resolve()})"
    assert err == "fleettui: line 4: WVWXX00000000000: VIN: 16 characters, need 17\n"
    assert _status(sim, V_BMW) == "pending" and _status(sim, V_PEUGEOT_NEW) == "pending"
    text = rejects.read_text()
    assert text.splitlines()[1] == bad and text.startswith("# line 4:")
    # The rejects file is valid input again (comments skipped).
    code, _, _ = run(
        capsys, "add", "--file", str(rejects), "--rejects", str(tmp_path / "again.csv")
    )
    assert code == 2 and (tmp_path / "again.csv").read_text().splitlines()[1] == bad


def test_add_file_names_every_problem_of_a_line(sim_profile, capsys, tmp_path):
    """A line with a bad VIN and no brand is refused with both problems, not the first."""
    src = tmp_path / "vehicles.csv"
    src.write_text("WBAXX00000000001\n", encoding="utf-8")
    code, _, err = run(capsys, "add", "--file", str(src))
    assert code == 2
    assert err == (
        "fleettui: line 1: WBAXX00000000001: VIN: 16 characters, need 17; "
        "no brand: the line must be vin,brand[,key=value...]\n"
    )


def test_add_provider_refusal_comes_back_too(sim_profile, capsys, monkeypatch, tmp_path):
    from fleettui.cli import fleet_write

    monkeypatch.setattr(fleet_write, "check_new_vehicle", lambda *a, **k: [])
    src = tmp_path / "v.csv"
    src.write_text(f"{V_BMW},bmw\nWBAXX0000000001,bmw\n")
    code, out, err = run(capsys, "add", "--file", str(src))
    assert code == 3
    assert err == (
        "fleettui: line 2: WBAXX0000000001: refused by the provider: "
        "vin should be 17 character(s)\n"
    )


def test_add_usage_errors(sim_profile, capsys, tmp_path):
    assert run(capsys, "add")[0] == 2
    assert run(capsys, "add", V_BMW, "bmw", "--file", str(tmp_path / "x.csv"))[0] == 2
    code, _, err = run(capsys, "add", "--file", str(tmp_path / "missing.csv"))
    assert code == 2 and "no such file" in err


def test_cancel_on_non_cancelable_brand_sends_nothing(sim_profile, capsys):
    sim = sim_profile
    sim.engine.seed_vehicle(V_BMW, "bmw", "pending", 3 * DAY, hold=True)
    code, out, _ = run(capsys, "cancel", V_BMW)
    assert code == 2 and "not sent" in out
    assert _status(sim, V_BMW) == "pending" and read_audit() == []


def test_cancel_cancelable_and_too_early(sim_profile, capsys):
    sim = sim_profile
    sim.engine.seed_vehicle(V_PEUGEOT_OLD, "peugeot", "pending", 3 * DAY, hold=True)
    sim.engine.seed_vehicle(V_PEUGEOT_NEW, "peugeot", "pending", 3600, hold=True)
    code, out, err = run(capsys, "cancel", V_PEUGEOT_OLD, "--json")
    assert code == 0
    assert json.loads(out)["results"] == [
        {
            "vin": V_PEUGEOT_OLD,
            "ok": True,
            "sent": True,
            "status": "canceling",
            "message": "canceling",
        }
    ]
    assert _status(sim, V_PEUGEOT_OLD) == "canceling"
    code, out, err = run(capsys, "cancel", V_PEUGEOT_NEW)
    assert code == 1 and "warning" in err and _status(sim, V_PEUGEOT_NEW) == "pending"
    actions = [(e["action"], e["results"][0]["ok"]) for e in read_audit()]
    assert actions == [("cancel", True), ("cancel", False)]


def test_revoke_needs_yes(sim_profile, capsys):
    sim = sim_profile
    sim.engine.seed_vehicle(V_APPROVED, "bmw", "approved", 5 * DAY)
    code, _, err = run(capsys, "revoke", V_APPROVED)
    assert code == 2 and "--yes" in err and _status(sim, V_APPROVED) == "approved"
    code, out, _ = run(capsys, "revoke", V_APPROVED, "--yes")
    assert code == 0 and "revoking" in out and _status(sim, V_APPROVED) == "revoking"
    # Now in transition: refused locally, nothing sent.
    code, out, _ = run(capsys, "revoke", V_APPROVED, "--yes")
    assert code == 2 and "not sent" in out


def test_cancel_unknown_and_malformed_vins(sim_profile, capsys):
    code, out, _ = run(capsys, "cancel", "WBAXX999999999999", "not-a-vin", "--json")
    assert code == 2
    results = json.loads(out)["results"]
    assert [r["sent"] for r in results] == [False, False]
    assert "not in the fleet" in results[0]["message"]
    assert results[1]["message"].startswith(
        "VIN 'NOT-A-VIN': 9 characters, need 17; letter O at position 2"
    )


def test_read_only_refuses_every_write_before_sending(sim_profile, capsys, tmp_path):
    sim = sim_profile
    sim.engine.seed_vehicle(V_APPROVED, "bmw", "approved", 5 * DAY)
    code, _, err = run(capsys, "revoke", V_APPROVED, "--yes", "--read-only")
    assert code == 2 and "read-only" in err and _status(sim, V_APPROVED) == "approved"
    cfg = load_config()
    p = cfg.profiles["sim"]
    save_config(cfg.with_profile(Profile(**{**p.__dict__, "read_only": True})))
    code, _, err = run(capsys, "add", V_BMW, "bmw")
    assert code == 2 and "profile 'sim' is read-only" in err and V_BMW not in sim.engine.vehicles
    code, _, _ = run(capsys, "cancel", V_APPROVED)
    assert code == 2 and read_audit() == []
    assert run(capsys, "list", "--read-only", "--json")[0] == 0


def test_connection_and_credential_errors(sim_profile, capsys, monkeypatch):
    monkeypatch.setenv(SECRET_VAR, "wrong-secret")
    code, out, err = run(capsys, "list")
    assert code == 1 and out == "" and "rejected the client credentials" in err
    assert len(err.strip().splitlines()) == 1
    monkeypatch.setenv("FLEETTUI_BASE_URL", f"http://127.0.0.1:{free_port()}")
    code, _, err = run(capsys, "list")
    assert code == 1 and "refused" in err


def test_configuration_errors_are_usage_errors(sim_profile, capsys, monkeypatch):
    monkeypatch.delenv(SECRET_VAR)
    code, _, err = run(capsys, "list")
    assert code == 2 and SECRET_VAR in err
    code, _, err = run(capsys, "list", "--profile", "nope")
    assert code == 2 and "available profiles: sim" in err


def test_unwritable_rejects_file_stops_before_sending(sim_profile, capsys, tmp_path):
    sim = sim_profile
    src = tmp_path / "v.csv"
    src.write_text(f"{V_BMW},bmw\n")
    code, _, err = run(
        capsys, "add", "--file", str(src), "--rejects", str(tmp_path / "no" / "r.csv")
    )
    assert code == 2 and "nothing was sent" in err and V_BMW not in sim.engine.vehicles


def test_plain_http_to_a_remote_host_is_refused(sim_profile, capsys, monkeypatch):
    monkeypatch.setenv("FLEETTUI_BASE_URL", "http://example.com")
    code, _, err = run(capsys, "list")
    assert code == 2 and "plain http" in err


def test_entry_point_in_a_real_process(sim_profile):
    import os
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "fleettui", "list", "--json", "--state", "approved"],
        capture_output=True,
        text=True,
        timeout=60,
        env=dict(os.environ),
    )
    assert proc.returncode == 0, proc.stderr
    assert all(v["status"] == "approved" for v in json.loads(proc.stdout))
    proc = subprocess.run(
        [sys.executable, "-m", "fleettui", "revoke", "WBAXX000000000004"],
        capture_output=True,
        text=True,
        timeout=60,
        env=dict(os.environ),
    )
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1


def test_unfiltered_list_refreshes_the_snapshot_cache(sim_profile, capsys):
    from fleettui.config.cache_read import load_snapshot

    sim = sim_profile
    assert run(capsys, "list", "--state", "pending", "--json")[0] == 0
    assert load_snapshot("sim", sim.base_url) is None
    assert run(capsys, "list", "--json")[0] == 0
    # written by a detached process after the listing is out: wait for it (up to 30 s)
    for _ in range(300):
        snap = load_snapshot("sim", sim.base_url)
        if snap is not None:
            break
        time.sleep(0.1)
    assert snap is not None and len(snap.vehicles) == len(sim.engine.vehicles)


def test_a_real_process_ends_with_all_its_output_and_the_cache_still_written(sim_profile):
    # `fleettui` as a command leaves the fleet to the process's end (cli/process_end.py):
    # the output must still all be out, the exit code kept, the background job started
    import os
    import subprocess
    import sys

    from fleettui.config.cache_read import load_snapshot

    sim = sim_profile
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # buffered, as usual
    proc = subprocess.run(
        [sys.executable, "-m", "fleettui", "list", "--csv", "--state", "pending"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    pending = sum(sim.engine.vehicles[vin]["status"] == "pending" for vin in sim.engine.vehicles)
    assert proc.stdout.endswith("\n") and len(proc.stdout.splitlines()) == 1 + pending > 1
    proc = subprocess.run(
        [sys.executable, "-m", "fleettui", "list", "--csv"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("vin,brand,") and len(lines) == len(sim.engine.vehicles) + 1
    for _ in range(300):  # the detached writer, after the output
        snap = load_snapshot("sim", sim.base_url)
        if snap is not None:
            break
        time.sleep(0.1)
    assert snap is not None and len(snap.vehicles) == len(sim.engine.vehicles)


@pytest.mark.parametrize(
    "words",
    [
        ("--json", "--state", "pending"),  # small: all of it still in the buffer at the end
        ("--csv", "--state", "pending"),
        ("--json",),  # unfiltered: flushed before the cache's writer is forked
    ],
)
def test_output_that_cannot_be_written_is_an_error_not_a_success(sim_profile, words):
    # `fleettui list > file` on a full disk: the output is lost, so the exit code must
    # not say success, and the error is said once (no "Exception ignored" traceback)
    import os
    import subprocess
    import sys

    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # buffered, as usual
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "fleettui", "list", *words],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            env=env,
        )
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.count("\n") == 1 and "No space left on device" in proc.stderr, proc.stderr


def test_the_cache_a_list_leaves_keeps_the_providers_clock(sim_profile, capsys):
    # The monitor opens on this cache and counts time in state by the provider's clock
    # it remembers (tests/monitor/test_cache_clock.py): a list's cache said the provider's
    # clock was this machine's, and a monitor opened on it showed every vehicle ~36 days
    # (the simulator's clock here is behind) longer in its state until the first answer.
    from fleettui.config.cache_read import load_snapshot
    from fleettui.core.timefmt import utcnow

    sim = sim_profile
    provider_now, local_now = sim.engine.now(), utcnow()
    assert abs(provider_now - local_now).total_seconds() > 86_400  # a clock far from ours
    assert run(capsys, "list", "--json")[0] == 0
    for _ in range(300):  # written by a detached process after the listing is out
        snap = load_snapshot("sim", sim.base_url)
        if snap is not None:
            break
        time.sleep(0.1)
    assert snap is not None
    assert abs((snap.fetched_at - provider_now).total_seconds()) < 120
    assert abs((snap.provider_offset - (provider_now - local_now)).total_seconds()) < 120
