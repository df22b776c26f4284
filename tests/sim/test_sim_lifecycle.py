"""The activation state machine on the simulated clock, driven over real HTTP."""

from __future__ import annotations

import pytest

from fleettui.core import reasons as R
from fleettui.core.timefmt import parse_ts
from tests.support.sim import DAY, authed, only_error


def _post(c, vin, brand, tags=None):  # noqa: ANN001
    body = {"vehicles": [{"vin": vin, "brand": brand, "tags": tags or {}}]}
    return c.post("/v1/fleets/vehicles", json=body).json()["vehicles"][0]


def _get(c, vin):  # noqa: ANN001
    return c.get(f"/v1/fleets/vehicles/{vin}").json()


def test_vw_without_customer_tag_is_rejected_within_the_hour(sim):
    vin = "WVWZZZ1KZAW000010"
    with authed(sim) as c:
        assert _post(c, vin, "volkswagen")["status"] == "pending"
        assert _get(c, vin)["status"] == "pending"
        sim.engine.advance(3600)
    with authed(sim) as c:
        got = _get(c, vin)
    assert got["status"] == "rejected"
    assert got["changelog"][-1]["reason"] == R.CUSTOMER_NAME_TAG_MISSING
    assert [e["status"] for e in got["changelog"]] == ["pending", "rejected"]


def test_new_clearances_reach_a_verdict_with_brand_reasons(sim):
    vins = [f"VF1AAAAA5A{n:07d}" for n in range(40)]
    with authed(sim) as c:
        c.post(
            "/v1/fleets/vehicles", json={"vehicles": [{"vin": v, "brand": "renault"} for v in vins]}
        )
    sim.engine.advance(12 * DAY)
    outcomes = [sim.engine.vehicles[v] for v in vins]
    assert {o["status"] for o in outcomes} <= {"approved", "rejected"}
    assert any(o["status"] == "approved" for o in outcomes)
    for o in outcomes:
        for entry in o["changelog"]:
            if "reason" in entry:
                info = R.lookup_reason(entry["reason"])
                assert info is not None and info.applies_to("renault"), entry
        times = [parse_ts(e["timestamp"]) for e in o["changelog"]]
        assert times == sorted(times)


def test_stuck_pending_reason_is_rejected_after_the_retry_window(sim):
    vin = "WVWZZZ1KZAW000011"
    sim.engine.seed_vehicle(
        vin,
        "volkswagen",
        "pending",
        9 * DAY,
        reason=R.PRIVACY_MODE,
        tags={"vw-group-customer-name": "X"},
    )
    log = sim.engine.vehicles[vin]["changelog"]
    assert log[-1] == {**log[-1], "status": "pending", "reason": R.PRIVACY_MODE}
    sim.engine.advance(4 * DAY)
    got = sim.engine.vehicles[vin]
    assert got["status"] in ("approved", "rejected")
    if got["status"] == "rejected":
        assert got["changelog"][-1]["reason"] == R.PRIVACY_MODE


def test_cancel_refused_for_brands_without_support(sim):
    vin = "WBA00000000000020"
    sim.engine.seed_vehicle(vin, "bmw", "pending", 3 * DAY, hold=True)
    with authed(sim) as c:
        r = c.delete(f"/v1/fleets/vehicles/{vin}")
    assert r.status_code == 422
    assert only_error(r) == {
        "title": "not supported",
        "detail": "cancellation is not supported for this vin",
    }


def test_cancel_refused_before_one_day_then_allowed(sim):
    vin = "VF3AAAAA5A0000021"
    sim.engine.seed_vehicle(vin, "peugeot", "pending", 3600, hold=True)
    with authed(sim) as c:
        r = c.delete(f"/v1/fleets/vehicles/{vin}")
        assert r.status_code == 422
        assert only_error(r) == {
            "title": "too early",
            "source": "status",
            "detail": "the pending status could only be canceled after 1 day it's created",
        }
        sim.engine.advance(DAY)
    with authed(sim) as c:
        r = c.delete(f"/v1/fleets/vehicles/{vin}")
        assert r.status_code == 200
        assert r.json() == {"vin": vin, "status": "canceling", "tags": {}}
        r = c.delete(f"/v1/fleets/vehicles/{vin}")
        assert r.status_code == 409
        assert only_error(r) == {
            "title": "Conflict",
            "source": "vin",
            "detail": "Clearance is in transition mode",
        }
        sim.engine.advance(3600)
    with authed(sim) as c:
        got = _get(c, vin)
        assert got["status"] == "canceled"
        assert [e["status"] for e in got["changelog"]] == ["pending", "canceling", "canceled"]
        r = c.delete(f"/v1/fleets/vehicles/{vin}")
        assert r.status_code == 409
        assert only_error(r)["detail"] == "Clearance is already removed"


def test_cancel_voids_the_scheduled_verdict(sim):
    vin = "W1K00000000000022"
    sim.engine.seed_vehicle(vin, "mercedes-benz", "pending", 2 * DAY)
    with authed(sim) as c:
        assert c.delete(f"/v1/fleets/vehicles/{vin}").status_code == 200
    sim.engine.advance(30 * DAY)
    assert sim.engine.vehicles[vin]["status"] == "canceled"
    assert len(sim.engine.vehicles[vin]["changelog"]) == 3


def test_revoke_goes_through_revoking_to_revoked(sim):
    vin = "WBA00000000000023"
    sim.engine.seed_vehicle(vin, "bmw", "approved", 10 * DAY, tags={"fleet": "pool"})
    with authed(sim) as c:
        r = c.delete(f"/v1/fleets/vehicles/{vin}")
        assert r.status_code == 200
        assert r.json() == {"vin": vin, "status": "revoking", "tags": {"fleet": "pool"}}
        assert (
            only_error(c.delete(f"/v1/fleets/vehicles/{vin}"))["detail"]
            == "Clearance is in transition mode"
        )
        sim.engine.advance(3600)
    with authed(sim) as c:
        got = _get(c, vin)
        assert [e["status"] for e in got["changelog"]] == [
            "pending",
            "approved",
            "revoking",
            "revoked",
        ]
        assert c.delete(f"/v1/fleets/vehicles/{vin}").status_code == 409


@pytest.mark.parametrize("status", ["rejected", "revoked", "canceled"])
def test_delete_on_ended_clearances_is_already_removed(sim, status):
    vin = "VF3AAAAA5A0000024"
    sim.engine.seed_vehicle(vin, "peugeot", status, 20 * DAY)
    with authed(sim) as c:
        r = c.delete(f"/v1/fleets/vehicles/{vin}")
    assert r.status_code == 409
    assert only_error(r) == {
        "title": "Conflict",
        "source": "vin",
        "detail": "Clearance is already removed",
    }


def test_delete_unknown_vin_is_404(sim):
    with authed(sim) as c:
        r = c.delete("/v1/fleets/vehicles/VF3AAAAA5A9999999")
    assert r.status_code == 404 and only_error(r)["source"] == "vin"


def test_ford_readded_right_after_revocation_hits_revoke_in_progress(sim):
    vin = "WF0AXXGCDA0000025"
    sim.engine.seed_vehicle(vin, "ford", "approved", 5 * DAY)
    with authed(sim) as c:
        assert c.delete(f"/v1/fleets/vehicles/{vin}").status_code == 200
    for _ in range(200):
        if sim.engine.vehicles[vin]["status"] == "revoked":
            break
        sim.engine.advance(60)
    assert sim.engine.vehicles[vin]["status"] == "revoked"
    with authed(sim) as c:
        assert _post(c, vin, "ford")["status"] == "pending"
    sim.engine.advance(600)
    got = sim.engine.vehicles[vin]
    assert [e["status"] for e in got["changelog"]] == [
        "pending",
        "approved",
        "revoking",
        "revoked",
        "pending",
        "rejected",
    ]
    assert got["changelog"][-1]["reason"] == R.FORD_REVOKE_IN_PROGRESS


def test_every_transition_appends_one_changelog_entry(sim):
    vin = "VF7AAAAA5A0000026"
    with authed(sim) as c:
        _post(c, vin, "citroen")
    seen = [len(sim.engine.vehicles[vin]["changelog"])]
    for _ in range(40):
        sim.engine.advance(6 * 3600)
        seen.append(len(sim.engine.vehicles[vin]["changelog"]))
    assert seen[0] == 1 and seen == sorted(seen) and seen[-1] >= 2
    final = sim.engine.vehicles[vin]
    assert final["status"] in ("approved", "rejected")
    assert final["changelog"][-1]["status"] == final["status"]


def test_seed_vehicle_states_and_hold(sim):
    for i, status in enumerate(
        ("pending", "approved", "rejected", "revoking", "revoked", "canceling", "canceled")
    ):
        vin = f"W1K0000000000010{i}"
        got = sim.engine.seed_vehicle(vin, "mercedes-benz", status, 5 * DAY)
        assert got["status"] == status
        times = [parse_ts(e["timestamp"]) for e in got["changelog"]]
        assert times == sorted(times) and times[-1] <= sim.engine.now()
    with pytest.raises(ValueError):
        sim.engine.seed_vehicle("W1K00000000000200", "mercedes-benz", "error", 0)
    sim.engine.seed_vehicle("W1K00000000000201", "mercedes-benz", "pending", 0, hold=True)
    sim.engine.advance(60 * DAY)
    assert sim.engine.vehicles["W1K00000000000201"]["status"] == "pending"


def test_add_vehicle_helper_behaves_like_post(sim):
    assert sim.engine.add_vehicle("12345", "bmw") == {
        "vin": "12345",
        "status": "error",
        "description": "vin should be 17 character(s)",
    }
    assert (
        sim.engine.add_vehicle("WBA00000000000300", "nope")["description"] == "The brand is invalid"
    )
    ok = sim.engine.add_vehicle("WBA00000000000300", "BMW", {"fleet": "pool"})
    assert ok == {"vin": "WBA00000000000300", "status": "pending", "tags": {"fleet": "pool"}}
    assert sim.engine.vehicles["WBA00000000000300"]["brand"] == "bmw"
