"""Fleets for tests: small fixed ones (API dicts) for the store, table and detail tests, and a
generated one on the simulator's engine held in a store (triage, history, statistics)."""

from __future__ import annotations

import json

from fleettui.core.store import FleetStore
from fleettui.sim.engine import Engine
from fleettui.sim.fleetgen import generate
from tests.support.sim import SIM_START

#: The store's "now" in these tests: the simulated start time.
NOW = SIM_START


def vdict(
    vin: str,
    status: str,
    brand: str = "bmw",
    *,
    reason: str | None = None,
    tags: dict[str, str] | None = None,
    log: list[tuple[str, str, str | None]] | None = None,
    since: str = "2026-10-30T12:00:00Z",
) -> dict:
    """An API vehicle object; `log` is (timestamp, status, reason) oldest first, else a
    pending entry a week ago then one entry in `status` at `since`."""
    if log is None:
        log = [("2026-10-25T12:00:00Z", "pending", None)]
        if status != "pending" or reason:
            log.append((since, status, reason))
    changelog = []
    for ts, st, why in log:
        entry = {"timestamp": ts, "status": st}
        if why is not None:
            entry["reason"] = why
        changelog.append(entry)
    return {
        "vin": vin,
        "status": status,
        "brand": brand,
        "tags": dict(tags or {}),
        "changelog": changelog,
    }


def small_fleet() -> list[dict]:
    return [
        vdict("WBA00000000000001", "approved", "bmw", tags={"fleet": "north"}),
        vdict(
            "WBA00000000000002",
            "pending",
            "mini",
            reason="privacy mode is enabled",
            since="2026-11-01T10:00:00Z",
        ),
        vdict(
            "VF300000000000003",
            "rejected",
            "peugeot",
            reason="no data received",
            tags={"fleet": "south"},
        ),
        vdict(
            "WVW00000000000004",
            "pending",
            "volkswagen",
            tags={"vw-group-customer-name": "ACME", "fleet": "north"},
        ),
        vdict("1FT00000000000005", "revoked", "ford", since="2026-10-31T12:00:00Z"),
        vdict("ZFA00000000000006", "canceling", "fiat", since="2026-11-01T11:59:00Z"),
    ]


#: Odd but possible vehicle objects: offsets and fractions in timestamps, impossible dates,
#: blank reasons, padded VINs, tags that are not text, a changelog that is not a list.
ODD = [
    vdict("WBA00000000000010", "pending", log=[("2026-10-01T08:00:00+02:00", "pending", None)]),
    vdict(
        "WBA00000000000011",
        "approved",
        log=[("2026-10-03T08:00:00Z", "approved", None), ("2026-10-01T08:00:00Z", "pending", None)],
    ),
    vdict("WBA00000000000012", "sleeping"),
    vdict(
        "WBA00000000000013",
        "rejected",
        log=[
            ("2026-10-01T08:00:00.25Z", "pending", "  "),
            ("2026-10-02T08:00:00", "rejected", "no data"),
        ],
    ),
    {"vin": " WBA00000000000014 ", "status": "pending", "brand": " BMW", "tags": {"a": 1}},
    {"vin": "WBA00000000000015", "status": "pending", "brand": "bmw", "extra": [1]},
    {"vin": "WBA00000000000016", "status": "pending", "brand": "bmw", "changelog": "x"},
    {
        "vin": "WBA00000000000017",
        "status": "pending",
        "brand": "bmw",
        "changelog": [{"timestamp": None, "status": "pending"}, {"status": "pending", "reason": 5}],
    },
    vdict("WBA00000000000018", "pending", log=[("2026-13-01T08:00:00Z", "pending", None)]),
    vdict("WBA00000000000019", "pending", log=[("2026-10-01T08:00:00Z", "pending", "")]),
    {"vin": "WBA00000000000022", "status": "pending", "brand": "bmw", "tags": None},
    vdict(
        "WBA00000000000023",
        "pending",
        log=[
            ("2026-10-01T08:00:00.5", "pending", None),
            ("2026-10-01T09:00:00.25z", "rejected", "x"),
            ("2026-10-02T08:00:00", "pending", " "),
        ],
    ),
    vdict("WBA00000000000024", "pending", log=[("2026-10-01T08:00:00.", "pending", None)]),
    vdict("WBA00000000000025", "pending", log=[("2026-10-01T08:00:00Zx", "pending", None)]),
    vdict("WBA00000000000026", "approved", log=[("2026-10-01T08:00:00Z", "pending", "p")]),
    vdict(
        "WBA00000000000027",
        "pending",
        log=[
            ("2026-10-01T08:00:00Z", "pending", None),
            ("2026-10-02T08:00:00Z", "rejected", "r"),
            ("2026-10-03T08:00:00", "pending", "w"),
            ("2026-10-03T08:00:00.5", "pending", "v"),
        ],
    ),
]


def seeded(vehicles: int = 300, seed: int = 1) -> tuple[Engine, FleetStore]:
    """An engine with a generated fleet on a frozen clock, and a store holding it."""
    engine = Engine(start=SIM_START, speed=0.0, seed=seed)
    generate(engine, vehicles, seed)
    store = FleetStore()
    store.apply(store.prepare(json.loads(engine.list_blob()), engine.now()))
    return engine, store


def refresh_store(engine: Engine, store: FleetStore):  # noqa: ANN201 - Prepared
    """One refresh of the store from the engine (the monitor's worker does the same)."""
    prepared = store.prepare(json.loads(engine.list_blob()), engine.now())
    store.apply(prepared)
    return prepared
