"""Helpers for the data-check tests (issue 19): a car in privacy mode on the simulator."""

from __future__ import annotations

UNCOVERED = ("tesla", "polestar", "vauxhall", "maserati")


def private_car(sim) -> str:  # noqa: ANN001
    """A BMW whose traits switch privacy mode on, seeded approved, the simulated clock
    moved into its privacy window (and past an offline hour)."""
    model = sim.vehicle_data
    for i in range(5000):
        vin = f"WBA3A5C5{i:09d}"
        t = model.traits(vin)
        if t.privacy is not None and t.consent_removed_at == t.no_consent_at == float("inf"):
            break
    sim.engine.seed_vehicle(vin, "bmw", "approved", 10 * 86400)
    rec = sim.engine.record(vin)
    period, start, _ = t.privacy
    now = sim.engine.epoch()
    k = int((now - rec.approved) / 3600 // period) + 1
    sim.engine.advance(rec.approved + (k * period + start + 0.5) * 3600 - now)
    for _ in range(8):
        status, _ = model.answer(vin, "bmw", rec, sim.engine.epoch())
        if status == 403:
            return vin
        sim.engine.advance(1800)
    raise AssertionError("the seeded car is not in privacy mode")
