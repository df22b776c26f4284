"""Issue 19 on the command line: `fleettui data VIN...` against the simulator over HTTP."""

from __future__ import annotations

import json

import pytest

from fleettui.sim import SimConfig, Simulator
from tests.support.cli import add_sim_profile, run
from tests.support.sim import SIM_START


def _by_status(sim, status: str, brand_ok: bool = True) -> list[str]:
    out = []
    for vin in sim.engine.vehicles:
        rec = sim.engine.record(vin)
        if rec.status == status and (
            not brand_ok or rec.brand not in ("tesla", "polestar", "vauxhall", "maserati")
        ):
            out.append(vin)
    return out


def test_data_checks_approved_cars_and_says_why_others_were_not(sim_profile, capsys):
    sim = sim_profile
    approved = _by_status(sim, "approved")[:3]
    pending = _by_status(sim, "pending")[:1]
    code, out, err = run(capsys, "data", *approved, "--json")
    assert code == 0, err
    results = json.loads(out)["results"]
    assert [r["vin"] for r in results] == approved
    for r in results:
        assert r["checked"] is True and r["status"] == "approved"
        assert r["state"] in ("flowing", "none", "silent", "privacy", "consent", "no_consent")
        assert r["title"] and r["next"] and r["label"]
        assert set(r) >= {"newest", "first_data", "checked_at", "error", "request_id", "actor"}
    code, out, err = run(capsys, "data", pending[0], "WBA00000000000042", "--json")
    assert code == 3
    res = json.loads(out)["results"]
    assert res[0]["checked"] is False and "approved clearance" in res[0]["message"]
    assert res[1]["checked"] is False and "not in the fleet" in res[1]["message"]
    # the table names the same
    code, out, _ = run(capsys, "data", approved[0])
    assert code == 0 and approved[0] in out and "DATA" in out


@pytest.fixture
def tight_sim(capsys, monkeypatch):
    with Simulator(SimConfig(vehicles=60, seed=1, speed=0.0, start=SIM_START, data_limit=1)) as sim:
        add_sim_profile(capsys, monkeypatch, sim)
        yield sim


def test_rate_limited_past_max_wait_exits_3_and_names_it(tight_sim, capsys):
    approved = _by_status(tight_sim, "approved")[:2]
    code, out, _ = run(capsys, "data", *approved, "--json", "--max-wait", "0")
    assert code == 3
    first, second = json.loads(out)["results"]
    assert first["checked"] is True
    assert second["checked"] is False and "rate limited" in second["message"]


def test_a_brand_the_data_api_does_not_cover_is_not_asked(sim_profile, capsys):
    sim = sim_profile
    sim.engine.seed_vehicle("5YJ3E1EA7KF000001", "tesla", "approved", 3 * 86400)
    code, out, _ = run(capsys, "data", "5YJ3E1EA7KF000001", "--json")
    assert code == 3
    r = json.loads(out)["results"][0]
    assert (r["state"], r["checked"]) == ("uncheckable", False)
    assert "does not cover" in r["message"]
