"""Clearance states: what each one means for display and for the actions it allows.

State names are API values. `UNKNOWN` stands in for anything the provider adds later,
so a new state never breaks parsing or rendering; the raw string is kept on the vehicle.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class State(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    REVOKING = "revoking"
    REVOKED = "revoked"
    CANCELING = "canceling"
    CANCELED = "canceled"
    ERROR = "error"
    UNKNOWN = "unknown"


class Action(StrEnum):
    """Write actions on an existing clearance (both are a DELETE on the API)."""

    CANCEL = "cancel"
    REVOKE = "revoke"


@dataclass(frozen=True, slots=True)
class StateInfo:
    state: State
    label: str
    #: A colour from the 16 ANSI colours, so it renders the same on a basic terminal.
    colour: str
    #: One narrow character that tells the state apart without colour.
    glyph: str
    summary: str


STATE_INFO: dict[State, StateInfo] = {
    s.state: s
    for s in (
        StateInfo(
            State.PENDING,
            "pending",
            "yellow",
            "…",
            "Activation requested; the provider is still working on it.",
        ),
        StateInfo(State.APPROVED, "approved", "green", "✓", "Data access is active."),
        StateInfo(
            State.REJECTED, "rejected", "red", "✗", "Activation failed; the reason says why."
        ),
        StateInfo(State.REVOKING, "revoking", "magenta", "↓", "Data access is being withdrawn."),
        StateInfo(State.REVOKED, "revoked", "bright_black", "⊘", "Data access was withdrawn."),
        StateInfo(
            State.CANCELING, "canceling", "cyan", "↩", "The pending activation is being cancelled."
        ),
        StateInfo(
            State.CANCELED,
            "canceled",
            "white",
            "–",
            "The activation was cancelled before it completed.",
        ),
        StateInfo(
            State.ERROR,
            "error",
            "bright_red",
            "!",
            "The provider refused the request to add this vehicle.",
        ),
        StateInfo(
            State.UNKNOWN,
            "unknown",
            "bright_blue",
            "?",
            "A state this version of fleettui does not know.",
        ),
    )
}

#: Display order (the natural life cycle), used for counts and default sorting.
STATE_ORDER: tuple[State, ...] = tuple(STATE_INFO)


_BY_VALUE: dict[str, State] = {s.value: s for s in State}


def parse_state(value: object) -> State:
    """Map an API status string to a State; anything unrecognised becomes UNKNOWN.

    A dict lookup first: this runs for every vehicle and changelog entry of every refresh,
    and `State(value)` is several times slower."""
    found = _BY_VALUE.get(value) if isinstance(value, str) else None
    if found is not None:
        return found
    if isinstance(value, str):
        return _BY_VALUE.get(value.strip().lower(), State.UNKNOWN)
    return State.UNKNOWN


def info(state: State) -> StateInfo:
    return STATE_INFO[state]
