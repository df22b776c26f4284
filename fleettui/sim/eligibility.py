"""`POST /v1/eligibility` on the simulator's seeded model (hm-eligibility-v1.yml).

Each VIN has fixed traits, drawn from a hash of the seed and the VIN (no random-number
draws, so the seeded fleet is the same with or without this module):
- about `ineligible_share` of VINs cannot be activated: the eligibility API says
  `eligible: false`, and a clearance for one is rejected a little later with
  "ineligible VIN";
- a VIN with I, O or Q passes the POST's checks but is rejected as "invalid VIN"; the
  eligibility API refuses it (422 "invalid VIN"), as it does a VIN that is not 17 letters
  and digits;
- about `primary_user_share` have a primary user assigned: reported by the eligibility API;
  for VW-group brands (which it does not cover) the clearance is rejected days later with
  "primary user enrolled";
- about 2% make the brand's lookup fail (422 "brand call failed"), as the provider does.
A VIN already in the fleet answers from its record where that says more: rejected as
ineligible/invalid means not eligible, approved means eligible and connected.
Brands outside the eligibility API's list answer 422 on `brand`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fleettui.core import reasons as R
from fleettui.core.brands import ELIGIBILITY_BRANDS, VW_GROUP, brand_info, missing_required_tags

if TYPE_CHECKING:
    from fleettui.sim.records import Record

Step = tuple[float, str, str | None]
_NEVER_IN_VINS = frozenset("IOQ")


@dataclass(frozen=True, slots=True)
class VinTraits:
    ineligible: bool
    primary_user: bool
    brand_call_fails: bool
    connectivity: str
    push: bool
    #: A fraction in [0, 1) for delays, so they are as fixed as the traits.
    jitter: float


class EligibilityModel:
    def __init__(
        self, seed: int, ineligible_share: float = 0.05, primary_user_share: float = 0.08
    ) -> None:
        self.seed = seed
        self.ineligible_share = ineligible_share
        self.primary_user_share = primary_user_share

    def __repr__(self) -> str:
        return (
            f"EligibilityModel(seed={self.seed}, ineligible={self.ineligible_share}, "
            f"primary_user={self.primary_user_share})"
        )

    def traits(self, vin: str) -> VinTraits:
        h = hashlib.sha256(f"eligibility:{self.seed}:{vin.upper()}".encode()).digest()
        u = [int.from_bytes(h[i : i + 4], "big") / 2**32 for i in range(0, 24, 4)]
        ineligible = u[0] < self.ineligible_share
        connectivity = (
            ("unknown" if u[3] < 0.5 else "deactivated")
            if ineligible
            else ("activated" if u[3] < 0.8 else "deactivated" if u[3] < 0.92 else "unknown")
        )
        return VinTraits(
            ineligible, u[1] < self.primary_user_share, u[2] < 0.02, connectivity, u[4] < 0.4, u[5]
        )

    def rejection(self, vin: str, brand: str, tags: dict[str, str]) -> list[Step] | None:
        """The plan of a new clearance this model dooms, or None (the usual outcomes; a
        VW-group clearance without its customer-name tag is refused for that first)."""
        if brand_info(brand).group == VW_GROUP and missing_required_tags(brand, tags):
            return None
        t = self.traits(vin)
        if _NEVER_IN_VINS & set(vin.upper()):
            return [((2 + 18 * t.jitter) * 60, "rejected", R.INVALID_VIN)]
        if t.ineligible:
            return [((5 + 55 * t.jitter) * 60, "rejected", R.INELIGIBLE_VIN)]
        if t.primary_user and brand_info(brand).group == VW_GROUP:
            return [((1 + 2 * t.jitter) * 86400, "rejected", R.PRIMARY_USER_ENROLLED)]
        return None

    def answer(self, body: bytes, record: Record | None) -> tuple[int, Any]:
        """(status, body) for a POST /v1/eligibility whose token was already checked."""
        try:
            payload = json.loads(body) if body.strip() else None
        except ValueError:
            return 400, _envelope("Bad request", "body is not valid JSON")
        if not isinstance(payload, dict):
            return 422, _envelope("Unprocessable entity", "vin and brand are required", "vin")
        vin, brand = payload.get("vin"), payload.get("brand")
        if (
            not isinstance(vin, str)
            or len(vin) != 17
            or not vin.isascii()
            or not vin.isalnum()
            or _NEVER_IN_VINS & set(vin.upper())
        ):
            return 422, _envelope("Unprocessable entity", "invalid VIN", "vin")
        if not isinstance(brand, str) or brand not in ELIGIBILITY_BRANDS:
            return 422, _envelope(
                "Unprocessable entity", "brand is not supported by the eligibility check", "brand"
            )
        t = self.traits(vin)
        if t.brand_call_fails:
            return 422, _envelope("Unprocessable entity", "brand call failed", "brand")
        eligible, connectivity, primary = not t.ineligible, t.connectivity, t.primary_user
        if record is not None:
            reason = record.reason
            if record.status == "rejected" and reason in (R.INELIGIBLE_VIN, R.INVALID_VIN):
                eligible, connectivity = False, "unknown"
            elif record.status in ("approved", "revoking"):
                eligible, connectivity = True, "activated"
            if reason == R.PRIMARY_USER_ENROLLED:
                primary = True
        return 200, {
            "vin": vin,
            "eligible": eligible,
            "data_delivery": ["pull", "push"] if t.push and eligible else ["pull"],
            "connectivity_status": connectivity,
            "primary_user_assigned": primary,
        }


def _envelope(title: str, detail: str, source: str | None = None) -> dict[str, Any]:
    err: dict[str, Any] = {"title": title, "detail": detail}
    if source is not None:
        err["source"] = source
    return {"errors": [err]}
