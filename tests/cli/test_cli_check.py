"""`fleettui check` and `fleettui add --check` against the simulator's eligibility API."""

from __future__ import annotations

import json

import pytest

from fleettui.sim import SimConfig, Simulator
from tests.support.cli import add_sim_profile, run
from tests.support.sim import SIM_START


def _vins(sim, *, eligible: bool, n: int = 1, prefix: str = "WBA0000000001") -> list[str]:  # noqa: ANN001
    model = sim.engine.eligibility
    out = []
    for i in range(10_000):
        vin = f"{prefix}{i:04d}"
        t = model.traits(vin)
        if t.ineligible != eligible and not t.brand_call_fails and vin not in sim.engine.vehicles:
            out.append(vin)
            if len(out) == n:
                return out
    raise AssertionError("no such VIN")


def test_check_json_covers_eligible_uncovered_and_marked_brands(sim_profile, capsys):
    good = _vins(sim_profile, eligible=True)[0]
    code, out, err = run(
        capsys,
        "check",
        good,
        "bmw",
        "WVWZZZ1KZAW000099",
        "audi",
        "SJNFAAJ10U2000001",
        "nissan",
        "--json",
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["action"] == "check"
    bmw, audi, nissan = data["results"]
    assert bmw["checked"] and bmw["eligible"] is True and bmw["vin"] == good
    assert set(bmw) == {
        "vin",
        "brand",
        "checked",
        "eligible",
        "data_delivery",
        "connectivity_status",
        "primary_user_assigned",
        "message",
        "warnings",
        "error",
    }
    assert audi["checked"] is False and audi["message"] == "no eligibility check for this brand"
    assert nissan["checked"] is False and "published brand list" in nissan["message"]


def test_check_table_and_exit_2_for_an_ineligible_vehicle(sim_profile, capsys):
    bad = _vins(sim_profile, eligible=False)[0]
    code, out, _ = run(capsys, "check", bad.lower(), "BMW")
    assert code == 2
    header, row = out.splitlines()
    assert header.split()[:4] == ["VIN", "BRAND", "ELIGIBLE", "DELIVERY"]
    assert row.split()[:3] == [bad, "bmw", "no"]
    assert "cannot be activated" in row


def test_bad_input_is_refused_locally(sim_profile, capsys):
    code, out, _ = run(capsys, "check", "WBAOOOO", "bmw", "--json")
    assert code == 2
    result = json.loads(out)["results"][0]
    assert result["error"] == "invalid input" and not result["checked"]
    assert run(capsys, "check", "WBA00000000000042")[0] == 2  # a VIN without its brand
    assert run(capsys, "check", "WBA00000000000042", "bmw", "--rate", "0")[0] == 2


def test_rate_limited_checks_say_so_and_exit_1(capsys, monkeypatch):
    cfg = SimConfig(
        vehicles=0, speed=0.0, start=SIM_START, eligibility_limit=2, ineligible_share=0.0
    )
    with Simulator(cfg) as sim:
        add_sim_profile(capsys, monkeypatch, sim, "lim")
        vins = _vins(sim, eligible=True, n=3)
        code, out, err = run(
            capsys, "check", *[x for v in vins for x in (v, "bmw")], "--json", "--rate", "100"
        )
    assert code == 1
    results = json.loads(out)["results"]
    assert [r["eligible"] for r in results] == [True, True, None]
    assert results[2]["error"] == "provider" and "Too many requests" in results[2]["message"]
    assert "Too many requests" in err


def test_add_check_holds_back_ineligible_vehicles(sim_profile, capsys, tmp_path):
    good = _vins(sim_profile, eligible=True)[0]
    bad = _vins(sim_profile, eligible=False)[0]
    csv = tmp_path / "v.csv"
    csv.write_text(f"vin,brand\n{good},bmw\n{bad},bmw\n")
    rejects = tmp_path / "rejects.csv"
    code, out, err = run(
        capsys, "add", "--file", str(csv), "--check", "--rejects", str(rejects), "--json"
    )
    assert code == 3, err  # partial success: one added, one held back
    results = {r["vin"]: r for r in json.loads(out)["results"]}
    assert results[good]["ok"] and results[good]["sent"]
    assert not results[bad]["sent"] and results[bad]["message"].startswith("not eligible")
    assert good in sim_profile.engine.vehicles and bad not in sim_profile.engine.vehicles
    text = rejects.read_text()
    assert "# line 3: not eligible" in text and f"{bad},bmw" in text


def test_add_without_check_sends_and_warns_for_unpublished_brands(sim_profile, capsys):
    code, _, err = run(capsys, "add", "SJNFAAJ10U2000001", "nissan")
    assert code == 0
    assert "not in the provider's published brand list" in err


@pytest.mark.parametrize("brand", ["volkswagen", "tesla"])
def test_uncovered_brands_send_no_request(sim_profile, capsys, brand):
    before = sim_profile.tokens._eligibility_calls.copy()
    code, out, _ = run(capsys, "check", "WVWZZZ1KZAW000099", brand, "--json")
    assert code == 0 and json.loads(out)["results"][0]["checked"] is False
    assert sim_profile.tokens._eligibility_calls == before
