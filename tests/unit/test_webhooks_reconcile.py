"""Push and list reconciliation on a fake clock."""

from __future__ import annotations

from fleettui.webhooks.health import HealthSnapshot
from fleettui.webhooks.reconcile import PushLedger, refresh_interval

VIN_A, VIN_B, VIN_C = "WBA00000000000001", "WBA00000000000002", "WBA00000000000003"


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_the_list_confirms_or_wins():
    clock = Clock()
    ledger = PushLedger(clock=clock)
    ledger.pushed(VIN_A, "approved", None)
    ledger.pushed(VIN_B, "rejected", "ineligible VIN")
    clock.t += 5
    started = clock.t
    clock.t += 1
    ledger.pushed(VIN_C, "approved", None)  # arrived while the list was being fetched
    verdict = ledger.judge({VIN_A: "approved", VIN_B: "pending", VIN_C: "pending"}, started)
    assert verdict.confirmed == (VIN_A,) and verdict.disagreed == (VIN_B,)
    assert ledger.disagreements == 1
    assert ledger.unconfirmed(VIN_C) is not None  # judged by the next list
    verdict = ledger.judge({VIN_C: "approved"}, clock.t + 1)
    assert verdict.confirmed == (VIN_C,) and ledger.disagreements == 1


def test_unannounced_list_changes_make_push_silent():
    clock = Clock()
    ledger = PushLedger(silence=600, clock=clock)
    ledger.pushed(VIN_A, "approved", None)
    assert ledger.list_changed([VIN_A], clock.t) == 0  # announced
    assert not ledger.silent()
    clock.t += 700
    assert ledger.list_changed([VIN_B, VIN_C], clock.t) == 2
    assert ledger.silent()  # changes, and no delivery for longer than the window
    ledger.pushed(VIN_B, "approved", None)
    assert not ledger.silent()
    snap = ledger.annotate(HealthSnapshot(heartbeat=clock.t))
    assert snap.push_silent is False and snap.disagreements == 0


def test_refresh_relaxes_only_while_push_is_healthy():
    now = 5000.0
    healthy = HealthSnapshot(heartbeat=now - 1, last_ping=now - 100)
    assert refresh_interval(15, 600, healthy, now) == 600
    assert refresh_interval(15, 600, healthy, now, silent=True) == 15
    assert refresh_interval(15, 600, HealthSnapshot(heartbeat=now - 1), now) == 15  # nothing yet
    assert refresh_interval(15, 600, HealthSnapshot(last_ping=now), now) == 15  # down
    assert refresh_interval(15, 600, None, now) == 15
    alert = HealthSnapshot(heartbeat=now, last_ping=now, last_bad_signature=now - 10)
    assert refresh_interval(15, 600, alert, now) == 15
