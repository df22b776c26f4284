"""The catalogue of pending and reject reasons the provider puts on changelog entries.

Keys are the API's exact strings (from the provider's activation guide), plus three pending
reasons that are the simulator's own (`SIMULATOR_ONLY`): the guide describes their causes
(OTA updates, a car not driven, no data yet) but documents no reason string for them, so
their explanation says so wherever it is shown. The texts are ours: what the reason
means for a fleet operator, who has to act and what they should do. An unknown reason is
never an error: `lookup_reason` returns None and callers fall back to state guidance.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from fleettui.core.brands import (
    BMW_GROUP,
    GROUPS,
    RENAULT_GROUP,
    STELLANTIS,
    TOYOTA_GROUP,
    VW_CUSTOMER_TAG,
    VW_GROUP,
    brand_info,
)
from fleettui.core.reason_texts import REASON_TEXTS

SUPPORT_EMAIL = "support@high-mobility.com"

#: How long the provider keeps retrying a stuck activation before it rejects (brand guides).
RETRY_WINDOW_DAYS = 10


class Actor(StrEnum):
    """Who has to do something for the clearance to move on."""

    FLEET_OPERATOR = "fleet operator"
    DRIVER = "driver"
    HM_SUPPORT = "High Mobility support"
    NOBODY_WAIT = "nobody (wait)"

    @property
    def label(self) -> str:
        return str(self.value)


@dataclass(frozen=True, slots=True)
class ReasonInfo:
    reason: str  # the exact API string
    kind: str  # "pending" | "rejected" | "both"
    groups: tuple[str, ...]  # brand groups (brands.py names); () = every brand
    title: str
    meaning: str
    steps: tuple[str, ...]
    actor: Actor
    provider_retries: bool  # the provider keeps trying by itself while pending
    #: For pending reasons: the reject reason it ends in when the retry window runs out.
    rejects_as: str | None = None
    #: False for the simulator's own strings (SIMULATOR_ONLY), not in the provider's guide.
    documented: bool = True

    @property
    def is_global(self) -> bool:
        return not self.groups

    @property
    def brands(self) -> tuple[str, ...]:
        """Brand codes this reason applies to; () when it applies to every brand."""
        return tuple(code for g in self.groups for code in GROUPS.get(g, ()))

    def applies_to(self, brand: str | None) -> bool:
        """Whether the provider documents this reason for the brand. True for global
        reasons and for an unknown/absent brand (we can't say it doesn't apply)."""
        if self.is_global or not brand:
            return True
        b = brand_info(brand)
        return (not b.known) or b.group in self.groups

    def groups_label(self) -> str:
        return ", ".join(self.groups) if self.groups else "all brands"


# -- the exact strings --------------------------------------------------------------

PRIVACY_MODE = "privacy mode is enabled"
WAITING_FOR_OTA = "waiting for OTA update"
VEHICLE_NOT_DRIVEN = "vehicle not driven"
NO_DATA_YET = "no data received yet"

UNSPECIFIED = "unspecified"
INVALID_CLIENT_CONFIGURATION = "invalid client configuration"
INVALID_VIN = "invalid VIN"
INELIGIBLE_VIN = "ineligible VIN"
OTHER_OEM_FLEET = "VIN is assigned to a different OEM fleet"
OTHER_APP_OR_PROJECT = "VIN is assigned to a different app or project"
CONSENT_MISSING = "consent assignment missing"
FORD_REVOKE_IN_PROGRESS = "invalid OEM state: VIN revoke in progress"
VIN_ACTIVATION_TIMEOUT = "VIN activation timeout"
TELEMATICS_HARDWARE_ERROR = "telematics hardware error"
INVALID_OEM_STATE = "invalid OEM state"
OEM_FLEET_ASSIGNMENT_FAILED = "OEM fleet assignment failed"
CUSTOMER_NAME_TAG_MISSING = "customer name tag missing"
INELIGIBLE_OR_CONSTRAINED_VIN = "ineligible or constrained VIN"
PLATFORM_NOT_SUPPORTED = "vehicle platform not supported"
PRIMARY_USER_ENROLLED = "primary user enrolled"
SOFTWARE_INCOMPATIBLE = "software version incompatible"
ACTIVATION_TIMEOUT_NO_DATA = "activation timeout: no data"

#: Pending reasons only fleettui's simulator sends: the guide names these causes but
#: documents no reason string for them.
SIMULATOR_ONLY = frozenset((WAITING_FOR_OTA, VEHICLE_NOT_DRIVEN, NO_DATA_YET))
#: Said wherever one of them is explained (detail pane, `explain`, `show`, triage).
SIMULATOR_NOTE = (
    "This reason string is fleettui's simulator's own: the provider's guide "
    "describes the cause but documents no reason string for it, so a real "
    "provider may word it differently."
)

_A = Actor
# reason, kind, groups, actor, provider_retries, rejects_as
_TABLE: tuple[tuple[str, str, tuple[str, ...], Actor, bool, str | None], ...] = (
    (PRIVACY_MODE, "both", (VW_GROUP,), _A.DRIVER, True, PRIVACY_MODE),
    (WAITING_FOR_OTA, "pending", (), _A.DRIVER, True, None),
    (VEHICLE_NOT_DRIVEN, "pending", (), _A.DRIVER, True, None),
    (NO_DATA_YET, "pending", (), _A.DRIVER, True, None),
    (UNSPECIFIED, "rejected", (), _A.FLEET_OPERATOR, False, None),
    (INVALID_CLIENT_CONFIGURATION, "rejected", (), _A.HM_SUPPORT, False, None),
    (INVALID_VIN, "rejected", (), _A.FLEET_OPERATOR, False, None),
    (INELIGIBLE_VIN, "rejected", (), _A.FLEET_OPERATOR, False, None),
    (OTHER_OEM_FLEET, "rejected", (), _A.FLEET_OPERATOR, False, None),
    # The guide writes "Polesta" here; it means Polestar.
    (
        OTHER_APP_OR_PROJECT,
        "rejected",
        (BMW_GROUP, TOYOTA_GROUP, VW_GROUP, "Polestar"),
        _A.FLEET_OPERATOR,
        False,
        None,
    ),
    (CONSENT_MISSING, "rejected", ("Ford", "Tesla"), _A.FLEET_OPERATOR, False, None),
    (FORD_REVOKE_IN_PROGRESS, "rejected", ("Ford",), _A.NOBODY_WAIT, False, None),
    (VIN_ACTIVATION_TIMEOUT, "rejected", ("Mercedes-Benz",), _A.DRIVER, False, None),
    (TELEMATICS_HARDWARE_ERROR, "rejected", (STELLANTIS,), _A.HM_SUPPORT, False, None),
    (INVALID_OEM_STATE, "rejected", (RENAULT_GROUP,), _A.HM_SUPPORT, False, None),
    (
        OEM_FLEET_ASSIGNMENT_FAILED,
        "rejected",
        (VW_GROUP, RENAULT_GROUP, "Volvo Cars", "Polestar"),
        _A.HM_SUPPORT,
        False,
        None,
    ),
    (CUSTOMER_NAME_TAG_MISSING, "rejected", (VW_GROUP,), _A.FLEET_OPERATOR, False, None),
    (INELIGIBLE_OR_CONSTRAINED_VIN, "rejected", (VW_GROUP,), _A.HM_SUPPORT, False, None),
    (PLATFORM_NOT_SUPPORTED, "rejected", (VW_GROUP,), _A.FLEET_OPERATOR, False, None),
    (PRIMARY_USER_ENROLLED, "rejected", (VW_GROUP,), _A.DRIVER, False, None),
    (SOFTWARE_INCOMPATIBLE, "rejected", (VW_GROUP,), _A.HM_SUPPORT, False, None),
    (ACTIVATION_TIMEOUT_NO_DATA, "rejected", (STELLANTIS, "Volvo Cars"), _A.DRIVER, False, None),
)


def _build() -> dict[str, ReasonInfo]:
    out: dict[str, ReasonInfo] = {}
    for reason, kind, groups, actor, retries, rejects_as in _TABLE:
        title, meaning, steps = REASON_TEXTS[reason]
        out[reason] = ReasonInfo(
            reason,
            kind,
            groups,
            title,
            meaning,
            tuple(steps),
            actor,
            retries,
            rejects_as,
            reason not in SIMULATOR_ONLY,
        )
    return out


#: Every known reason, keyed by its exact API string.
CATALOGUE: dict[str, ReasonInfo] = _build()

#: Reasons a clearance can carry while it stays pending (the provider still retries).
PENDING_REASONS: tuple[str, ...] = tuple(
    r for r, i in CATALOGUE.items() if i.kind in ("pending", "both")
)
#: Reasons a clearance can carry once rejected.
REJECT_REASONS: tuple[str, ...] = tuple(
    r for r, i in CATALOGUE.items() if i.kind in ("rejected", "both")
)

_BY_KEY: dict[str, ReasonInfo] = {r.casefold(): i for r, i in CATALOGUE.items()}


def _key(reason: str) -> str:
    return " ".join(reason.split()).casefold()


def lookup_reason(reason: object) -> ReasonInfo | None:
    """The catalogue entry for an API reason string, ignoring case and surrounding (and
    repeated inner) whitespace; None for None, non-strings and reasons we don't know."""
    if not isinstance(reason, str):
        return None
    return _BY_KEY.get(_key(reason))


def reasons_for_brand(brand: str, kind: str | None = None) -> tuple[str, ...]:
    """Reasons the provider documents for this brand (global ones included), optionally
    only those a pending ("pending") or rejected ("rejected") clearance can carry."""
    wanted = {"pending": ("pending", "both"), "rejected": ("rejected", "both")}.get(kind or "")
    return tuple(
        r
        for r, i in CATALOGUE.items()
        if (i.is_global or (brand_info(brand).known and i.applies_to(brand)))
        and (wanted is None or i.kind in wanted)
    )


def reject_reason_after_retries(pending_reason: str, brand: str | None) -> str:
    """The reject reason a clearance that stayed pending with `pending_reason` ends with
    once the provider's retry window runs out (used by the simulator)."""
    info = lookup_reason(pending_reason)
    if info is not None and info.kind == "both":
        return info.reason
    group = brand_info(brand).group if brand else ""
    if group in (STELLANTIS, "Volvo Cars"):
        return ACTIVATION_TIMEOUT_NO_DATA
    if group == "Mercedes-Benz":
        return VIN_ACTIVATION_TIMEOUT
    if group == "Ford":  # Ford rejects for missing consent after its retry window
        return CONSENT_MISSING
    return UNSPECIFIED


__all__ = [
    "ACTIVATION_TIMEOUT_NO_DATA",
    "CATALOGUE",
    "CONSENT_MISSING",
    "CUSTOMER_NAME_TAG_MISSING",
    "Actor",
    "NO_DATA_YET",
    "PENDING_REASONS",
    "PRIVACY_MODE",
    "REJECT_REASONS",
    "RETRY_WINDOW_DAYS",
    "ReasonInfo",
    "SIMULATOR_NOTE",
    "SIMULATOR_ONLY",
    "SUPPORT_EMAIL",
    "VEHICLE_NOT_DRIVEN",
    "VW_CUSTOMER_TAG",
    "WAITING_FOR_OTA",
    "lookup_reason",
    "reasons_for_brand",
    "reject_reason_after_retries",
]
