"""Helpers for the webhook tests: a receiver on a temporary database, signed posts."""

from __future__ import annotations

import json
import uuid
from datetime import datetime

import httpx

from fleettui.core.timefmt import format_ts
from fleettui.webhooks.verify import signed_headers

SECRET = "whsec-test-secret"


def change_body(
    vin: str,
    action: str,
    at: datetime,
    detail: str | None = None,
    kind: str = "fleet_clearance_changed",
) -> bytes:
    event = {"type": kind, "received_at": format_ts(at), "action": action}
    if detail:
        event["detail"] = detail
    return json.dumps({"vehicle": {"vin": vin}, "event": event}).encode()


def post_signed(
    url: str,
    body: bytes,
    *,
    delivery: str | None = None,
    secret: str = SECRET,
    event: str = "fleet_clearance_changed",
    **headers: str,
) -> httpx.Response:
    h = signed_headers(secret, body, delivery or str(uuid.uuid4()), event)
    h.update(headers)
    return httpx.post(url, content=body, headers=h, timeout=10, trust_env=False)
