"""How an activation turns out: brand-typical delays and the reasons a brand can carry.

A plan is a list of future steps `(delay_seconds, status, reason)`, measured from the
moment the clearance was created. The engine schedules them all at once and drops the
rest when someone cancels (a generation counter on the record).

The shapes follow the provider's guides:
- most clearances are approved after a brand-typical delay (minutes for Tesla, days for
  Ford and Stellantis);
- VW-group clearances without the `vw-group-customer-name` tag are rejected within
  minutes with "customer name tag missing";
- some sit pending with a reason (privacy mode, waiting for an OTA update, not driven, no
  data) while the provider retries, then either get approved or are rejected when the
  ~10-day retry window runs out;
- Ford (and Tesla) sometimes lack the operator's consent: "consent assignment missing";
- every other rejection draws only from reasons the catalogue lists for that brand.
"""

from __future__ import annotations

import random
from functools import cache

from fleettui.core import reasons as R
from fleettui.core.brands import VW_GROUP, brand_info, missing_required_tags

HOUR = 3600.0
DAY = 86400.0
RETRY_WINDOW = R.RETRY_WINDOW_DAYS * DAY

Step = tuple[float, str, str | None]

#: (min, max) hours from creation to the provider's verdict, by brand group.
_DELAY_HOURS: dict[str, tuple[float, float]] = {
    "Tesla": (0.1, 4.0),
    "BMW Group": (0.5, 24.0),
    "Mercedes-Benz": (1.0, 48.0),
    "VW Group": (1.0, 72.0),
    "Stellantis": (4.0, 96.0),
    "Ford": (12.0, 120.0),
    "Renault Group": (4.0, 72.0),
    "Toyota Group": (2.0, 48.0),
    "Volvo Cars": (2.0, 48.0),
    "Polestar": (2.0, 48.0),
    "Sandbox": (0.01, 0.05),
}
_DEFAULT_DELAY = (2.0, 72.0)

#: What a clearance stuck pending for the whole retry window is rejected with.
_TIMEOUT_REASON = {
    "Stellantis": R.ACTIVATION_TIMEOUT_NO_DATA,
    "Volvo Cars": R.ACTIVATION_TIMEOUT_NO_DATA,
    "Mercedes-Benz": R.VIN_ACTIVATION_TIMEOUT,
}

#: Reasons that only arise from a specific situation, never as a random verdict (missing
#: consent comes at the end of the retry window, from plan_activation).
_SITUATIONAL = {R.CUSTOMER_NAME_TAG_MISSING, R.FORD_REVOKE_IN_PROGRESS, R.CONSENT_MISSING}


def verdict_delay(brand: str, rng: random.Random) -> float:
    lo, hi = _DELAY_HOURS.get(brand_info(brand).group, _DEFAULT_DELAY)
    return rng.uniform(lo, hi) * HOUR


@cache
def pending_reasons_for(brand: str) -> tuple[str, ...]:
    """Pending reasons the catalogue allows for this brand."""
    return tuple(r for r in R.PENDING_REASONS if R.CATALOGUE[r].applies_to(brand))


@cache
def reject_reasons_for(brand: str, situational: bool = False) -> tuple[str, ...]:
    """Reject reasons the catalogue allows for this brand (situational ones on request)."""
    out = tuple(r for r in R.REJECT_REASONS if R.CATALOGUE[r].applies_to(brand))
    return out if situational else tuple(r for r in out if r not in _SITUATIONAL)


#: Reasons only the per-VIN eligibility traits decide (sim.eligibility), so that what the
#: eligibility API says and what happens to a new clearance agree.
_BY_TRAIT = {R.INELIGIBLE_VIN, R.INVALID_VIN, R.PRIMARY_USER_ENROLLED}


@cache
def verdict_reasons_for(brand: str) -> tuple[str, ...]:
    """Reasons a new clearance may be rejected with at random (trait-driven ones excluded)."""
    return tuple(r for r in reject_reasons_for(brand) if r not in _BY_TRAIT)


def timeout_reason(brand: str, pending_reason: str | None) -> str:
    """What a clearance pending with `pending_reason` is rejected with after the window."""
    info = R.CATALOGUE.get(pending_reason or "")
    if info is not None and info.rejects_as and info.rejects_as in reject_reasons_for(brand, True):
        return info.rejects_as
    if info is not None and info.kind == "both" and info.applies_to(brand):
        return info.reason
    return _TIMEOUT_REASON.get(brand_info(brand).group, R.UNSPECIFIED)


def plan_activation(brand: str, tags: dict[str, str], rng: random.Random) -> list[Step]:
    """The future of a new pending clearance, as delays from its creation."""
    group = brand_info(brand).group
    if group == VW_GROUP and missing_required_tags(brand, tags):
        return [(rng.uniform(2, 20) * 60, "rejected", R.CUSTOMER_NAME_TAG_MISSING)]
    if group == "Sandbox":
        return [(verdict_delay(brand, rng), "approved", None)]
    if brand in ("ford", "tesla") and rng.random() < (0.2 if brand == "ford" else 0.08):
        return [(RETRY_WINDOW * rng.uniform(0.95, 1.05), "rejected", R.CONSENT_MISSING)]
    roll = rng.random()
    if roll < 0.70:
        return [(verdict_delay(brand, rng), "approved", None)]
    if roll < 0.84:
        return plan_stuck(brand, rng)
    return [(verdict_delay(brand, rng), "rejected", rng.choice(verdict_reasons_for(brand)))]


def plan_stuck(
    brand: str, rng: random.Random, reason: str | None = None, approve: bool | None = None
) -> list[Step]:
    """Pending with a reason a few hours in, sometimes a retry entry days later (same or
    another pending reason); then approved, or rejected when the retry window runs out."""
    choices = pending_reasons_for(brand)
    reason = reason or rng.choice(choices)
    at = rng.uniform(1, 12) * HOUR
    steps: list[Step] = [(at, "pending", reason)]
    if rng.random() < 0.4:
        at += rng.uniform(0.5, 3) * DAY
        reason = rng.choice(choices)
        steps.append((at, "pending", reason))
    if approve is None:
        approve = rng.random() < 0.5
    if approve:
        steps.append((at + rng.uniform(0.5, 3) * DAY, "approved", None))
    else:
        steps.append(
            (RETRY_WINDOW + rng.uniform(0, 6) * HOUR, "rejected", timeout_reason(brand, reason))
        )
    return steps


def revoke_delay(brand: str, rng: random.Random) -> float:
    """Revoking takes minutes (Ford is slower)."""
    return rng.uniform(10, 90) * 60 if brand == "ford" else rng.uniform(2, 30) * 60


def cancel_delay(rng: random.Random) -> float:
    return rng.uniform(1, 15) * 60
