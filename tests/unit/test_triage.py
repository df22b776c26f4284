"""Triage queues and deadlines on the seeded simulator fleet; the simulated clock proves
the deadlines are honest estimates."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fleettui.core import reasons as R
from fleettui.core.brands import VW_CUSTOMER_TAG, brand_info
from fleettui.core.reasons import Actor
from fleettui.core.states import State
from fleettui.core.timings import (
    RETRY_WINDOWS,
    approx,
    deadline_for,
    retry_window,
    usual_approval_seconds,
)
from fleettui.triage.board import ACTOR_ORDER, STUCK, WAITING
from fleettui.triage.queues import build_board
from tests.support.fleets import refresh_store, seeded

DAY = 86400.0


@pytest.fixture(scope="module")
def fleet():
    return seeded(300)


def test_every_vehicle_needing_someone_is_in_exactly_one_queue(fleet):
    engine, store = fleet
    board = build_board(store.snapshot.order, engine.now())
    vins = [v for q in board.queues for v in q.vins]
    assert len(vins) == len(set(vins))
    expected = {
        r.vin
        for r in store.snapshot.order
        if r.state in (State.PENDING, State.REJECTED, State.REVOKING, State.CANCELING)
    }
    assert set(vins) == expected
    assert board.total == 300 and board.count() == len(expected)


def test_who_acts_comes_from_the_catalogue(fleet):
    engine, store = fleet
    board = build_board(store.snapshot.order, engine.now())
    for q in board.queues:
        info = R.lookup_reason(q.reason)
        if info is not None:
            assert q.actor is info.actor, q.id
            assert all(i.reason == info.reason for i in q.items)
    privacy = [q for q in board.queues if q.reason == R.PRIVACY_MODE]
    assert privacy and all(q.actor is Actor.DRIVER for q in privacy)
    # Queues come actor by actor, in the desk's order.
    ranks = [ACTOR_ORDER.index(q.actor) for q in board.queues]
    assert ranks == sorted(ranks)


def test_pending_with_a_retry_window_gets_a_deadline_from_when_it_was_added(fleet):
    engine, store = fleet
    now = engine.now()
    board = build_board(store.snapshot.order, now)
    [q] = [q for q in board.queues if q.reason == R.PRIVACY_MODE and q.state is State.PENDING]
    for item in q.items:
        assert item.deadline is not None
        assert item.deadline.rejects_at == item.since + timedelta(days=10)
        assert item.deadline.window.groups == ("VW Group",) and item.deadline.window.documented
    lefts = [i.time_left(now) for i in q.items]
    assert lefts == sorted(lefts)  # the queue is sorted by time left
    assert q.next_deadline == q.items[0].deadline
    label = q.items[0].deadline.label(now)
    assert label.startswith("rejects in ~") and label.endswith("(estimate)")


def test_rejected_vehicles_have_no_deadline_and_stuck_ones_their_own_queue(fleet):
    engine, store = fleet
    now = engine.now()
    board = build_board(store.snapshot.order, now)
    assert all(
        i.deadline is None for q in board.queues if q.state is State.REJECTED for i in q.items
    )
    stuck = [q for q in board.queues if q.kind == STUCK]
    assert stuck, "the seeded fleet has pending vehicles past their brand's usual time"
    for q in stuck:
        for i in q.items:
            assert i.reason is None and i.age(now) > usual_approval_seconds(i.brand)
    for q in board.queues:
        if q.kind == WAITING and q.state is State.PENDING:
            assert all(i.age(now) <= usual_approval_seconds(i.brand) for i in q.items)


def test_ford_consent_window_and_stuck_ford_goes_to_the_fleet_operator():
    w = retry_window(None, "ford")
    assert w is not None and w.check_hours == 12 and w.days == 10
    assert retry_window(None, "bmw") is None
    assert retry_window("Privacy Mode is enabled ", "audi").groups == ("VW Group",)
    assert retry_window(R.NO_DATA_YET, "peugeot").documented
    assert not retry_window(R.NO_DATA_YET, "kia").documented
    assert all(w.days > 0 and w.note for w in RETRY_WINDOWS)
    assert deadline_for(R.PRIVACY_MODE, "audi", None) is None
    assert approx(3 * DAY + 3600) == "3 d" and approx(5 * 3600) == "5 h"


def test_the_vw_tag_fix_names_the_fleets_customer_name(fleet):
    engine, store = fleet
    board = build_board(store.snapshot.order, engine.now())
    [q] = [q for q in board.queues if q.reason == R.CUSTOMER_NAME_TAG_MISSING]
    assert q.fix is not None and q.fix.action == "re-add"
    assert board.customer_name and q.fix.tags == {VW_CUSTOMER_TAG: board.customer_name}
    assert all(brand_info(i.brand).group == "VW Group" for i in q.items)
    assert sum(1 for q in board.queues if q.fix is not None) == 1


def test_by_brand_splits_queues_without_losing_vehicles(fleet):
    engine, store = fleet
    rows = store.snapshot.order
    joined = build_board(rows, engine.now())
    split = build_board(rows, engine.now(), by_brand=True)
    assert len(split.queues) > len(joined.queues)
    assert all(len({i.brand for i in q.items}) == 1 and q.brand for q in split.queues)
    assert sorted(v for q in split.queues for v in q.vins) == sorted(
        v for q in joined.queues for v in q.vins
    )
    assert len({q.id for q in split.queues}) == len(split.queues)


def test_deadlines_are_honest_the_provider_rejects_around_them():
    """Advance the simulated clock past each privacy-mode deadline: the simulator (which
    follows the brand guides) has approved or rejected every one of them by then."""
    engine, store = seeded(300)
    board = build_board(store.snapshot.order, engine.now())
    dated = [i for q in board.queues for i in q.items if i.deadline is not None and i.reason]
    assert dated
    last = max(i.deadline.rejects_at for i in dated)
    engine.advance((last - engine.now()).total_seconds() + 0.5 * DAY)
    refresh_store(engine, store)
    for item in dated:
        row = store.row_for(item.vin)
        assert row.state is not State.PENDING or row.reason is None, item.vin
        if row.state is State.REJECTED:
            v = row.vehicle
            assert abs((v.state_since - item.deadline.rejects_at).total_seconds()) < 1 * DAY


def test_bad_provider_data_is_grouped_not_raised():
    from fleettui.core.store import FleetStore
    from tests.support.fleets import NOW, vdict

    odd = [
        vdict("X1", "rejected", "acme", reason="\x1b[2Jsomething new"),
        vdict("X2", "pending", "bmw", log=[("garbage", "pending", None)]),
        vdict("X3", "frozen", "bmw"),
        {"vin": "X4", "status": "pending"},
    ]
    store = FleetStore()
    store.apply(store.prepare(odd, NOW))
    board = build_board(store.snapshot.order, NOW)
    by_vin = {v: q for q in board.queues for v in q.vins}
    assert (
        by_vin["X1"].title == "\x1b[2Jsomething new" and by_vin["X1"].actor is Actor.FLEET_OPERATOR
    )
    assert by_vin["X2"].kind == WAITING and by_vin["X2"].items[0].since is None
    assert "X3" in by_vin and "X4" in by_vin
