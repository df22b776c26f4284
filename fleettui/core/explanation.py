"""`explain()`: what a clearance's state means and what to do about it, combined with the
reason catalogue and the brand's rules into one plain-data `Explanation`.

No rendering here: the detail pane, `fleettui explain` and `fleettui show` all render the
same `Explanation` (the plain-text renderer is `core/explanation_text.py`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from fleettui.core.brands import brand_info
from fleettui.core.reasons import (
    RETRY_WINDOW_DAYS,
    SIMULATOR_NOTE,
    Actor,
    ReasonInfo,
    lookup_reason,
)
from fleettui.core.state_guidance import StateGuidance, state_guidance
from fleettui.core.states import State


@dataclass(frozen=True, slots=True)
class Explanation:
    reason: str | None  # verbatim, as given
    known: bool  # found in the catalogue
    state: State
    brand: str | None  # brand code as given (normalised), if any
    brand_display: str | None
    title: str
    meaning: str
    steps: tuple[str, ...]
    actor: Actor
    provider_retries: bool
    next_happens: str
    #: None when there is no reason or no brand to compare; else whether the provider
    #: documents this reason for this brand.
    applies_to_brand: bool | None
    brand_notes: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    reason_info: ReasonInfo | None = None
    guidance: StateGuidance | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """Stable JSON-ready form (keys documented by `fleettui explain --json`)."""
        info = self.reason_info
        return {
            "reason": self.reason,
            "known": self.known,
            "state": str(self.state),
            "brand": self.brand,
            "brand_display": self.brand_display,
            "title": self.title,
            "meaning": self.meaning,
            "steps": list(self.steps),
            "actor": self.actor.value,
            "provider_retries": self.provider_retries,
            "next_happens": self.next_happens,
            "applies_to_brand": self.applies_to_brand,
            "brand_notes": list(self.brand_notes),
            "notes": list(self.notes),
            "kind": info.kind if info else None,
            "groups": list(info.groups) if info else None,
            "state_guidance": _guidance_dict(self.guidance),
        }


def _guidance_dict(g: StateGuidance | None) -> dict[str, Any] | None:
    if g is None:
        return None
    d = asdict(g)
    d["state"], d["actor"], d["steps"] = str(g.state), g.actor.value, list(g.steps)
    return d


_REASON_STATES = (State.PENDING, State.REJECTED, State.UNKNOWN)


def brand_notes(brand: str | None) -> tuple[str, ...]:
    """What the brand's rules mean for this clearance, one sentence each."""
    if not brand or not brand.strip():
        return ()
    b = brand_info(brand)
    if not b.known:
        return (
            f"'{b.code}' is not a brand this version of fleettui knows; its rules "
            "(cancel, required tags) can't be checked.",
        )
    notes: list[str] = []
    if b.group != b.display:
        notes.append(f"{b.display} belongs to {b.group}.")
    if b.cancelable:
        notes.append(
            f"A pending {b.display} clearance can be cancelled through the API "
            "once it is a day old."
        )
    else:
        notes.append(
            f"{b.display} clearances can't be cancelled through the API; revoke "
            "once approved, or ask support."
        )
    for tag in b.required_tags:
        notes.append(
            f"{b.display} needs the tag {tag} (the fleet operator's name) on every "
            "clearance, or it is rejected."
        )
    return tuple(notes)


def _next_for_reason(info: ReasonInfo, state: State) -> str:
    if state is State.PENDING:
        end = f" ({info.rejects_as})" if info.rejects_as else ""
        return (
            "The provider keeps retrying. It becomes approved once the cause is gone, "
            f"or rejected{end} if it is still stuck after about {RETRY_WINDOW_DAYS} days."
        )
    if state is State.REJECTED:
        return "Nothing by itself: fix the cause, then add the VIN again."
    return state_guidance(state).next_happens


def explain(reason: str | None, state: State, brand: str | None = None) -> Explanation:
    """Everything we can say about a clearance's reason in its state, for its brand."""
    text = reason if isinstance(reason, str) and reason.strip() else None
    info = lookup_reason(text) if text else None
    code = brand.strip().lower() if isinstance(brand, str) and brand.strip() else None
    guide = state_guidance(state, code)
    b = brand_info(code) if code else None
    applies = info.applies_to(code) if (info is not None and b is not None and b.known) else None
    notes: list[str] = []
    if text and info is None and state is State.ERROR:
        notes.append(
            "This is the provider's description of what was wrong with the request, "
            "shown exactly as sent."
        )
    elif text and info is None:
        notes.append(
            "This reason is not in fleettui's catalogue; it is shown exactly as the "
            "provider sent it, with the general guidance for the state."
        )
    if info is not None and not info.documented:
        notes.append(SIMULATOR_NOTE)
    if applies is False and info is not None and b is not None:
        notes.append(
            f"The provider documents this reason for {info.groups_label()}, not for "
            f"{b.display}; double-check the brand, or treat it as unusual and ask support."
        )
    if info is not None and state in _REASON_STATES:
        retries = state is State.PENDING or (state is State.UNKNOWN and info.provider_retries)
        return Explanation(
            text,
            True,
            state,
            code,
            b.display if b else None,
            info.title,
            info.meaning,
            info.steps,
            info.actor,
            retries,
            _next_for_reason(info, state),
            applies,
            brand_notes(code),
            tuple(notes),
            info,
            guide,
        )
    if info is not None:
        notes.append(f"This reason belongs to an earlier step; the clearance is now {state}.")
    return Explanation(
        text,
        info is not None,
        state,
        code,
        b.display if b else None,
        guide.headline,
        guide.meaning,
        guide.steps,
        guide.actor,
        state in (State.PENDING, State.REVOKING, State.CANCELING),
        guide.next_happens,
        applies,
        brand_notes(code),
        tuple(notes),
        info,
        guide,
    )
