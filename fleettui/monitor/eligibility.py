"""Eligibility checks for the add form, before anything is sent (no Textual).

The form asks as each VIN is entered; `EligibilityChecks.check` (a worker thread) answers
from a cache when it can, else asks the provider, paced (`PER_SECOND`) and one at a time,
so typing or pasting many VINs never bursts. Brands the eligibility API does not cover
answer at once without a request. A failed check is an outcome too ("unknown"), never an
exception: the form shows it and the vehicle can still be sent.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from fleettui.api.eligibility import Eligibility, EligibilityRefused, Pacer
from fleettui.api.errors import ApiError
from fleettui.core.brands import brand_info, normalise_brand
from fleettui.core.text import clean
from fleettui.core.vin import check_vin, normalise_vin
from fleettui.monitor.clients import Reader

PER_SECOND = 2.0
MAX_CACHED = 5000


@dataclass(frozen=True, slots=True)
class EligibilityOutcome:
    vin: str
    brand: str
    #: "eligible", "ineligible", "unchecked" (no check for this brand / no input yet),
    #: "invalid" (the provider refused the VIN) or "unknown" (the check failed).
    kind: str
    text: str
    warnings: tuple[str, ...] = ()
    connectivity: str | None = None
    primary_user: bool | None = None
    generation: int = 0

    @property
    def blocks(self) -> bool:
        """Sending should be confirmed first: the provider says it cannot be activated."""
        return self.kind in ("ineligible", "invalid")


def wanted(vin: str, brand: str) -> tuple[str, str] | None:
    """The (vin, brand) worth checking, or None (not a complete VIN, unknown brand)."""
    v, b = normalise_vin(vin or ""), normalise_brand(brand or "")
    if not check_vin(v).ok or not brand_info(b).known:
        return None
    return v, b


class EligibilityChecks:
    def __init__(self, *, per_second: float = PER_SECOND, pacer: Pacer | None = None) -> None:
        self._pacer = pacer or Pacer(per_second)
        self._cache: dict[tuple[str, str], EligibilityOutcome] = {}
        self._lock = threading.Lock()  # one request at a time

    def __repr__(self) -> str:
        return f"EligibilityChecks(cached={len(self._cache)})"

    def known(self, vin: str, brand: str) -> EligibilityOutcome | None:
        key = wanted(vin, brand)
        return self._cache.get(key) if key else None

    def clear(self) -> None:
        self._cache.clear()

    def check(
        self, client: Reader | None, vin: str, brand: str, generation: int = 0
    ) -> EligibilityOutcome:
        """Blocking (worker): the outcome for one vehicle; never raises."""
        key = wanted(vin, brand)
        if key is None:
            return EligibilityOutcome(
                normalise_vin(vin or ""),
                normalise_brand(brand or ""),
                "unchecked",
                "",
                generation=generation,
            )
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                return cached
            outcome = self._ask(client, *key, generation)
            if outcome.kind != "unknown":  # a failure is worth asking again later
                if len(self._cache) >= MAX_CACHED:
                    self._cache.clear()
                self._cache[key] = outcome
            return outcome

    def _ask(
        self, client: Reader | None, vin: str, brand: str, generation: int
    ) -> EligibilityOutcome:
        if client is None:
            return EligibilityOutcome(
                vin, brand, "unknown", "eligibility unknown: not connected", generation=generation
            )
        if brand_info(brand).eligibility_check:
            self._pacer.wait()
        try:
            result = client.check_eligibility(vin, brand)
        except EligibilityRefused as e:
            kind = "invalid" if e.kind == "invalid_vin" else "unknown"
            return EligibilityOutcome(vin, brand, kind, clean(str(e)), generation=generation)
        except ApiError as e:
            return EligibilityOutcome(
                vin,
                brand,
                "unknown",
                f"eligibility unknown: {clean(str(e))}",
                generation=generation,
            )
        except Exception as e:  # noqa: BLE001 - a check must never break the form
            return EligibilityOutcome(
                vin, brand, "unknown", f"eligibility unknown: {clean(e)}", generation=generation
            )
        if not isinstance(result, Eligibility):
            return EligibilityOutcome(
                vin, brand, "unchecked", clean(result.summary()), generation=generation
            )
        return EligibilityOutcome(
            vin,
            brand,
            "eligible" if result.eligible else "ineligible",
            clean(result.summary()),
            tuple(clean(w) for w in result.warnings()),
            result.connectivity_status,
            result.primary_user_assigned,
            generation,
        )
