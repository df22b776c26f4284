"""What a state means and what to do about it, and `explain()`, which combines that with
the reason catalogue and the brand's rules into one plain-data answer.

No rendering here: the detail pane, `fleettui explain` and `fleettui show` all render the
same `Explanation` (the plain-text renderer is `format_explanation_text`).
"""

from __future__ import annotations

import textwrap
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from fleettui.core.brands import VW_CUSTOMER_TAG, brand_info
from fleettui.core.reasons import (
    RETRY_WINDOW_DAYS,
    SIMULATOR_NOTE,
    SUPPORT_EMAIL,
    Actor,
    ReasonInfo,
    lookup_reason,
)
from fleettui.core.states import State
from fleettui.core.text import sanitize

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
                "No data yet? Wait for the car's next drive.",
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


# -- plain-text rendering (CLI `explain` and `show`) -----------------------------------


def printable(text: str) -> str:
    """API text made safe for a terminal (the one sanitiser, fleettui.core.text): an
    escape sequence or hidden character shows as one visible mark, so the reason read
    differs visibly from the documented one."""
    return sanitize(text, mark=True)


def _wrap(text: str, width: int, indent: str, first: str | None = None) -> list[str]:
    return textwrap.wrap(
        text,
        width=max(20, width),
        initial_indent=first or indent,
        subsequent_indent=indent,
        break_on_hyphens=False,
    ) or [first or indent]


def format_explanation_text(expl: Explanation, width: int = 80) -> str:
    """The explanation as plain text: reason, meaning, who acts, numbered steps, what
    happens next, and notes about the brand."""
    lines: list[str] = []
    if expl.reason is None:
        lines.append(f"State: {expl.state}")
    elif expl.known:
        canonical = expl.reason_info.reason if expl.reason_info else expl.reason
        lines.append(f'Reason: "{printable(canonical)}"')
    else:
        lines.append(f'Reason not in the catalogue: "{printable(expl.reason)}"')
    lines.append(printable(expl.title))
    context = [f"state {expl.state}"]
    if expl.brand:
        context.append(f"brand {printable(expl.brand_display or expl.brand)}")
    if expl.reason_info is not None and not expl.reason_info.documented:
        context.append("the simulator's own reason, not in the provider's guide")
    elif expl.reason_info is not None:
        context.append(f"documented for {expl.reason_info.groups_label()}")
    lines.append("(" + "; ".join(context) + ")")
    lines.append("")
    lines += _wrap(expl.meaning, width, "")
    lines.append("")
    lines.append(f"Who must act: {expl.actor.value}")
    lines.append(f"Provider keeps retrying: {'yes' if expl.provider_retries else 'no'}")
    lines.append("")
    lines.append("Next steps:")
    for i, step in enumerate(expl.steps, start=1):
        lines += _wrap(printable(step), width, "     ", f"  {i}. ")
    lines.append("")
    lines += _wrap(expl.next_happens, width, "  ", "What happens next: ")
    if expl.notes or expl.brand_notes:
        lines.append("")
        lines.append("Notes:")
        for note in (*expl.notes, *expl.brand_notes):
            lines += _wrap(printable(note), width, "    ", "  - ")
    return "\n".join(lines) + "\n"
