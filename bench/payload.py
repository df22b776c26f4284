"""Synthetic API payloads (the list call's parsed JSON) for the fleet benchmark."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from fleettui.core.brands import BRAND_CODES, VW_CUSTOMER_TAG, brand_info

_VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
_PENDING = (
    "waiting for the vehicle to be driven",
    "privacy mode is enabled",
    "waiting for OTA update",
)
_REJECTED = (
    "vehicle not eligible",
    "customer declined consent",
    "no data received within 10 days",
    "VIN already in another fleet",
)
_FINAL = {
    "approved": None,
    "rejected": _REJECTED,
    "pending": _PENDING,
    "revoked": None,
    "canceled": None,
}


def _ts(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M:%S") + "Z"


def make_vehicle(rng: random.Random, start: datetime) -> dict:
    vin = "".join(rng.choice(_VIN_CHARS) for _ in range(17))
    brand = rng.choice(BRAND_CODES)
    added = start - timedelta(seconds=rng.randint(3600, 90 * 86400))
    log = [{"timestamp": _ts(added), "status": "pending"}]
    status = rng.choices(list(_FINAL), weights=(60, 10, 20, 5, 5))[0]
    t = added
    if status == "pending" and rng.random() < 0.7:
        t += timedelta(hours=rng.randint(1, 48))
        log.append({"timestamp": _ts(t), "status": "pending", "reason": rng.choice(_PENDING)})
    elif status != "pending":
        if status in ("revoked", "canceled"):
            mid = "approved" if status == "revoked" else "pending"
            if mid == "approved":
                t += timedelta(hours=rng.randint(1, 200))
                log.append({"timestamp": _ts(t), "status": "approved"})
            t += timedelta(hours=rng.randint(1, 100))
            log.append(
                {"timestamp": _ts(t), "status": "revoking" if mid == "approved" else "canceling"}
            )
        t += timedelta(hours=rng.randint(1, 200))
        entry = {"timestamp": _ts(t), "status": status}
        if status == "rejected":
            entry["reason"] = rng.choice(_REJECTED)
        log.append(entry)
    tags = {"fleet": f"depot-{rng.randint(1, 40)}"}
    if brand_info(brand).required_tags:
        tags[VW_CUSTOMER_TAG] = f"customer-{rng.randint(1, 500)}"
    return {"vin": vin, "status": status, "brand": brand, "tags": tags, "changelog": log}


def make_fleet(
    n: int, seed: int = 1, start: datetime = datetime(2026, 11, 1, 12, tzinfo=UTC)
) -> list[dict]:
    rng = random.Random(seed)
    return [make_vehicle(rng, start) for _ in range(n)]


def mutate(
    fleet: list[dict],
    fraction: float,
    seed: int = 2,
    when: datetime = datetime(2026, 11, 1, 13, tzinfo=UTC),
) -> list[dict]:
    """A copy of `fleet` where `fraction` of the vehicles moved to a new state."""
    rng = random.Random(seed)
    out = list(fleet)
    for i in rng.sample(range(len(out)), int(len(out) * fraction)):
        old = out[i]
        status = "approved" if old["status"] == "pending" else "rejected"
        entry = {"timestamp": _ts(when), "status": status}
        if status == "rejected":
            entry["reason"] = rng.choice(_REJECTED)
        out[i] = {**old, "status": status, "changelog": [*old["changelog"], entry]}
    return out
