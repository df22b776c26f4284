"""One webhook request's verdict: its checks, in order, and the answer the receiver
sends (`fleettui.webhooks.receiver` holds the connection, its slot and its deadline).

In this order: a bounded head and body (`http`); the path and method; the
`X-HM-Signature-256` HMAC of the raw body, constant-time (401 and counted when missing,
sent twice or wrong, before anything is parsed); the delivery id; the JSON (400 when
garbage); the event's `received_at` against the provider's clock (422 outside the
window); a durable store's record (503 when it cannot: the provider retries); then 202
and the event goes on the delivery queue (503 when full). Each refusal is counted and
logged with the peer, the reason, the delivery id and the size: never the secret, a
signature or the body.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from fleettui.webhooks import http
from fleettui.webhooks.delivery_queue import UNSTORED, DeliveryQueue
from fleettui.webhooks.events import (
    BadPayload,
    clean_delivery_id,
    freshness_problem,
    parse_event,
)
from fleettui.webhooks.health import Counters
from fleettui.webhooks.receiver_config import ReceiverConfig
from fleettui.webhooks.store import ReceiverStore
from fleettui.webhooks.verify import (
    DELIVERY_HEADER,
    EVENT_HEADER,
    SIGNATURE_HEADER,
    signature_problem,
)

log = logging.getLogger("fleettui.webhooks")


class RequestVerdict:
    def __init__(
        self,
        config: ReceiverConfig,
        store: ReceiverStore,
        counters: Counters,
        deliveries: DeliveryQueue,
        now: Callable[[], datetime],
    ) -> None:
        self.config = config
        self.store = store
        self.counters = counters
        self.deliveries = deliveries
        self.now = now
        #: A store that must hold the delivery before the 202 (the desk's): record() runs
        #: on the HTTP side, in a worker thread, and a failure answers 503 (the provider
        #: retries), so an answered delivery is never lost.
        self.durable = bool(getattr(store, "durable", False))

    def _refuse(
        self,
        counter: str,
        peer: str,
        status: int,
        reason: str,
        delivery: str | None = None,
        size: int = 0,
    ) -> tuple[int, str]:
        self.counters.bump(counter)
        log.warning(
            "refused webhook from %s: %s (delivery %r, %d bytes)",
            peer,
            reason,
            delivery or "-",
            size,
        )
        return status, reason

    async def answer(
        self, reader: asyncio.StreamReader, peer: str, on_head: Callable[[], None]
    ) -> tuple[int, str]:
        try:
            req = await http.read_request(
                reader,
                self.config.max_body,
                head_timeout=self.config.head_timeout,
                body_timeout=self.config.body_timeout,
                on_head=on_head,
            )
        except http.HttpRefusal as e:
            return self._refuse("refused_other", peer, e.status, e.reason)
        if req.path != self.config.path:
            return self._refuse("refused_other", peer, 404, "no receiver at this path")
        if req.method != "POST":
            return self._refuse("refused_other", peer, 405, "only POST is accepted")
        size = len(req.body)
        delivery = clean_delivery_id(req.header(DELIVERY_HEADER))
        sig = req.header(SIGNATURE_HEADER)
        problem = (
            "signature header sent twice"
            if SIGNATURE_HEADER.lower() in req.repeated
            else signature_problem(self.config.secret, req.body, sig)
        )
        if problem is not None:
            return self._refuse("bad_signatures", peer, 401, problem, delivery, size)
        if delivery is None:
            return self._refuse(
                "bad_payloads", peer, 400, "no usable X-HM-Delivery header", None, size
            )
        try:
            event = parse_event(req.body, delivery, req.header(EVENT_HEADER))
        except BadPayload as e:
            return self._refuse("bad_payloads", peer, 400, str(e), delivery, size)
        stale = freshness_problem(
            event.received_at, self.now(), self.config.max_age, self.config.max_ahead
        )
        if stale is not None:
            return self._refuse("stale_events", peer, 422, stale, delivery, size)
        seq: int | None = UNSTORED
        if self.durable:
            try:
                seq = await asyncio.get_running_loop().run_in_executor(
                    None, self.store.record, event
                )
            except Exception as e:  # noqa: BLE001 - not stored: the provider must retry
                log.error("webhook store: cannot store delivery %r: %s", delivery, e)
                return self._refuse(
                    "refused_other", peer, 503, "cannot store it now; retry later", delivery, size
                )
        if not self.deliveries.offer(event, req.body, seq):
            if seq != UNSTORED:  # stored already: answer 202, only the extras are skipped
                return 202, "accepted"
            return self._refuse("refused_other", peer, 503, "busy; retry later", delivery, size)
        return 202, "accepted"
