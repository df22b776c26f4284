"""The seeded fleet: coverage of states and reasons, realistic VINs and tags, determinism, size."""

from __future__ import annotations

import json
import time
from collections import Counter

import httpx
import pytest

from fleettui.core import reasons as R
from fleettui.core.brands import VW_CUSTOMER_TAG, brand_info, is_known_brand
from fleettui.core.timefmt import parse_ts
from fleettui.core.vehicle import Vehicle
from fleettui.sim import SimConfig, Simulator
from fleettui.sim.engine import Engine
from fleettui.sim.fleetgen import generate
from fleettui.sim.vins import VIN_ALPHABET, WMI, check_digit
from tests.support.sim import SIM_START, authed

STATES = {"pending", "approved", "rejected", "revoking", "revoked", "canceling", "canceled"}


@pytest.fixture(scope="module")
def fleet300() -> list[Vehicle]:
    engine = Engine(start=SIM_START, speed=0.0, seed=7)
    generate(engine, 300, 7)
    return [Vehicle.from_api(json.loads(engine.get_blob(v))) for v in engine.vehicles]


def test_300_vehicles_cover_every_state_and_reason(fleet300):
    assert len(fleet300) == 300
    assert {v.status for v in fleet300} == STATES
    pending_reasons = {v.reason for v in fleet300 if v.status == "pending"} - {None}
    rejected_reasons = {v.reason for v in fleet300 if v.status == "rejected"} - {None}
    assert pending_reasons == set(R.PENDING_REASONS)
    assert rejected_reasons == set(R.REJECT_REASONS)


def test_reasons_only_on_brands_they_apply_to(fleet300):
    for v in fleet300:
        for entry in v.changelog:
            if entry.reason is not None:
                assert R.CATALOGUE[entry.reason].applies_to(v.brand), (v.vin, v.brand, entry)


def test_state_mix_looks_like_a_fleet(fleet300):
    counts = Counter(v.status for v in fleet300)
    assert counts["approved"] > 100
    assert counts["approved"] > counts["pending"] > counts["revoking"]


def test_vins_are_plausible(fleet300):
    allowed = set(VIN_ALPHABET)
    vins = [v.vin for v in fleet300]
    assert len(set(vins)) == len(vins)
    for v in fleet300:
        assert len(v.vin) == 17 and set(v.vin) <= allowed
        assert check_digit(v.vin) == v.vin[8]
        assert v.vin[:3] in WMI[v.brand]
        assert is_known_brand(v.brand) and v.brand != "sandbox"


def test_vw_customer_tag_present_unless_rejected_for_it(fleet300):
    vw = [v for v in fleet300 if brand_info(v.brand).group == "VW Group"]
    assert vw
    tagged = [v for v in vw if VW_CUSTOMER_TAG in v.tags]
    assert len(tagged) > 0.8 * len(vw)
    for v in vw:
        if VW_CUSTOMER_TAG not in v.tags:
            assert v.status == "rejected" and v.reason == R.CUSTOMER_NAME_TAG_MISSING
    assert all("depot" in v.tags and "fleet" in v.tags for v in fleet300)


def test_history_is_consistent(fleet300):
    for v in fleet300:
        times = [e.timestamp for e in v.changelog]
        assert None not in times and times == sorted(times) and times[-1] <= SIM_START
        assert v.changelog[0].status == "pending" and v.changelog[-1].status == v.status
        if v.status in ("canceling", "canceled"):
            start = v.changelog[0].timestamp
            cancel = next(e for e in v.changelog if e.status == "canceling").timestamp
            assert (cancel - start).total_seconds() >= 86400
    ages = [(SIM_START - v.first_seen).days for v in fleet300]
    assert min(ages) < 2 and max(ages) > 28


def test_same_seed_same_fleet_and_other_seed_differs():
    def fleet(seed):  # noqa: ANN001, ANN202
        e = Engine(start=SIM_START, speed=0.0, seed=seed)
        generate(e, 80, seed)
        return e.list_blob()

    assert fleet(3) == fleet(3)
    assert fleet(3) != fleet(4)


def test_fleet_is_deterministic_even_with_a_running_clock():
    def fleet():  # noqa: ANN202
        e = Engine(start=SIM_START, speed=3600.0 * 24, seed=9)
        generate(e, 300, 9)
        return [e.record(v).changelog for v in e.vehicles]

    assert fleet() == fleet()


def test_small_fleet_still_has_every_state():
    e = Engine(start=SIM_START, speed=0.0)
    generate(e, 60, 1)
    assert len(e.vehicles) == 60
    assert {e.vehicles[v]["status"] for v in e.vehicles} == STATES


def test_generated_fleet_moves_when_the_clock_runs(sim):
    before = {v: sim.engine.vehicles[v]["status"] for v in sim.engine.vehicles}
    sim.engine.advance(12 * 86400)
    after = {v: sim.engine.vehicles[v]["status"] for v in sim.engine.vehicles}
    changed = [v for v in before if before[v] != after[v]]
    assert changed
    assert not any(s in ("revoking", "canceling") for s in after.values())


def test_100k_fleet_is_served_whole():
    with (
        Simulator(SimConfig(vehicles=100_000, seed=2, speed=0.0, start=SIM_START)) as s,
        authed(s) as c,
    ):
        r = c.get("/v1/fleets/vehicles")
    assert r.status_code == 200
    body = r.json()
    assert len(body) == 100_000
    assert parse_ts(body[0]["changelog"][0]["timestamp"]) is not None


@pytest.mark.bench
def test_100k_fleet_generation_and_full_list_times(capsys):
    """Speed, not behaviour: outside the suite CI runs (`-m bench` runs it);
    bench/bench_simulator.py measures properly."""
    t0 = time.perf_counter()
    with Simulator(SimConfig(vehicles=100_000, seed=2, speed=0.0, start=SIM_START)) as s:
        t1 = time.perf_counter()
        with authed(s) as c:
            t2 = time.perf_counter()
            r = c.get("/v1/fleets/vehicles")
            t3 = time.perf_counter()
        assert r.status_code == 200
    with capsys.disabled():
        print(
            f"\n[sim 100k] generate {t1 - t0:.2f}s, full GET {t3 - t2:.3f}s, "
            f"{len(r.content) / 1e6:.1f} MB"
        )  # figures only: no timing is asserted
    assert len(r.json()) == 100_000


def test_sim_fixture_fleet_over_http(sim):
    with authed(sim) as c:
        body = c.get("/v1/fleets/vehicles").json()
    assert len(body) == 60
    assert isinstance(httpx.Response(200, json=body).json(), list)


def test_only_cancelable_brands_are_ever_canceled():
    """A seeded fleet must not show what the provider can't do: a BMW in canceled."""
    from fleettui.core.brands import brand_info
    from fleettui.sim import SimConfig, Simulator

    with Simulator(SimConfig(vehicles=2000, seed=7, speed=0.0)) as sim:
        cancelled = [
            v for v in sim.engine.vehicles.values() if v["status"] in ("canceling", "canceled")
        ]
    assert cancelled
    assert all(brand_info(v["brand"]).cancelable for v in cancelled)
