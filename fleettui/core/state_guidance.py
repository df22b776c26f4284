"""What each clearance state means, who acts, the steps to take and what happens next;
for revoked and canceled clearances the steps follow the brand's rules (`state_guidance`).

Plain data: `core/explanation.py` combines it with the reason catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from fleettui.core.brands import VW_CUSTOMER_TAG, brand_info
from fleettui.core.data_texts import DATA_STEP
from fleettui.core.reasons import RETRY_WINDOW_DAYS, SUPPORT_EMAIL, Actor
from fleettui.core.states import State

SUPPORT_WHAT_TO_SEND = (
    f"email {SUPPORT_EMAIL} with the VIN, the brand, when it was added, "
    "the current state and reason (word for word) and its tags"
)


@dataclass(frozen=True, slots=True)
class StateGuidance:
    headline: str
    meaning: str
    steps: tuple[str, ...]
    actor: Actor
    next_happens: str
    state: State = State.UNKNOWN


def _g(
    state: State,
    headline: str,
    meaning: str,
    steps: tuple[str, ...],
    actor: Actor,
    next_happens: str,
) -> StateGuidance:
    return StateGuidance(headline, meaning, steps, actor, next_happens, state)


_RE_ADD = (
    "Add the VIN again if you need data from this car again; a new clearance starts as pending."
)

_GUIDANCE: dict[State, StateGuidance] = {
    g.state: g
    for g in (
        _g(
            State.PENDING,
            "Activation in progress",
            "The provider is still activating data access. That can take several days: the car "
            "may need one or more over-the-air (OTA) updates first, and it has to be driven for "
            "the activation to finish and for data to flow.",
            (
                "Make sure the car is being driven; if it needs several OTA updates it needs several drives.",
                "Make sure privacy mode is off (the car's settings screen).",
                'If a reason is shown, look it up with `fleettui explain "<reason>"`.',
                f"Both checked and still pending after a week or more: {SUPPORT_WHAT_TO_SEND}.",
                "Only if you no longer want it: cancel it (brands that allow it, once a day old).",
            ),
            Actor.NOBODY_WAIT,
            "It becomes approved when activation succeeds, or rejected with a reason if the "
            f"provider gives up (often after about {RETRY_WINDOW_DAYS} days of retrying).",
        ),
        _g(
            State.APPROVED,
            "Data access is active",
            "The clearance is approved. The provider returns the newest data the car has sent; "
            "right after approval there may be none until the car is next driven.",
            (
                DATA_STEP,
                "To stop data access, revoke the clearance (it goes revoking, then revoked).",
            ),
            Actor.NOBODY_WAIT,
            "It stays approved until someone revokes it.",
        ),
        _g(
            State.REJECTED,
            "Activation failed",
            "The provider stopped trying to activate this car; the reason says why. A rejected "
            "clearance is never retried by itself.",
            (
                'Find out what the reason means (`fleettui explain "<reason>"` knows the '
                "documented ones) and fix the cause.",
                "Then add the VIN again; that starts a new activation.",
                f"Reason unclear or the fix didn't help: {SUPPORT_WHAT_TO_SEND}.",
            ),
            Actor.FLEET_OPERATOR,
            "Nothing, until the VIN is added again.",
        ),
        _g(
            State.REVOKING,
            "Data access is being withdrawn",
            "A revoke was requested and the provider is processing it. Nothing can be done to "
            "the clearance meanwhile (the API answers 409 'in transition').",
            ("Wait; it finishes by itself.",),
            Actor.NOBODY_WAIT,
            "It becomes revoked.",
        ),
        _g(
            State.REVOKED,
            "Data access was withdrawn",
            "The clearance was revoked; no more data flows for this car.",
            (_RE_ADD,),
            Actor.FLEET_OPERATOR,
            "Nothing; it stays revoked.",
        ),
        _g(
            State.CANCELING,
            "Activation is being cancelled",
            "A cancel was requested for this pending clearance and the provider is processing "
            "it. Nothing can be done to it meanwhile.",
            ("Wait; it finishes by itself.",),
            Actor.NOBODY_WAIT,
            "It becomes canceled.",
        ),
        _g(
            State.CANCELED,
            "Activation was cancelled",
            "The activation was stopped before it completed; no data flows for this car.",
            (_RE_ADD,),
            Actor.FLEET_OPERATOR,
            "Nothing; it stays canceled.",
        ),
        _g(
            State.ERROR,
            "The provider refused to add this vehicle",
            "The request itself was refused (for example a VIN of the wrong length or a brand "
            "the provider doesn't know), so no clearance was created.",
            (
                "Read the provider's description of what was wrong.",
                "Fix the VIN or brand (`fleettui` checks VINs before sending) and add it again.",
            ),
            Actor.FLEET_OPERATOR,
            "Nothing; no clearance exists.",
        ),
        _g(
            State.UNKNOWN,
            "A state this version doesn't know",
            "The provider reported a state fleettui doesn't recognise; it may be new. The raw "
            "status is shown as the provider sent it.",
            (
                "Check for a newer fleettui version.",
                f"If it stays that way or blocks you: {SUPPORT_WHAT_TO_SEND}.",
            ),
            Actor.NOBODY_WAIT,
            "Not known; watch for the next change.",
        ),
    )
}


_FORD_WAIT = (
    "wait a day before adding it again, or the new clearance is rejected "
    "('invalid OEM state: VIN revoke in progress') while Ford finishes the revoke."
)


def _re_add_steps(state: State, brand: str | None) -> tuple[str, ...]:
    """What adding an ended clearance again takes for this brand (revoked, canceled).

    Only the brand's own rules: a revoked Škoda is never told Ford's. Without a known
    brand, the brand-specific rules are named as such ("If it is a Ford: ...")."""
    b = brand_info(brand) if isinstance(brand, str) and brand.strip() else None
    if b is None or not b.known:
        out = [f"If it is a Ford: {_FORD_WAIT}"] if state is State.REVOKED else []
        out.append(
            f"If it is a VW Group brand: the new clearance needs the tag {VW_CUSTOMER_TAG} again."
        )
        return tuple(out)
    out = []
    if state is State.REVOKED and b.group == "Ford":
        out.append(f"Ford: {_FORD_WAIT}")
    for tag in b.required_tags:
        out.append(
            f"{b.display}: the new clearance needs the tag {tag} (the fleet "
            "operator's name) again, or it is rejected."
        )
    return tuple(out)


def state_guidance(state: State, brand: str | None = None) -> StateGuidance:
    """What the state means and what to do; for revoked and canceled clearances the
    steps follow the vehicle's brand (Ford's day of waiting, VW Group's tag)."""
    g = _GUIDANCE.get(state, _GUIDANCE[State.UNKNOWN])
    if state in (State.REVOKED, State.CANCELED):
        extra = _re_add_steps(state, brand)
        if extra:
            g = replace(g, steps=g.steps + extra)
    return g
