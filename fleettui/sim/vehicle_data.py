"""`GET /v1/vehicle-data/autoapi-13/{vin}` on the simulator (hm-vehicle-data-api-v1.yml).

Answers are a pure function of the VIN's traits, the clearance's approval time and the
simulated now (no events, no random draws: the seeded fleet is the same with or without
this module). Traits come from a hash of the seed and the VIN:
- first data arrives 1-31 simulated hours after approval, 1-4 days more for about a
  quarter of the cars (OTA updates needed); about 4% never send anything;
- a car with data reports every 1-6 hours (its properties' `timestamp` is the last one);
- about 8% stop reporting 12-72 hours after their first data (silent cars);
- about 10% switch privacy mode on and off: in every period of 3-7 days after approval,
  it is on from 2-22 hours into the period for 6-36 hours (403 "Privacy mode is
  active");
- about 3% have their consent removed by the OEM 6-54 hours after approval
  (401 "Consent is removed by OEM") for good; about 2% lose their consent at the
  provider the same way (403 "No active consent for this vehicle");
- any car answers 408 "Vehicle is offline or asleep" in about 4% of the simulated hours.
Before its first data a car answers 422 "Vehicle data is not available yet" or a 200
holding no property (half each). A VIN that is not approved (or unknown) answers 403 "No
active consent for this vehicle". The values sent (mileage, position...) are invented
and fixed per VIN; clients must ignore them.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fleettui.core.data_answer import DATA_API_BRANDS
from fleettui.sim.clock import STYLE_FRACTION_Z, format_api_ts

if TYPE_CHECKING:
    from fleettui.sim.records import Record

HOUR = 3600.0


@dataclass(frozen=True, slots=True)
class DataTraits:
    first_hours: float  # after approval; inf: never
    every_hours: float
    stops_after_hours: float  # after the first data; inf: never
    #: (period, from, to) hours: privacy mode on from..to hours into every period.
    privacy: tuple[float, float, float] | None
    consent_removed_at: float  # hours after approval; inf: never
    no_consent_at: float  # hours after approval; inf: never
    empty_before_first: bool  # a 200 without properties instead of 422
    u: tuple[float, ...]


def _error(status: int, title: str, detail: str, rid: str) -> tuple[int, dict[str, Any]]:
    return status, {"errors": [{"title": title, "detail": detail}], "request_id": rid}


class VehicleDataModel:
    def __init__(self, seed: int) -> None:
        self.seed = seed

    def __repr__(self) -> str:
        return f"VehicleDataModel(seed={self.seed})"

    def traits(self, vin: str) -> DataTraits:
        h = hashlib.sha256(f"vehicle-data:{self.seed}:{vin.upper()}".encode()).digest()
        u = tuple(int.from_bytes(h[i : i + 2], "big") / 65536 for i in range(0, 32, 2))
        first = math.inf if u[2] < 0.04 else 1 + 30 * u[0] + (24 + 72 * u[12] if u[1] < 0.25 else 0)
        start = 2 + 20 * u[7]
        privacy = (72 + 96 * u[12], start, start + 6 + 30 * u[8]) if u[6] < 0.10 else None
        return DataTraits(
            first_hours=first,
            every_hours=1 + 5 * u[3],
            stops_after_hours=12 + 60 * u[5] if u[4] < 0.08 else math.inf,
            privacy=privacy,
            consent_removed_at=6 + 48 * u[10] if u[9] < 0.03 else math.inf,
            no_consent_at=6 + 48 * u[10] if 0.03 <= u[9] < 0.05 else math.inf,
            empty_before_first=u[11] < 0.5,
            u=u,
        )

    def request_id(self, vin: str, now: float) -> str:
        return hashlib.sha256(f"rid:{self.seed}:{vin}:{now}".encode()).hexdigest()[:32]

    def answer(
        self, vin: str, brand: str, record: Record | None, now: float
    ) -> tuple[int, dict[str, Any]]:
        """(status, body) for one GET whose token and rate limit were already checked."""
        rid = self.request_id(vin, now)
        if record is None or record.status != "approved" or record.approved is None:
            return _error(403, "Forbidden", "No active consent for this vehicle", rid)
        t = self.traits(vin)
        hours = (now - record.approved) / HOUR
        if hours >= t.consent_removed_at:
            return _error(401, "Not Authorized", "Consent is removed by OEM", rid)
        if hours >= t.no_consent_at:
            return _error(403, "Forbidden", "No active consent for this vehicle", rid)
        if t.privacy is not None and t.privacy[1] <= hours % t.privacy[0] < t.privacy[2]:
            return _error(403, "Forbidden", "Privacy mode is active", rid)
        slot = int(now // HOUR)
        offline = hashlib.sha256(f"offline:{self.seed}:{vin}:{slot}".encode()).digest()[0]
        if offline < 10:  # ~4% of the hours
            return _error(408, "Request Timeout", "Vehicle is offline or asleep", rid)
        if hours < t.first_hours:
            if t.empty_before_first:
                return 200, {"request_id": rid, "vin": vin, "brand": _brand(brand)}
            return _error(422, "Pending", "Vehicle data is not available yet", rid)
        since_first = min(hours, t.first_hours + t.stops_after_hours) - t.first_hours
        last = record.approved + HOUR * (
            t.first_hours + t.every_hours * math.floor(since_first / t.every_hours)
        )
        return 200, self._body(vin, brand, t, last, rid)

    def _body(self, vin: str, brand: str, t: DataTraits, last: float, rid: str) -> dict[str, Any]:
        ts = format_api_ts(last, STYLE_FRACTION_Z)
        older = format_api_ts(last - HOUR * t.every_hours * 3, STYLE_FRACTION_Z)
        u = t.u
        return {
            "request_id": rid,
            "vin": vin,
            "brand": _brand(brand),
            "diagnostics": {
                "odometer": {
                    "data": {"unit": "kilometers", "value": round(5000 + 90000 * u[13])},
                    "timestamp": ts,
                },
                "fuel_level": {"data": round(u[14], 2), "timestamp": older},
                "battery_voltage": {
                    "failure": {"reason": "unknown", "description": "not reported by this car"}
                },
            },
            "ignition": {"state": {"data": "off", "timestamp": ts}},
            "vehicle_location": {
                "coordinates": {
                    "data": {
                        "latitude": round(48 + 5 * u[15], 5),
                        "longitude": round(8 + 5 * u[13], 5),
                    },
                    "timestamp": older,
                }
            },
        }


def _brand(brand: str) -> str:
    """The data API's spelling (its enum writes mercedes_benz, volvo_cars; a brand it
    does not list is "unknown")."""
    code = brand.replace("-", "_")
    return code if code in DATA_API_BRANDS else "unknown"
