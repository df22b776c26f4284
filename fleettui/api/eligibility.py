"""The eligibility API (hm-eligibility-v1.yml): can this VIN be activated at all?

    POST /v1/eligibility {"vin", "brand"}  (scope vehicle:eligibility-check)
    200 {"vin", "eligible", "data_delivery": ["pull"|"push"], "connectivity_status"?,
         "primary_user_assigned"?}   401   422 (invalid VIN, brand call failed)

Its brand list is shorter than the clearance API's: for any other brand the answer is
:class:`NotCheckable` ("no eligibility check for this brand") and nothing is sent. A
token whose scope lacks `vehicle:eligibility-check` gets :class:`EligibilityScopeMissing`
before anything is sent. A reply about another VIN than the one asked is a BadResponse.
`Pacer` spaces calls out (the provider asks clients to avoid bursts); rate-limit answers
(429) are retried by the client like every read.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fleettui.api.errors import ApiError, BadResponse, Forbidden, Unprocessable
from fleettui.core.brands import ELIGIBILITY_BRANDS, brand_info, normalise_brand
from fleettui.core.text import one_line
from fleettui.core.vin import normalise_vin

ELIGIBILITY_PATH = "/v1/eligibility"
ELIGIBILITY_SCOPE = "vehicle:eligibility-check"
DATA_DELIVERY = frozenset({"pull", "push"})
CONNECTIVITY = frozenset({"activated", "deactivated", "unknown"})
NO_CHECK = "no eligibility check for this brand"


@dataclass(frozen=True, slots=True)
class Eligibility:
    vin: str
    brand: str
    eligible: bool
    data_delivery: tuple[str, ...]
    connectivity_status: str | None = None
    primary_user_assigned: bool | None = None

    checked = True

    def summary(self) -> str:
        """One line: `eligible · pull, push · connectivity activated · primary user assigned`."""
        parts = ["eligible" if self.eligible else "NOT eligible"]
        if self.data_delivery:
            parts.append(", ".join(self.data_delivery))
        if self.connectivity_status:
            parts.append(f"connectivity {self.connectivity_status}")
        if self.primary_user_assigned:
            parts.append("primary user assigned")
        return " · ".join(parts)

    def warnings(self) -> list[str]:
        """What a person should know before adding this vehicle."""
        out = []
        if not self.eligible:
            out.append(
                "the provider says this vehicle cannot be activated (it would be "
                "rejected as 'ineligible VIN')"
            )
        if self.connectivity_status == "deactivated":
            out.append("the car's connectivity is deactivated: the driver must enable it")
        if self.primary_user_assigned and brand_info(self.brand).group == "VW Group":
            out.append("a primary user is enrolled; VW-group activations are then rejected")
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "vin": self.vin,
            "brand": self.brand,
            "checked": True,
            "eligible": self.eligible,
            "data_delivery": list(self.data_delivery),
            "connectivity_status": self.connectivity_status,
            "primary_user_assigned": self.primary_user_assigned,
            "message": self.summary(),
            "warnings": self.warnings(),
        }


@dataclass(frozen=True, slots=True)
class NotCheckable:
    """The eligibility API does not cover this brand: nothing was sent."""

    vin: str
    brand: str
    reason: str = NO_CHECK

    checked = False
    eligible = None

    def summary(self) -> str:
        return self.reason

    def to_json(self) -> dict[str, Any]:
        return {
            "vin": self.vin,
            "brand": self.brand,
            "checked": False,
            "eligible": None,
            "data_delivery": None,
            "connectivity_status": None,
            "primary_user_assigned": None,
            "message": self.reason,
            "warnings": [],
        }


EligibilityResult = Eligibility | NotCheckable


class EligibilityScopeMissing(ApiError):
    category = "auth"
    headline = "This app may not check eligibility"
    default_hint = (
        f"Give the app the {ELIGIBILITY_SCOPE} scope in the High Mobility console "
        "(and, in production, activate the brand for it)."
    )


class EligibilityRefused(ApiError):
    """422: `.kind` is "invalid_vin", "brand_failed" or "other"."""

    def __init__(self, err: Unprocessable) -> None:
        text = f"{err.title or ''} {err.detail or ''} {err.source or ''}".lower()
        if "vin" in text and "invalid" in text:
            self.kind = "invalid_vin"
            headline, hint = (
                "The provider says the VIN is invalid",
                "Check the VIN against the vehicle's papers.",
            )
        elif "brand" in text:
            self.kind = "brand_failed"
            headline, hint = (
                "The provider could not check this brand",
                "Try again later; in production the brand must first be "
                "activated for your application.",
            )
        else:
            self.kind = "other"
            headline, hint = "The provider refused the eligibility check", None
        super().__init__(
            headline,
            status=err.status,
            title=err.title,
            detail=err.detail,
            source=err.source,
            hint=hint,
        )


def read_eligibility(data: Any, vin: str, brand: str) -> Eligibility:
    """A 200 answer as an Eligibility; BadResponse when it is not the documented shape."""

    def bad(detail: str) -> BadResponse:
        return BadResponse(status=200, detail=f"eligibility answer: {detail}")

    if not isinstance(data, dict):
        raise bad("not a JSON object")
    got = data.get("vin")
    if not isinstance(got, str):
        raise bad("no vin")
    if normalise_vin(got) != vin:
        raise bad(f"it is about VIN {one_line(got, 24)!r}, not the one asked ({vin})")
    eligible = data.get("eligible")
    if not isinstance(eligible, bool):
        raise bad("'eligible' is not true or false")
    delivery = data.get("data_delivery")
    if not isinstance(delivery, list) or not all(isinstance(d, str) for d in delivery):
        raise bad("'data_delivery' is not a list of strings")
    conn = data.get("connectivity_status")
    primary = data.get("primary_user_assigned")
    return Eligibility(
        vin,
        brand,
        eligible,
        tuple(dict.fromkeys(one_line(d, 16) for d in delivery)),
        one_line(conn, 24) if isinstance(conn, str) else None,
        primary if isinstance(primary, bool) else None,
    )


Exchange = Callable[..., Any]


def check(
    exchange: Exchange,
    scopes: Callable[[], tuple[str, ...]],
    decode: Callable[..., Any],
    vin: str,
    brand: str,
) -> EligibilityResult:
    """The body of FleetClient.check_eligibility (kept here with the shapes it reads)."""
    vin = normalise_vin(vin)
    code = normalise_brand(brand) if isinstance(brand, str) else ""
    if code not in ELIGIBILITY_BRANDS:
        return NotCheckable(vin, code)
    granted = scopes()
    if granted and ELIGIBILITY_SCOPE not in granted:
        raise EligibilityScopeMissing(detail=f"the token's scope is {' '.join(granted)!r}")
    try:
        response = exchange("POST", ELIGIBILITY_PATH, write=False, json={"vin": vin, "brand": code})
    except Forbidden as e:
        raise EligibilityScopeMissing(status=e.status, title=e.title, detail=e.detail) from None
    except Unprocessable as e:
        raise EligibilityRefused(e) from None
    return read_eligibility(
        decode(response, "the eligibility answer", write=False, expected="an eligibility result"),
        vin,
        code,
    )


class Pacer:
    """At most `per_second` calls per second, from any thread: `wait()` before each."""

    def __init__(
        self,
        per_second: float = 4.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._gap = 1.0 / per_second if per_second > 0 else 0.0
        self._clock = clock
        self._sleep = sleep
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> float:
        """Sleep until the next call may go; returns how long it slept."""
        with self._lock:
            now = self._clock()
            at = max(now, self._next)
            self._next = at + self._gap
        delay = at - now
        if delay > 0:
            self._sleep(delay)
        return delay
