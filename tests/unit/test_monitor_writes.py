"""The monitor controller's write decisions, without Textual: which vehicles a cancel or
revoke targets, what is skipped and why, what a sent batch changes, and the add draft;
against the simulator over real HTTP."""

from __future__ import annotations

from dataclasses import replace

import pytest

from fleettui.api.errors import RateLimited
from fleettui.config.audit import read_audit
from fleettui.core.states import Action, State
from fleettui.core.vehicle import Vehicle
from fleettui.monitor.accounts import account_for_simulator
from fleettui.monitor.add_lines import AddDraft, parse_line
from fleettui.monitor.controller import Monitor
from fleettui.monitor.deletes import OPEN_HINT, delete_one
from fleettui.monitor.updates import Notice
from tests.support.pilot import (
    AUDI_FRESH,
    BMW_PENDING,
    KIA_APPROVED,
    PEUGEOT_PENDING,
    seed_test_vehicles,
)
from tests.support.sim import SIM_START


@pytest.fixture
def monitor(sim):
    seed_test_vehicles(sim)
    m = Monitor(None, clock=lambda: SIM_START, sleep=lambda s: None)
    m.connect(replace(account_for_simulator(sim), audit=True))
    m.refreshes.took(m.refreshes.fetch(m.refreshes.start_poll()))
    yield m
    m.close()


def test_single_cancel_of_a_brand_that_cannot_is_refused_before_sending(monitor):
    plan = monitor.writes.plan_deletes(Action.CANCEL, monitor.store.vehicle(BMW_PENDING))
    assert plan.refusal is not None and plan.vins == []
    assert plan.refusal.title == "Cancel refused"
    assert plan.refusal.message.startswith(f"Cannot cancel {BMW_PENDING}: ")
    assert plan.refusal.message.endswith("Nothing was sent.")


def test_single_revoke_asks_for_the_last_four_and_young_cancel_warns(monitor):
    revoke = monitor.writes.plan_deletes(Action.REVOKE, monitor.store.vehicle(KIA_APPROVED))
    assert (
        revoke.refusal is None
        and revoke.vins == [KIA_APPROVED]
        and revoke.require == KIA_APPROVED[-4:]
    )
    cancel = monitor.writes.plan_deletes(Action.CANCEL, monitor.store.vehicle(AUDI_FRESH))
    assert cancel.require is None and cancel.warnings and "day" in cancel.warnings[0][0]


def test_no_target_and_read_only_are_refusals(monitor):
    assert (
        monitor.writes.plan_deletes(Action.CANCEL, None).refusal.message
        == "No vehicle under the cursor."
    )
    monitor.read_only = True
    refusal = monitor.writes.plan_deletes(
        Action.CANCEL, monitor.store.vehicle(PEUGEOT_PENDING)
    ).refusal
    assert refusal.title == "Read-only" and "profile setting" in refusal.message
    assert isinstance(monitor.writes.open_add(), Notice)


def test_marked_vehicles_are_the_targets_with_skips_and_why(monitor):
    monitor.marked.update({PEUGEOT_PENDING, BMW_PENDING, KIA_APPROVED, "NOTINTHEFLEET0000"})
    plan = monitor.writes.plan_deletes(Action.CANCEL, monitor.store.vehicle(AUDI_FRESH))
    assert plan.bulk and plan.targets == 3  # a VIN gone from the fleet is not a target
    assert plan.vins == [PEUGEOT_PENDING]
    assert sorted(vin for vin, *_ in plan.skipped) == sorted([BMW_PENDING, KIA_APPROVED])
    assert {brand for _, _, brand, _ in plan.skipped} == {"BMW", "Kia"}
    monitor.marked.clear()
    monitor.marked.add(BMW_PENDING)
    nothing = monitor.writes.plan_deletes(Action.CANCEL, None)
    assert nothing.refusal is not None and nothing.refusal.message.startswith(
        "Nothing to cancel: all 1 marked were skipped ("
    )


def test_bulk_revoke_asks_for_the_count(monitor):
    monitor.marked.update({KIA_APPROVED, PEUGEOT_PENDING})
    plan = monitor.writes.plan_deletes(Action.REVOKE, None)
    assert plan.vins == [KIA_APPROVED] and plan.require == "1"


def test_a_sent_batch_shows_at_once_unmarks_audits_and_keeps_the_refusals(sim, monitor):
    monitor.marked.update({PEUGEOT_PENDING, AUDI_FRESH})
    plan = monitor.writes.plan_deletes(Action.CANCEL, None)
    assert plan.vins == sorted(
        [AUDI_FRESH, PEUGEOT_PENDING]
    )  # the young Audi is sent, with a warning
    result = monitor.writes.send_deletes(Action.CANCEL, plan.vins, monitor.generation)
    ok = {o.vin: o.ok for o in result.outcomes}
    assert ok == {PEUGEOT_PENDING: True, AUDI_FRESH: False}
    update = monitor.writes.took_deletes(result)
    assert update.repaint and update.unmarked
    assert monitor.marked == {AUDI_FRESH}  # the refused one stays marked
    assert monitor.store.vehicle(PEUGEOT_PENDING).state is State.CANCELING
    assert sim.engine.record(PEUGEOT_PENDING).status == "canceling"
    [notice] = update.notices
    assert notice.severity == "warning" and notice.message.endswith(OPEN_HINT)
    assert notice.message.startswith("Canceling 1 of 2 vehicles.")
    title, outcomes = monitor.writes.last_write
    assert title.startswith("Cancel: 1 of 2 accepted\nRecorded in the audit log: ")
    assert title.endswith("audit.jsonl") and len(outcomes) == 2
    [entry] = read_audit()
    assert entry["action"] == "cancel" and sorted(entry["vins"]) == sorted(
        [AUDI_FRESH, PEUGEOT_PENDING]
    )


def test_a_batch_for_an_earlier_account_does_not_touch_the_store(sim, monitor):
    result = monitor.writes.send_deletes(Action.REVOKE, [KIA_APPROVED], monitor.generation)
    monitor.connect(account_for_simulator(sim))
    update = monitor.writes.took_deletes(result)
    assert not update.repaint and monitor.store.total == 0


def test_a_rate_limited_delete_waits_once_then_asks_again():
    waits: list[float] = []

    class Writer:
        calls = 0

        def delete_vehicle(self, vin: str) -> Vehicle:
            self.calls += 1
            if self.calls == 1:
                raise RateLimited(retry_after=120)
            return Vehicle(vin=vin, brand="", status="revoking", state=State.REVOKING)

    writer = Writer()
    outcome = delete_one(writer, KIA_APPROVED, waits.append)
    assert outcome.ok and outcome.vehicle.status == "revoking" and writer.calls == 2
    assert waits == [30.0]  # never longer than half a minute


def test_add_shows_accepted_at_once_and_draft_is_kept_for_the_next_a(sim, monitor):
    good = parse_line("VF3BBBBB0NC000009,peugeot")
    bad = parse_line("VF3BBBBB0NC00001,peugeot")  # 16 characters: the provider refuses
    result = monitor.writes.send_add([good, replace(bad, problems=[])], monitor.generation)
    assert result.error is None and result.added == 1
    update = monitor.writes.took_add(result)
    assert update.repaint and monitor.store.vehicle(good.vin).state is State.PENDING
    assert [e["action"] for e in read_audit()] == ["add"]

    assert monitor.writes.open_add() is None
    notice = monitor.writes.add_closed(AddDraft(vin="VF3", many="a\nb\n# note"))
    assert notice.message == "Draft kept: 3 lines. Press a to go on with it."
    assert monitor.writes.open_add() == AddDraft(vin="VF3", many="a\nb\n# note")
    assert monitor.writes.open_add() is None  # taken: the form holds it now


def test_writes_have_their_own_lock_per_monitor(sim):
    first, second = Monitor(None), Monitor(None)
    assert first.writes.lock is not second.writes.lock


def test_a_bulk_result_names_every_vin_it_skipped(monitor):
    from fleettui.ui.screens.results import results_text

    monitor.marked.update({PEUGEOT_PENDING, BMW_PENDING})
    plan = monitor.writes.plan_deletes(Action.CANCEL, None)
    assert plan.vins == [PEUGEOT_PENDING] and [s[0] for s in plan.skipped] == [BMW_PENDING]
    skipped = tuple((vin, why) for vin, why, *_ in plan.skipped)
    result = monitor.writes.send_deletes(Action.CANCEL, plan.vins, monitor.generation, skipped)
    update = monitor.writes.took_deletes(result)
    summary = update.notices[0]
    assert f"1 skipped (not sent): {BMW_PENDING}" in summary.message
    title, outcomes = monitor.writes.last_write
    assert title.startswith("Cancel: 1 of 1 accepted, 1 skipped (not sent)")
    body = results_text(title, outcomes).plain
    assert "– 1 skipped, not sent: BMW clearances can't be cancelled" in body
    assert BMW_PENDING in body and [e["vins"] for e in read_audit()] == [[PEUGEOT_PENDING]]
