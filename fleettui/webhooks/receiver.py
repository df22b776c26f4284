"""The webhook receiver: verify, answer at once, apply after answering.

    store = WebhookStore(default_db_path("prod"))
    with WebhookReceiver(ReceiverConfig(secret=s, port=8787), store, on_event=cb) as rx:
        rx.url        # http://127.0.0.1:8787/hooks/hm

(`ReceiverConfig` is in `receiver_config`.)

Per request, within one deadline: bounded head and body (see `http`); the
`X-HM-Signature-256` HMAC of the raw body, constant-time (401 and counted when missing
or wrong, before anything is parsed); the delivery id; the JSON (400 when garbage); the
event's `received_at` against the provider's clock (422 outside the window); then 202 and
the event goes on a queue (`delivery_queue`); those checks are `request_verdict`'s, the
connection, its slot and its deadline this module's. A second thread takes it from the queue:
dedupe by delivery id in the database (remembered across restarts), store, count, call
`on_event`. A full queue answers 503 so the provider retries later. Refused requests are
logged with the peer, the reason, the delivery id and the size: never the secret, a
signature or the body.
With `history` (a `fleettui.history.HistoryStore`), every applied change is also recorded
in the profile's local history (source "webhook", keyed by the delivery id).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from fleettui.core.timefmt import utcnow
from fleettui.webhooks import http
from fleettui.webhooks.delivery_queue import DeliveryQueue, EventCallback
from fleettui.webhooks.health import Counters, HealthSnapshot
from fleettui.webhooks.receiver_config import ReceiverConfig
from fleettui.webhooks.request_verdict import RequestVerdict
from fleettui.webhooks.slots import Slots
from fleettui.webhooks.store import ReceiverStore

log = logging.getLogger("fleettui.webhooks")


class WebhookReceiver:
    def __init__(
        self,
        config: ReceiverConfig,
        store: ReceiverStore,
        *,
        now: Callable[[], datetime] = utcnow,
        on_event: EventCallback | None = None,
        save: Path | None = None,
        wall: Callable[[], float] = time.time,
        history: Any | None = None,
    ) -> None:
        problems = config.problems()
        if problems:
            raise ValueError("; ".join(problems))
        self.config = config
        self.store = store
        self.counters = Counters(clock=wall)
        self._deliveries = DeliveryQueue(
            store,
            self.counters,
            size=config.queue_size,
            heartbeat=config.heartbeat,
            now=now,
            on_event=on_event,
            save=save,
            history=history,
        )
        #: Each request's checks, in order, and its answer (request_verdict).
        self._verdict = RequestVerdict(config, store, self.counters, self._deliveries, now)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.Server | None = None
        self._address: tuple[str, int] | None = None
        self._threads: list[threading.Thread] = []
        self._slots = Slots(config.max_connections, config.per_peer)

    def __repr__(self) -> str:
        return f"WebhookReceiver(url={self.url!r})"

    # -- life cycle --------------------------------------------------------------------

    @property
    def url(self) -> str:
        if self._address is None:
            return ""
        host, port = self._address
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{port}{self.config.path}"

    @property
    def port(self) -> int:
        return self._address[1] if self._address else 0

    def start(self) -> WebhookReceiver:
        if self._loop is not None:
            return self
        ready = threading.Event()
        failure: list[BaseException] = []
        loop = asyncio.new_event_loop()

        def serve() -> None:
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self._bind())
            except BaseException as e:  # noqa: BLE001 - handed to start()'s caller
                failure.append(e)
                ready.set()
                loop.close()
                return
            ready.set()
            try:
                loop.run_forever()
            finally:
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.close()

        http_thread = threading.Thread(target=serve, name="webhooks-http", daemon=True)
        http_thread.start()
        ready.wait(10)
        if failure:
            raise failure[0]
        self._loop = loop
        self.counters.listening = self.url
        apply_thread = threading.Thread(
            target=self._deliveries.run, name="webhooks-apply", daemon=True
        )
        apply_thread.start()
        self._threads = [http_thread, apply_thread]
        return self

    async def _bind(self) -> None:
        self._server = await asyncio.start_server(
            self._serve, self.config.host, self.config.port, limit=http.MAX_HEAD
        )
        sock = self._server.sockets[0].getsockname()
        self._address = (sock[0], sock[1])

    def stop(self, wait: float = 5.0) -> None:
        """Stop serving; waits at most `wait` seconds in all for the threads (they are
        daemons: a slow request or write left behind ends with the process)."""
        loop, self._loop = self._loop, None
        if loop is None:
            return

        async def close() -> None:
            if self._server is not None:
                self._server.close()
                for task in [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]:
                    task.cancel()
            loop.stop()

        asyncio.run_coroutine_threadsafe(close(), loop)
        self._deliveries.close(timeout=wait / 2)
        end = time.monotonic() + wait
        for t in self._threads:
            t.join(max(0.0, end - time.monotonic()))
        self._threads = []
        with contextlib.suppress(Exception):
            self.store.write_health(HealthSnapshot())  # no heartbeat: attached monitors see "down"

    def __enter__(self) -> WebhookReceiver:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def snapshot(self) -> HealthSnapshot:
        return self.counters.snapshot()

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Block until every accepted delivery has been applied (for tests and replay)."""
        return self._deliveries.wait_idle(timeout)

    # -- the HTTP side (event loop thread) ---------------------------------------------

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = writer.get_extra_info("peername")
        peer_host = str(peer[0]) if isinstance(peer, tuple) and peer else "?"
        evicted_before = self._slots.evicted
        slot = self._slots.admit(peer_host)
        if self._slots.evicted != evicted_before:
            self.counters.bump("dropped_idle", self._slots.evicted - evicted_before)
        if slot is None:
            self.counters.refused_busy()
            log.warning(
                "refused webhook connection from %s: every slot is busy with a "
                "request under way (%d open)",
                peer_host,
                len(self._slots),
            )
            writer.transport.abort()
            return
        task = asyncio.current_task()

        def drop() -> None:
            if task is not None:
                task.cancel()
            else:
                writer.transport.abort()

        slot.drop = drop

        def head_arrived() -> None:
            slot.head_done = True

        try:
            try:
                async with asyncio.timeout(self.config.request_timeout):
                    status, message = await self._verdict.answer(reader, peer_host, head_arrived)
            except TimeoutError:
                status, message = 408, "request not received in time"
                self.counters.bump("refused_other")
                log.warning("refused webhook from %s: %s", peer_host, message)
            except (ConnectionError, OSError):
                return
            except Exception:  # noqa: BLE001 - a bug here must cost one request, not the receiver
                log.exception("webhook receiver: unexpected failure")
                status, message = 500, "internal error"
                self.counters.bump("refused_other")
            with contextlib.suppress(ConnectionError, OSError, TimeoutError):
                writer.write(http.response(status, message))
                async with asyncio.timeout(2.0):
                    await writer.drain()
                if status >= 400 and writer.can_write_eof():
                    # Lingering close: a client still sending (a refused body, a trickle)
                    # would otherwise get a reset that can destroy the answer unread.
                    writer.write_eof()
                    async with asyncio.timeout(1.0):
                        while await reader.read(65536):
                            pass
        except asyncio.CancelledError:
            # Its slot was given to a newcomer (no head yet), or the receiver stops.
            writer.transport.abort()
            return
        finally:
            self._slots.release(slot)
            writer.close()
