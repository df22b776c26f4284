"""Brand and state rules checked before any write, so people get a plain answer instead
of a provider error (and nothing is sent that is bound to fail).

- cancel: only a pending clearance, only on brands that support it (Stellantis,
  Mercedes-Benz, VW group). Under a day old the provider answers 'too early': we warn,
  we don't refuse (our clock or the changelog may be off; the provider decides).
- revoke: only an approved clearance.
- nothing while revoking or canceling (the provider answers 409 'in transition').
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from fleettui.core.brands import (
    BRAND_CODES,
    BRANDS,
    brand_info,
    missing_required_tags,
    similar_brands,
)
from fleettui.core.states import Action, State
from fleettui.core.timefmt import format_duration, format_ts
from fleettui.core.vehicle import Vehicle
from fleettui.core.vin import check_vin

CANCEL_MIN_AGE = timedelta(days=1)


def _cancelable_groups() -> str:
    groups: list[str] = []
    for b in BRANDS.values():
        if b.cancelable and b.group not in groups:
            groups.append(b.group)
    names = ["VW-group brands" if g == "VW Group" else g for g in groups]
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)


CANCELABLE_TEXT = _cancelable_groups()


@dataclass(frozen=True, slots=True)
class ActionCheck:
    allowed: bool
    reason: str = ""  # why it is refused, in plain words ("" when allowed)
    warnings: list[str] = field(default_factory=list)


@dataclass(slots=True)
class BulkPlan:
    send: list[Vehicle] = field(default_factory=list)
    skip: list[tuple[Vehicle, str]] = field(default_factory=list)
    #: Vehicles that will be sent but will probably be refused (e.g. cancel too early).
    warnings: list[tuple[Vehicle, str]] = field(default_factory=list)

    def summary(self) -> str:
        text = f"{len(self.send)} to send, {len(self.skip)} skipped"
        if self.warnings:
            text += f", {len(self.warnings)} with warnings"
        return text


def _in_transition(vehicle: Vehicle) -> ActionCheck | None:
    if vehicle.state in (State.REVOKING, State.CANCELING):
        return ActionCheck(
            False,
            f"This clearance is {vehicle.state}: the provider is still "
            "processing an earlier request. Wait until it has finished.",
        )
    return None


def _cancel_age_warning(vehicle: Vehicle, now: datetime) -> list[str]:
    since = vehicle.state_since or vehicle.first_seen
    if since is None:
        return []
    age = now - since
    if age >= CANCEL_MIN_AGE:
        return []
    return [
        f"This clearance is only {format_duration(age.total_seconds())} old; the provider "
        "refuses to cancel before it is a day old ('too early'). Try again after "
        f"{format_ts(since + CANCEL_MIN_AGE)}."
    ]


def _check_cancel(vehicle: Vehicle, now: datetime) -> ActionCheck:
    b = brand_info(vehicle.brand)
    if vehicle.state is not State.PENDING:
        extra = " Revoke it instead." if vehicle.state is State.APPROVED else ""
        return ActionCheck(
            False,
            f"Only a pending clearance can be cancelled; this one is "
            f"{_state_word(vehicle)}.{extra}",
        )
    if not b.known:
        return ActionCheck(
            False,
            f"fleettui doesn't know the brand '{vehicle.brand}', so it "
            f"won't send a cancel; only {CANCELABLE_TEXT} can be "
            "cancelled. Ask support if you need this one stopped.",
        )
    if not b.cancelable:
        return ActionCheck(
            False,
            f"{b.display} clearances can't be cancelled through the API; "
            f"only {CANCELABLE_TEXT} can. Revoke it once approved, or "
            "ask support.",
        )
    return ActionCheck(True, "", _cancel_age_warning(vehicle, now))


def _check_revoke(vehicle: Vehicle) -> ActionCheck:
    if vehicle.state is State.APPROVED:
        return ActionCheck(True)
    if vehicle.state is State.PENDING:
        b = brand_info(vehicle.brand)
        fix = (
            "Cancel it instead."
            if b.cancelable
            else f"{b.display} can't be cancelled either: wait until it is approved and revoke "
            "it then, or ask support."
        )
        return ActionCheck(False, f"A pending clearance can't be revoked. {fix}")
    if vehicle.state is State.UNKNOWN:
        return ActionCheck(
            False,
            f"fleettui doesn't know the state '{vehicle.status}', so it "
            "won't send a revoke. Refresh, or check with support.",
        )
    return ActionCheck(
        False,
        f"Nothing to revoke: this clearance is {vehicle.state}; only an "
        "approved clearance can be revoked.",
    )


def _state_word(vehicle: Vehicle) -> str:
    if vehicle.state is State.UNKNOWN:
        return f"'{vehicle.status}' (a state fleettui doesn't know)"
    return str(vehicle.state)


def check_action(vehicle: Vehicle, action: Action, now: datetime) -> ActionCheck:
    """Whether `action` may be sent for this clearance now; the refusal says why and what
    to do instead; warnings say what will probably go wrong if it is sent anyway."""
    busy = _in_transition(vehicle)
    if busy is not None:
        return busy
    if action is Action.CANCEL:
        return _check_cancel(vehicle, now)
    if action is Action.REVOKE:
        return _check_revoke(vehicle)
    return ActionCheck(False, f"Unknown action '{action}'.")


def brand_problem(brand: object) -> str | None:
    """None for a known brand code, else a one-line problem with suggestions."""
    if not isinstance(brand, str) or not brand.strip():
        return "brand is missing; pick one of the provider's brand codes (e.g. bmw, volkswagen)."
    if brand_info(brand).known:
        return None
    hints = similar_brands(brand, limit=4)
    hint = (
        f"did you mean {', '.join(hints)}?" if hints else f"valid brands: {', '.join(BRAND_CODES)}"
    )
    return f"unknown brand '{brand.strip()}'; {hint}"


def check_new_vehicle(
    vin: str, brand: str, tags: Mapping[str, object] | None = None, *, no_brand: str | None = None
) -> list[str]:
    """Every problem that would make the provider refuse or reject a new clearance, VIN
    first (a line with a bad VIN and no brand is told both). `no_brand`: what to say when
    the brand is missing, in the words of where it should have been given."""
    problems = [f"VIN: {p}" for p in check_vin(vin).problems]
    bp = brand_problem(brand)
    if bp is not None and no_brand is not None and not (isinstance(brand, str) and brand.strip()):
        bp = no_brand
    if bp is not None:
        problems.append(bp)
    tags = tags or {}
    for key, value in tags.items():
        if not isinstance(key, str) or not key.strip():
            problems.append("a tag has an empty name; every tag needs a name.")
        elif not isinstance(value, str):
            problems.append(f"tag '{key}' must have a text value.")
    if bp is None:
        b = brand_info(brand)
        clean = {k: v for k, v in tags.items() if isinstance(k, str) and isinstance(v, str)}
        for tag in missing_required_tags(brand, clean):
            problems.append(
                f"{b.display} needs the tag {tag} set to the fleet operator's name; "
                "without it the provider rejects it ('customer name tag missing')."
            )
    return problems


def plan_bulk(vehicles: Iterable[Vehicle], action: Action, now: datetime) -> BulkPlan:
    """Split a selection into what to send and what to skip (with why). A VIN listed twice
    is sent once."""
    plan = BulkPlan()
    seen: set[str] = set()
    for v in vehicles:
        if v.vin in seen:
            plan.skip.append((v, "listed twice; sent once"))
            continue
        seen.add(v.vin)
        check = check_action(v, action, now)
        if not check.allowed:
            plan.skip.append((v, check.reason))
            continue
        plan.send.append(v)
        plan.warnings.extend((v, w) for w in check.warnings)
    return plan
