"""Reading a verified delivery's body into a typed event (hm-api.md, Webhooks).

    {"vehicle": {"vin": "..."}, "event": {"type": "fleet_clearance_changed",
     "received_at": "<ISO 8601>", "action": "rejected", "detail": "<reason>"}}

Only called on bodies whose signature checked out. Unknown extra keys are normal; an
unknown event type is kept (and counted by the receiver), never an error. A body that is
not this shape raises :class:`BadPayload` with a short reason that never quotes the body.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from fleettui.core.states import State
from fleettui.core.text import one_line
from fleettui.core.timefmt import format_ts, parse_ts

PING = "ping"
CLEARANCE_CHANGED = "fleet_clearance_changed"
KNOWN_TYPES = frozenset({PING, CLEARANCE_CHANGED})
#: The clearance states a change can announce (`error` exists only in POST answers).
STORED_STATES = frozenset(s.value for s in State if s not in (State.ERROR, State.UNKNOWN))
MAX_VIN = 32
MAX_DETAIL = 300
MAX_DELIVERY_ID = 100


class BadPayload(ValueError):
    """The body is signed but not a delivery fleettui can read (the receiver answers 400)."""


@dataclass(frozen=True, slots=True)
class WebhookEvent:
    delivery: str
    type: str
    received_at: datetime | None
    vin: str | None = None
    action: str | None = None
    detail: str | None = None

    @property
    def known(self) -> bool:
        return self.type in KNOWN_TYPES

    @property
    def is_change(self) -> bool:
        return self.type == CLEARANCE_CHANGED

    def to_json(self) -> dict[str, Any]:
        return {
            "delivery": self.delivery,
            "type": self.type,
            "received_at": format_ts(self.received_at) or None,
            "vin": self.vin,
            "action": self.action,
            "detail": self.detail,
        }


def clean_delivery_id(value: str | None) -> str | None:
    """The X-HM-Delivery header as a key: one line, bounded; None when blank."""
    text = one_line(value or "", MAX_DELIVERY_ID + 1)
    if not text or len(text) > MAX_DELIVERY_ID:
        return None
    return text


def _text(value: Any, limit: int) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadPayload("a text field is not a string")
    return one_line(value, limit) or None


def parse_event(body: bytes, delivery: str, event_header: str | None = None) -> WebhookEvent:
    """The event in a verified body; BadPayload when it is not JSON of the documented shape."""
    problem = "body is not JSON"
    try:
        data = json.loads(body)
    except RecursionError:
        problem = "body is nested too deeply to be a webhook event"
    except ValueError:  # UnicodeDecodeError included
        pass
    else:
        problem = ""
    if problem:
        raise BadPayload(problem)
    if not isinstance(data, dict):
        raise BadPayload("body is not a JSON object")
    event = data.get("event")
    if not isinstance(event, dict):
        raise BadPayload("no 'event' object")
    kind = event.get("type", event_header)
    if not isinstance(kind, str) or not kind.strip():
        raise BadPayload("no event type")
    kind = one_line(kind, 64)
    raw_at = event.get("received_at")
    received_at = parse_ts(raw_at)
    if raw_at is not None and received_at is None:
        raise BadPayload("received_at is not an ISO 8601 time")
    if kind != CLEARANCE_CHANGED:
        return WebhookEvent(delivery, kind, received_at)
    vehicle = data.get("vehicle")
    vin = _text(vehicle.get("vin"), MAX_VIN + 1) if isinstance(vehicle, dict) else None
    if not vin or len(vin) > MAX_VIN:
        raise BadPayload("no usable vehicle.vin")
    action = _text(event.get("action"), 40)
    if action is None or action.lower() not in STORED_STATES:
        raise BadPayload("action is not a clearance state")
    return WebhookEvent(
        delivery,
        kind,
        received_at,
        vin.upper(),
        action.lower(),
        _text(event.get("detail"), MAX_DETAIL),
    )


def freshness_problem(
    received_at: datetime | None, now: datetime, max_age: timedelta, max_ahead: timedelta
) -> str | None:
    """Why an event's time is implausible against `now` (the provider's clock), or None.
    An event without a time is judged by its delivery id alone (dedupe)."""
    if received_at is None:
        return None
    if received_at < now - max_age:
        return "event is older than the accepted window"
    if received_at > now + max_ahead:
        return "event is from the future"
    return None
