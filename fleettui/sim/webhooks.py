"""Signed webhook deliveries (`ping`, `fleet_clearance_changed`) from a background thread.

The engine only enqueues; one daemon thread POSTs to the single configured URL (directly,
never through a proxy; header names keep their documented case). A failed
delivery is counted and dropped, never retried and never fatal. For receiver tests,
`duplicate_rate` sends a share of deliveries twice with the same `X-HM-Delivery` (as the
provider may), and `bad_signature_rate` signs a share with the wrong key; both draws are
made when the delivery is queued, so they are deterministic under the seed. Headers and payload follow
hm-api.md: `X-HM-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`, the legacy
SHA-1 `X-HM-Signature`, `X-HM-Delivery` (unique), `X-HM-Event`, `User-Agent: HM-Webhook/1.2.0`.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import queue
import random
import threading
import urllib.parse
import uuid
from typing import Any

from fleettui.sim.clock import STYLE_FRACTION_Z, format_api_ts

USER_AGENT = "HM-Webhook/1.2.0"
_STOP = object()


def sign(secret: str, body: bytes) -> tuple[str, str]:
    """(X-HM-Signature-256 value, legacy X-HM-Signature value) for a raw body."""
    key = secret.encode()
    sha256 = hmac.new(key, body, hashlib.sha256).hexdigest()
    sha1 = hmac.new(key, body, hashlib.sha1).hexdigest()
    return f"sha256={sha256}", f"sha1={sha1}"


class WebhookSender:
    def __init__(
        self,
        url: str,
        secret: str,
        seed: int,
        timeout: float = 5.0,
        *,
        duplicate_rate: float = 0.0,
        bad_signature_rate: float = 0.0,
    ) -> None:
        self._url = url
        self._secret = secret
        self.duplicate_rate = duplicate_rate
        self.bad_signature_rate = bad_signature_rate
        #: Deliveries sent a second time, and sent with a wrong signature.
        self.duplicated = 0
        self.badly_signed = 0
        self._timeout = timeout
        self._rng = random.Random(f"webhooks:{seed}")
        self._queue: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="sim-webhooks", daemon=True)
        self.delivered = 0
        self.failed = 0
        self._idle = threading.Condition()
        self._in_flight = 0
        self._seen_last: str | None = None

    def __repr__(self) -> str:
        return f"WebhookSender(url={self._url!r}, delivered={self.delivered}, failed={self.failed})"

    def start(self) -> None:
        if self._thread.is_alive():
            return
        if self._thread.ident is not None:  # stopped before: a thread runs only once
            self._thread = threading.Thread(target=self._run, name="sim-webhooks", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        self._queue.put(_STOP)
        if self._thread.is_alive():
            self._thread.join(timeout)

    def ping(self, at: float) -> None:
        self._enqueue(
            "ping", {"event": {"type": "ping", "received_at": format_api_ts(at, STYLE_FRACTION_Z)}}
        )

    def clearance_changed(self, vin: str, status: str, reason: str | None, at: float) -> None:
        event: dict[str, Any] = {
            "type": "fleet_clearance_changed",
            "received_at": format_api_ts(at, STYLE_FRACTION_Z),
            "action": status,
        }
        if reason is not None:
            event["detail"] = reason
        self._enqueue("fleet_clearance_changed", {"vehicle": {"vin": vin}, "event": event})

    def _enqueue(self, kind: str, payload: dict[str, Any]) -> None:
        delivery = str(uuid.UUID(int=self._rng.getrandbits(128), version=4))
        bad = bool(self.bad_signature_rate) and self._rng.random() < self.bad_signature_rate
        body = json.dumps(payload).encode()
        copies = 2 if self.duplicate_rate and self._rng.random() < self.duplicate_rate else 1
        with self._idle:
            self._in_flight += copies
        for _ in range(copies):
            self._queue.put((kind, delivery, body, bad))

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Block until every queued delivery has been attempted (for tests)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._in_flight == 0, timeout)

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is _STOP:
                return
            kind, delivery, body, bad = item
            try:
                self._post(kind, delivery, body, bad)
                self.delivered += 1
            except Exception:  # noqa: BLE001 - a receiver's failure must never stop us
                self.failed += 1
            finally:
                with self._idle:
                    self._in_flight -= 1
                    self._idle.notify_all()

    def _post(self, kind: str, delivery: str, body: bytes, bad: bool = False) -> None:
        if bad:
            self.badly_signed += 1
        elif self._seen_last == delivery:
            self.duplicated += 1
        self._seen_last = delivery
        sig256, sig1 = sign(self._secret + "-wrong" if bad else self._secret, body)
        url = urllib.parse.urlsplit(self._url)
        conn_cls = (
            http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
        )
        conn = conn_cls(url.hostname or "", url.port, timeout=self._timeout)
        try:
            conn.request(
                "POST",
                (url.path or "/") + (f"?{url.query}" if url.query else ""),
                body=body,
                headers={
                    "Content-Type": "application/json",
                    "User-Agent": USER_AGENT,
                    "X-HM-Signature-256": sig256,
                    "X-HM-Signature": sig1,
                    "X-HM-Delivery": delivery,
                    "X-HM-Event": kind,
                },
            )
            resp = conn.getresponse()
            resp.read()
            if resp.status >= 300:
                raise OSError(f"webhook receiver answered {resp.status}")
        finally:
            conn.close()
