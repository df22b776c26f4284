"""Send signed deliveries: `fleettui webhooks test` and `fleettui webhooks replay`.

A delivery is signed exactly as the provider signs it (`verify.signed_headers`). Saved
deliveries are JSON lines `{"delivery": id, "event": type, "body": "<raw JSON text>"}`
(what `fleettui webhooks listen --save FILE` writes); a line may also hold just a payload
object, which is then sent as it is under a new delivery id.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from fleettui.core.text import one_line
from fleettui.core.timefmt import format_ts, utcnow
from fleettui.webhooks.events import CLEARANCE_CHANGED, PING
from fleettui.webhooks.verify import signed_headers


@dataclass(frozen=True, slots=True)
class Delivery:
    delivery: str
    event: str
    body: bytes


@dataclass(frozen=True, slots=True)
class SendResult:
    delivery: str
    status: int | None
    message: str

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def ping_delivery(at: datetime | None = None) -> Delivery:
    payload = {"event": {"type": PING, "received_at": format_ts(at or utcnow())}}
    return Delivery(str(uuid.uuid4()), PING, json.dumps(payload).encode())


def change_delivery(
    vin: str, action: str, detail: str | None = None, at: datetime | None = None
) -> Delivery:
    event: dict[str, Any] = {
        "type": CLEARANCE_CHANGED,
        "received_at": format_ts(at or utcnow()),
        "action": action,
    }
    if detail:
        event["detail"] = detail
    payload = {"vehicle": {"vin": vin}, "event": event}
    return Delivery(str(uuid.uuid4()), CLEARANCE_CHANGED, json.dumps(payload).encode())


def read_saved(lines: list[str]) -> tuple[list[Delivery], list[str]]:
    """Deliveries from saved JSON lines, and one problem per line that is not one."""
    out: list[Delivery] = []
    problems: list[str] = []
    for n, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            data = json.loads(line)
        except ValueError:
            problems.append(f"line {n}: not JSON")
            continue
        if isinstance(data, dict) and isinstance(data.get("body"), str):
            delivery = data.get("delivery")
            kind = data.get("event")
            out.append(
                Delivery(
                    delivery if isinstance(delivery, str) and delivery else str(uuid.uuid4()),
                    kind if isinstance(kind, str) and kind else _kind(data["body"]),
                    data["body"].encode(),
                )
            )
        elif isinstance(data, dict) and isinstance(data.get("event"), dict):
            body = json.dumps(data).encode()
            out.append(Delivery(str(uuid.uuid4()), _kind(body), body))
        else:
            problems.append(f"line {n}: neither a saved delivery nor a payload object")
    return out, problems


def _kind(body: str | bytes) -> str:
    try:
        kind = json.loads(body).get("event", {}).get("type")
    except (ValueError, AttributeError):
        return "unknown"
    return kind if isinstance(kind, str) else "unknown"


def send(
    url: str,
    secret: str,
    delivery: Delivery,
    *,
    timeout: float = 10.0,
    client: httpx.Client | None = None,
) -> SendResult:
    """POST one signed delivery; never raises for network trouble (status None)."""
    headers = signed_headers(secret, delivery.body, delivery.delivery, delivery.event)
    own = client is None
    host = urlsplit(url).hostname or ""
    http = client or httpx.Client(
        timeout=timeout,
        follow_redirects=False,
        trust_env=host not in ("127.0.0.1", "localhost", "::1"),
    )
    try:
        resp = http.post(url, content=delivery.body, headers=headers)
    except httpx.HTTPError as e:
        return SendResult(delivery.delivery, None, one_line(type(e).__name__ + ": " + str(e), 200))
    finally:
        if own:
            http.close()
    try:
        message = resp.json().get("message", "")
    except (ValueError, AttributeError):
        message = resp.text
    return SendResult(delivery.delivery, resp.status_code, one_line(message, 200))
