"""Plausible past for a vehicle put straight into a state (generated fleets, test seeding).

`build_history` writes the changelog a clearance in `status` would have after `age` seconds
(its creation is `age` seconds before the simulated now), and schedules what comes next for
the states the provider is still working on. Entries are silent: no webhooks for the past.
"""

from __future__ import annotations

import random
from typing import Protocol

from fleettui.core import reasons as R
from fleettui.sim import outcomes
from fleettui.sim.clock import SimClock
from fleettui.sim.records import Record

HOUR = 3600.0
DAY = 86400.0
STATES = ("pending", "approved", "rejected", "revoking", "revoked", "canceling", "canceled")
#: Reject reasons that follow a stretch of pending-with-reason while the provider retries.
_AFTER_RETRIES = {
    R.PRIVACY_MODE,
    R.ACTIVATION_TIMEOUT_NO_DATA,
    R.VIN_ACTIVATION_TIMEOUT,
    R.CONSENT_MISSING,
}
_QUICK = {R.CUSTOMER_NAME_TAG_MISSING, R.FORD_REVOKE_IN_PROGRESS}


class Scheduler(Protocol):
    """What a history needs from the engine: its clock, and a way to schedule what comes
    next (the engine is one; this module does not import it back)."""

    clock: SimClock

    def schedule(self, rec: Record, at: float, status: str, reason: str | None) -> None: ...

    def schedule_plan(self, rec: Record, base: float, plan: list[outcomes.Step]) -> None: ...


def _verdict_at(created: float, age: float, brand: str, rng: random.Random) -> float:
    """When the provider decided, somewhere inside the clearance's life so far."""
    return created + min(outcomes.verdict_delay(brand, rng), age * 0.6)


def build_history(
    engine: Scheduler,
    rec: Record,
    status: str,
    age: float,
    reason: str | None,
    rng: random.Random,
    *,
    hold: bool = False,
    now: float | None = None,
) -> None:
    """`now` pins the simulated present (a generated fleet uses one instant for every
    vehicle, so its timestamps don't depend on how long generation took)."""
    if status not in STATES:
        raise ValueError(f"cannot seed a vehicle in state {status!r}")
    if now is None:
        now = engine.clock.epoch()
    age = max(0.0, float(age))
    created = now - age
    brand = rec.brand
    add = rec.append
    add("pending", created)

    if status == "pending":
        if reason is not None:
            add("pending", created + min(age * 0.5, rng.uniform(1, 12) * HOUR), reason)
        if hold:
            return
        if reason is None:
            plan = outcomes.plan_activation(brand, rec.tags, rng)
            first = created + plan[0][0]
            shift = max(0.0, now - first + rng.uniform(600, 36 * HOUR))
            engine.schedule_plan(rec, created + shift, plan)
        elif rng.random() < 0.5:
            engine.schedule(rec, now + rng.uniform(1, 72) * HOUR, "approved", None)
        else:
            at = max(created + outcomes.RETRY_WINDOW, now + rng.uniform(1, 12) * HOUR)
            engine.schedule(rec, at, "rejected", outcomes.timeout_reason(brand, reason))
        return

    if status == "rejected":
        if reason is None:
            reason = rng.choice(outcomes.reject_reasons_for(brand))
        if reason in _QUICK:
            add("rejected", created + min(age * 0.5, rng.uniform(2, 20) * 60), reason)
        elif reason in _AFTER_RETRIES:
            pending: str | None = R.PRIVACY_MODE if reason == R.PRIVACY_MODE else R.NO_DATA_YET
            if reason == R.CONSENT_MISSING:
                pending = None
            if pending is not None:
                add("pending", created + min(age * 0.1, rng.uniform(1, 12) * HOUR), pending)
            add("rejected", created + min(age * 0.95, outcomes.RETRY_WINDOW), reason)
        else:
            add("rejected", _verdict_at(created, age, brand, rng), reason)
        return

    if status == "approved":
        add("approved", _verdict_at(created, age, brand, rng))
        return

    if status in ("revoking", "revoked"):
        approved = _verdict_at(created, age, brand, rng)
        if status == "revoking":
            revoking = now - min(now - approved, rng.uniform(0, 10) * 60) * 0.5
            add("approved", approved)
            add("revoking", revoking)
            if not hold:
                engine.schedule(
                    rec,
                    max(revoking + outcomes.revoke_delay(brand, rng), now + 30),
                    "revoked",
                    None,
                )
            return
        revoking = approved + (now - approved) * rng.uniform(0.3, 0.9)
        add("approved", approved)
        add("revoking", revoking)
        add("revoked", revoking + min(outcomes.revoke_delay(brand, rng), (now - revoking) * 0.5))
        return

    # canceling / canceled: the provider only cancels clearances a day old or more.
    canceling = created + max(min(DAY, age), (age * rng.uniform(0.3, 0.9)))
    if status == "canceling":
        canceling = now - min(now - created - min(DAY, age), rng.uniform(0, 10) * 60)
        add("canceling", canceling)
        if not hold:
            engine.schedule(
                rec, max(canceling + outcomes.cancel_delay(rng), now + 30), "canceled", None
            )
        return
    add("canceling", canceling)
    add("canceled", canceling + min(outcomes.cancel_delay(rng), (now - canceling) * 0.5))
