"""Brand + state rules checked before any write."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fleettui.core.brands import BRANDS
from fleettui.core.rules import check_action, check_new_vehicle, plan_bulk
from fleettui.core.states import Action, State
from fleettui.core.vehicle import Vehicle
from tests.support.sim import SIM_START

NOW = SIM_START


def make(
    status: str,
    brand: str = "peugeot",
    age: timedelta | None = timedelta(days=3),
    vin: str = "VF3ABCDEFGH123456",
) -> Vehicle:
    log = []
    if age is not None:
        log.append({"timestamp": (NOW - age).isoformat(), "status": "pending"})
        if status != "pending":
            log.append({"timestamp": (NOW - age / 2).isoformat(), "status": status})
    return Vehicle.from_api({"vin": vin, "brand": brand, "status": status, "changelog": log})


CANCELABLE = sorted(c for c, b in BRANDS.items() if b.cancelable)
NOT_CANCELABLE = sorted(c for c, b in BRANDS.items() if not b.cancelable)


@pytest.mark.parametrize("brand", CANCELABLE)
def test_cancel_pending_on_cancelable_brands(brand):
    r = check_action(make("pending", brand), Action.CANCEL, NOW)
    assert r.allowed and r.reason == "" and r.warnings == []


def test_cancelable_set_is_stellantis_mercedes_vw():
    assert set(CANCELABLE) == {
        "alfaromeo",
        "citroen",
        "ds",
        "fiat",
        "jeep",
        "maserati",
        "opel",
        "peugeot",
        "vauxhall",
        "mercedes-benz",
        "volkswagen",
        "audi",
        "skoda",
        "seat",
        "cupra",
    }


@pytest.mark.parametrize("brand", NOT_CANCELABLE)
def test_cancel_refused_on_other_brands_with_fix(brand):
    r = check_action(make("pending", brand), Action.CANCEL, NOW)
    assert not r.allowed
    assert "can't be cancelled through the API" in r.reason
    assert "Stellantis, Mercedes-Benz and VW-group brands" in r.reason
    assert "Revoke it once approved, or ask support" in r.reason


def test_ford_message_reads_plainly():
    r = check_action(make("pending", "ford"), Action.CANCEL, NOW)
    assert r.reason == (
        "Ford clearances can't be cancelled through the API; only Stellantis, "
        "Mercedes-Benz and VW-group brands can. Revoke it once approved, or ask "
        "support."
    )


def test_cancel_unknown_brand_refused():
    r = check_action(make("pending", "trabant"), Action.CANCEL, NOW)
    assert not r.allowed and "trabant" in r.reason


@pytest.mark.parametrize(
    "status", ["approved", "rejected", "revoked", "canceled", "error", "paused"]
)
def test_cancel_only_from_pending(status):
    r = check_action(make(status), Action.CANCEL, NOW)
    assert not r.allowed and "Only a pending clearance can be cancelled" in r.reason
    if status == "approved":
        assert "Revoke it instead" in r.reason
    if status == "paused":
        assert "'paused'" in r.reason


def test_cancel_under_a_day_warns_not_refuses():
    r = check_action(make("pending", age=timedelta(hours=5)), Action.CANCEL, NOW)
    assert r.allowed
    assert len(r.warnings) == 1
    assert "5h 00m" in r.warnings[0] and "too early" in r.warnings[0]
    assert "2026-11-02T07:00:00Z" in r.warnings[0]


def test_cancel_exactly_one_day_no_warning():
    assert check_action(make("pending", age=timedelta(days=1)), Action.CANCEL, NOW).warnings == []


def test_cancel_age_unknown_no_warning():
    r = check_action(make("pending", age=None), Action.CANCEL, NOW)
    assert r.allowed and r.warnings == []


def test_cancel_age_uses_first_pending_entry_not_latest_retry():
    v = Vehicle.from_api(
        {
            "vin": "VF3ABCDEFGH123456",
            "brand": "opel",
            "status": "pending",
            "changelog": [
                {"timestamp": "2026-10-30T12:00:00Z", "status": "pending"},
                {
                    "timestamp": "2026-11-01T11:00:00Z",
                    "status": "pending",
                    "reason": "vehicle not driven",
                },
            ],
        }
    )
    assert check_action(v, Action.CANCEL, NOW).warnings == []


def test_revoke_only_from_approved():
    assert check_action(make("approved", "bmw"), Action.REVOKE, NOW).allowed
    r = check_action(make("rejected", "bmw"), Action.REVOKE, NOW)
    assert not r.allowed and "Nothing to revoke" in r.reason


def test_revoke_pending_points_to_cancel_or_wait():
    assert "Cancel it instead" in check_action(make("pending", "audi"), Action.REVOKE, NOW).reason
    r = check_action(make("pending", "bmw"), Action.REVOKE, NOW)
    assert not r.allowed and "wait until it is approved" in r.reason


@pytest.mark.parametrize("status", ["revoking", "canceling"])
@pytest.mark.parametrize("action", list(Action))
def test_nothing_while_in_transition(status, action):
    r = check_action(make(status, "audi"), action, NOW)
    assert not r.allowed and status in r.reason and "Wait" in r.reason


def test_new_vehicle_ok():
    assert check_new_vehicle("VF3ABCDEFGH123456", "peugeot", {}) == []
    assert (
        check_new_vehicle(
            " wvwzzz1kz6w000001 ", "Volkswagen", {"vw-group-customer-name": "ACME Fleet"}
        )
        == []
    )


def test_new_vehicle_problems_named():
    p = check_new_vehicle("WVWZZZ1KZ6W00000", "volkswagen", {})
    assert "VIN: 16 characters, need 17" in p
    assert any("vw-group-customer-name" in x for x in p)
    p = check_new_vehicle("WVWZZZ1KZ6W000001", "volks", {})
    assert p == ["unknown brand 'volks'; did you mean volkswagen?"]
    assert check_new_vehicle("WVWZZZ1KZ6W000001", "", {})[0].startswith("brand is missing")
    p = check_new_vehicle("WVWZZZ1KZ6W000001", "audi", {"vw-group-customer-name": "  "})
    assert len(p) == 1 and "vw-group-customer-name" in p[0]
    p = check_new_vehicle("WVWZZZ1KZ6W000001", "bmw", {"": "x", "n": 5})
    assert len(p) == 2


def test_plan_bulk_sends_allowed_and_skips_with_reasons():
    vs = [
        make("pending", "peugeot", vin="VF3ABCDEFGH000001"),
        make("pending", "ford", vin="1FAABCDEFGH000002"),
        make("approved", "peugeot", vin="VF3ABCDEFGH000003"),
        make("pending", "opel", timedelta(hours=2), vin="W0LABCDEFGH000004"),
        make("pending", "peugeot", vin="VF3ABCDEFGH000001"),
    ]
    plan = plan_bulk(vs, Action.CANCEL, NOW)
    assert [v.vin for v in plan.send] == ["VF3ABCDEFGH000001", "W0LABCDEFGH000004"]
    assert [v.vin for v, _ in plan.skip] == [
        "1FAABCDEFGH000002",
        "VF3ABCDEFGH000003",
        "VF3ABCDEFGH000001",
    ]
    assert plan.skip[2][1] == "listed twice; sent once"
    assert [v.vin for v, _ in plan.warnings] == ["W0LABCDEFGH000004"]
    assert plan.summary() == "2 to send, 3 skipped, 1 with warnings"
    assert len(plan.skip) == 3


def test_plan_bulk_revoke_empty():
    plan = plan_bulk([], Action.REVOKE, NOW)
    assert plan.send == [] and plan.skip == [] and plan.summary() == "0 to send, 0 skipped"


def test_only_pending_cancel_and_approved_revoke_are_allowed():
    allowed = {(State.PENDING, Action.CANCEL), (State.APPROVED, Action.REVOKE)}
    for s in State:
        for a in Action:
            r = check_action(make(s.value, "audi"), a, NOW)
            assert r.allowed == ((s, a) in allowed), (s, a)
            assert r.allowed or r.reason


def test_every_state_has_its_own_colour_and_glyph():
    """On a 16-colour terminal two states in one colour can only be told apart by glyph;
    keep every colour (and glyph) distinct."""
    from fleettui.core.states import STATE_INFO

    colours = [i.colour for i in STATE_INFO.values()]
    glyphs = [i.glyph for i in STATE_INFO.values()]
    assert len(set(colours)) == len(colours)
    assert len(set(glyphs)) == len(glyphs)
