"""A seeded, realistic fleet: European brand mix, ages over weeks, every state and reason.

Every state and every reason of the catalogue appears once the fleet has ~200 vehicles or
more (each gets at least one vehicle of a brand it applies to); smaller fleets get every
state and as many reasons as a third of the fleet allows. The rest is drawn from weights
that look like a European company fleet some weeks after onboarding.
"""

from __future__ import annotations

import bisect
import gc
import itertools
import random
from typing import TYPE_CHECKING

from fleettui.core import reasons as R
from fleettui.core.brands import VW_CUSTOMER_TAG, VW_GROUP, brand_info
from fleettui.sim import outcomes
from fleettui.sim.clock import STYLES
from fleettui.sim.history import STATES, build_history
from fleettui.sim.vins import unique_vins

if TYPE_CHECKING:
    from fleettui.sim.engine import Engine

DAY = 86400.0

BRAND_WEIGHTS: dict[str, float] = {
    "volkswagen": 14,
    "skoda": 7,
    "audi": 6,
    "seat": 3,
    "cupra": 2,
    "porsche": 1,
    "mercedes-benz": 10,
    "bmw": 9,
    "mini": 2,
    "peugeot": 6,
    "opel": 5,
    "citroen": 4,
    "fiat": 3,
    "vauxhall": 2,
    "jeep": 1,
    "ds": 1,
    "alfaromeo": 0.5,
    "maserati": 0.2,
    "renault": 6,
    "dacia": 3,
    "ford": 6,
    "toyota": 5,
    "lexus": 0.8,
    "volvo-cars": 3,
    "polestar": 1,
    "tesla": 4,
    "kia": 4,
    "nissan": 2,
}
STATE_WEIGHTS: dict[str, float] = {
    "approved": 56,
    "pending": 15,
    "rejected": 12,
    "revoked": 7,
    "canceled": 4,
    "revoking": 1.5,
    "canceling": 1.5,
}
#: Share of pending vehicles that carry a reason while the provider retries.
PENDING_WITH_REASON = 0.45
#: Share of VW-group vehicles that carry the customer-name tag.
VW_TAGGED = 0.94

_DEPOTS = (
    "Berlin",
    "Munich",
    "Hamburg",
    "Cologne",
    "Paris",
    "Lyon",
    "Milan",
    "Madrid",
    "Amsterdam",
    "Vienna",
    "Warsaw",
    "Brussels",
)
_FLEETS = ("pool", "sales", "service", "delivery", "executive", "leasing")
_CUSTOMERS = ("Nordlicht Mobility GmbH", "Acme Fleet Services", "Rhein Logistik AG")

_BRANDS = tuple(BRAND_WEIGHTS)
_BRAND_CUM = tuple(itertools.accumulate(BRAND_WEIGHTS.values()))
_STATES = tuple(STATE_WEIGHTS)
_STATE_CUM = tuple(itertools.accumulate(STATE_WEIGHTS.values()))
_VW_BRANDS = frozenset(b for b in _BRANDS if brand_info(b).group == VW_GROUP)


def coverage_items(limit: int | None = None) -> list[tuple[str, str | None]]:
    """(state, reason) pairs that must appear: every state, then every reason."""
    items: list[tuple[str, str | None]] = [(s, None) for s in STATES]
    reasons = [("pending", r) for r in R.PENDING_REASONS]
    reasons += [("rejected", r) for r in R.REJECT_REASONS]
    if limit is not None:
        reasons = reasons[: max(0, limit)]
    return items + reasons


def _brand_for(reason: str | None, rng: random.Random) -> str:
    if reason is None:
        return _BRANDS[bisect.bisect(_BRAND_CUM, rng.random() * _BRAND_CUM[-1])]
    info = R.CATALOGUE[reason]
    fits = [b for b in _BRANDS if info.applies_to(b)]
    return rng.choices(fits, [BRAND_WEIGHTS[b] for b in fits])[0]


def _tags(brand: str, rng: random.Random, customer: str, vw_tag: bool) -> dict[str, str]:
    r = rng.random
    tags = {"fleet": _FLEETS[int(r() * len(_FLEETS))], "depot": _DEPOTS[int(r() * len(_DEPOTS))]}
    if r() < 0.6:
        tags["cost-centre"] = f"CC-{1000 + int(r() * 40)}"
    if vw_tag and brand in _VW_BRANDS:
        tags[VW_CUSTOMER_TAG] = customer
    return tags


def _age(status: str, reason: str | None, rng: random.Random) -> float:
    if status == "pending":
        if reason is None:
            return rng.uniform(0.02, 2.5) * DAY
        return rng.uniform(1.0, 9.5) * DAY
    if status in ("revoking", "canceling"):
        return rng.uniform(1.5, 30) * DAY
    if reason in (R.CUSTOMER_NAME_TAG_MISSING, R.FORD_REVOKE_IN_PROGRESS):
        return rng.uniform(0.1, 20) * DAY
    if status == "rejected" and reason in (
        R.PRIVACY_MODE,
        R.ACTIVATION_TIMEOUT_NO_DATA,
        R.VIN_ACTIVATION_TIMEOUT,
        R.CONSENT_MISSING,
    ):
        return rng.uniform(10.5, 45) * DAY
    return rng.uniform(1, 56) * DAY


def state_weights(pending_share: float | None) -> tuple[tuple[str, ...], tuple[float, ...]]:
    """(states, cumulative weights): STATE_WEIGHTS, or with `pending_share` of the fleet
    pending and revoking/canceling scaled with it (a mature fleet: 5% pending, ~6% in a
    state that moves by itself, instead of the default 15% and 18%)."""
    if pending_share is None:
        return _STATES, _STATE_CUM
    share = min(max(pending_share, 0.0), 0.8)
    moving = ("pending", "revoking", "canceling")
    settled = sum(w for st, w in STATE_WEIGHTS.items() if st not in moving)
    per_pending = sum(STATE_WEIGHTS[st] for st in moving) / STATE_WEIGHTS["pending"]
    pending = share * settled / (1 - share * per_pending)
    scale = pending / STATE_WEIGHTS["pending"]
    weights = {st: w * scale if st in moving else w for st, w in STATE_WEIGHTS.items()}
    return tuple(weights), tuple(itertools.accumulate(weights.values()))


def generate(engine: Engine, count: int, seed: int, pending_share: float | None = None) -> None:
    """Fill the engine with `count` vehicles, deterministic under `seed` (`pending_share`:
    see state_weights)."""
    rng = random.Random(f"fleet:{seed}")
    states, cum = state_weights(pending_share)
    customer = rng.choice(_CUSTOMERS)
    needed = coverage_items(None if count >= 200 else count // 3)
    if len(needed) > count:
        needed = needed[:count]
    slots = dict(zip(rng.sample(range(count), len(needed)), needed, strict=True))

    plan: list[tuple[str, str, str | None]] = []
    for i in range(count):
        status, reason = slots.get(i, (None, None))
        if status is None:
            status = states[bisect.bisect(cum, rng.random() * cum[-1])]
            if status == "pending" and rng.random() < PENDING_WITH_REASON:
                reason = "?"
        brand = _brand_for(reason if reason != "?" else None, rng)
        while status in ("canceling", "canceled") and not brand_info(brand).cancelable:
            brand = _brand_for(None, rng)  # only some brands can be cancelled at all
        if reason == "?":
            reason = rng.choice(outcomes.pending_reasons_for(brand))
        plan.append((brand, status, reason))

    vins = unique_vins([b for b, _, _ in plan], rng, set(engine.vehicles))
    # Hundreds of thousands of small, long-lived objects: the cyclic GC would rescan them
    # over and over while they are created (they hold no cycles).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        _fill(engine, vins, plan, rng, customer)
    finally:
        if was_enabled:
            gc.enable()


def _fill(
    engine: Engine,
    vins: list[str],
    plan: list[tuple[str, str, str | None]],
    rng: random.Random,
    customer: str,
) -> None:
    with engine.lock:
        now = engine.clock.base_epoch()
        for vin, (brand, status, reason) in zip(vins, plan, strict=True):
            vw_tag = reason != R.CUSTOMER_NAME_TAG_MISSING
            if (
                vw_tag
                and reason is None
                and status in ("pending", "rejected")
                and brand in _VW_BRANDS
                and rng.random() > VW_TAGGED
            ):
                vw_tag, status, reason = False, "rejected", R.CUSTOMER_NAME_TAG_MISSING
            if status == "rejected" and reason is None:
                reason = rng.choice(outcomes.reject_reasons_for(brand))
            rec = engine.new_record(
                vin, brand, _tags(brand, rng, customer, vw_tag), rng.choice(STYLES)
            )
            build_history(engine, rec, status, _age(status, reason, rng), reason, rng, now=now)
            rec.blob  # noqa: B018 - serialize now so the first full list is as fast as later ones
