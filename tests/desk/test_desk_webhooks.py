"""The webhook feed on the desk: a delivery is in the desk before its 202, once; every
follower gets it; one active receiver per desk, a standby takes over after a kill -9."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence

import pytest

from fleettui.desk.follow import DeskFollower
from fleettui.desk.model import DeskEvent, DeskStatus
from fleettui.desk.receiver_lock import ReceiverLock
from fleettui.desk.settings import DeskSettings
from fleettui.desk.store import Desk
from fleettui.desk.webhook_feed import DeskWebhookStore
from fleettui.webhooks import sender
from fleettui.webhooks.receiver import WebhookReceiver
from fleettui.webhooks.receiver_config import ReceiverConfig

SECRET = "desk-webhook-secret"
VIN = "WBA00000000000001"


def test_a_delivery_is_in_the_desk_before_its_202_and_once(pg_desk: DeskSettings) -> None:
    got: queue.Queue[DeskEvent] = queue.Queue()

    def on_desk(events: Sequence[DeskEvent], status: DeskStatus) -> None:
        for e in events:
            got.put(e)

    with Desk.connect(pg_desk) as desk:
        desk.snooze([VIN], None, "waiting", states={VIN: "pending"})
        follower = DeskFollower(pg_desk, on_desk, after_id=desk.last_event_id()).start()
        store = DeskWebhookStore(pg_desk)
        rx = WebhookReceiver(ReceiverConfig(secret=SECRET), store).start()
        try:
            delivery = sender.change_delivery(VIN, "approved", "ok")
            result = sender.send(rx.url, SECRET, delivery)
            assert result.status == 202
            assert store.seen(delivery.delivery)  # stored before the answer
            assert sender.send(rx.url, SECRET, delivery).status == 202  # a repeat
            first = got.get(timeout=30)
            assert (first.kind, first.vin, first.payload["action"]) == ("webhook", VIN, "approved")
            assert first.payload["delivery"] == delivery.delivery
            second = got.get(timeout=30)
            assert (second.kind, second.vin) == ("unsnooze", VIN)  # the change cleared it
            assert rx.wait_idle()
            assert rx.snapshot().duplicates == 1 and rx.snapshot().accepted == 1
            with desk.conn.tx() as cur:
                cur.execute("SELECT kind FROM desk_events WHERE kind = 'webhook'")
                assert len(cur.fetchall()) == 1
                cur.execute("SELECT vin, new_state, reason, source FROM desk_history")
                assert cur.fetchall() == [(VIN, "approved", "ok", "webhook")]
        finally:
            rx.stop()
            store.close()
            follower.stop()


def test_the_desk_down_answers_503_so_the_provider_retries(pg_desk: DeskSettings) -> None:
    store = DeskWebhookStore(pg_desk)
    rx = WebhookReceiver(ReceiverConfig(secret=SECRET), store).start()
    try:
        with store.conn.tx() as cur:  # the desk refuses writes from now on
            cur.execute("ALTER TABLE desk_deliveries RENAME TO desk_deliveries_gone")
        result = sender.send(rx.url, SECRET, sender.change_delivery(VIN, "approved"))
        assert result.status == 503 and "retry" in result.message
    finally:
        rx.stop()
        store.close()


def test_one_lock_holder_and_the_standby_names_it(pg_desk: DeskSettings) -> None:
    from dataclasses import replace

    first, second = ReceiverLock(replace(pg_desk, host="alpha")), ReceiverLock(pg_desk)
    try:
        assert first.try_acquire("http://alpha:8787/hooks/hm")
        assert not second.try_acquire()
        holder = second.holder()
        assert holder is not None and holder.host == "alpha" and "alpha" in holder.text()
        first.release()
        assert second.try_acquire()
    finally:
        first.release()
        second.release()


class Listener:
    """A real `fleettui webhooks listen --desk` process; its stdout read line by line."""

    def __init__(self, settings: DeskSettings, host: str) -> None:
        env = {
            **os.environ,
            "FLEETTUI_DESK_DSN": settings.dsn,
            "FLEETTUI_DESK_USER": "rx",
            "FLEETTUI_TEST_SECRET": SECRET,
            "PYTHONUNBUFFERED": "1",
        }
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "fleettui",
                "webhooks",
                "listen",
                "--desk",
                "--port",
                "0",
                "--secret-env",
                "FLEETTUI_TEST_SECRET",
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def next_line(self, timeout: float = 60) -> str:
        return self.lines.get(timeout=timeout)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()


@pytest.fixture
def listeners(pg_desk: DeskSettings) -> Iterator[list[Listener]]:
    started: list[Listener] = []
    yield started
    for listener in started:
        listener.stop()


def test_kill_9_of_the_active_receiver_the_standby_takes_over_and_nothing_is_lost(
    pg_desk: DeskSettings, listeners: list[Listener]
) -> None:
    active = Listener(pg_desk, "a")
    listeners.append(active)
    url_a = active.next_line()
    assert url_a.startswith("http://127.0.0.1:") and "active receiver" in active.next_line()
    standby = Listener(pg_desk, "b")
    listeners.append(standby)
    line = standby.next_line()
    assert line.startswith("standby: the desk's receiver is ") and f"pid {active.proc.pid}" in line
    with Desk.connect(pg_desk) as desk:  # the table: one active, one standby
        rows = desk.receivers().rows
    assert [(r.role, r.pid, r.url) for r in rows] == [
        ("active", active.proc.pid, url_a),
        ("standby", standby.proc.pid, ""),
    ]
    sent = [sender.change_delivery(f"VIN{i:014d}", "approved") for i in range(5)]
    for d in sent:
        assert sender.send(url_a, SECRET, d).status == 202
    active.proc.send_signal(signal.SIGKILL)
    active.proc.wait(30)
    url_b = standby.next_line()  # waits (no sleep) until the standby says it took over
    while url_b.startswith("standby: "):  # the holder's row changed meanwhile
        url_b = standby.next_line()
    assert url_b.startswith("http://127.0.0.1:") and url_b != url_a
    later = sender.change_delivery("VINAFTER000000000", "rejected")
    assert sender.send(url_b, SECRET, later).status == 202
    with Desk.connect(pg_desk) as desk, desk.conn.tx() as cur:
        cur.execute(
            "SELECT payload->>'delivery' FROM desk_events WHERE kind = 'webhook' ORDER BY id"
        )
        stored = [r[0] for r in cur.fetchall()]
        cur.execute("SELECT pid FROM desk_receiver")
        assert cur.fetchone() == (standby.proc.pid,)
        running = desk.receivers()
    assert [(r.role, r.pid, r.url) for r in running.rows] == [("active", standby.proc.pid, url_b)]
    last = running.last_takeover
    assert last is not None and (last.pid, last.from_pid) == (standby.proc.pid, active.proc.pid)
    assert stored == [d.delivery for d in [*sent, later]]


def test_a_monitor_on_the_desk_shows_its_receivers_own_health(pg_desk: DeskSettings) -> None:
    """The header's push, with a desk: the desk's receiver's own health (its counters
    as its row says), alive or down by the age of its beat, and the deliveries seen."""
    import time
    from dataclasses import replace
    from datetime import timedelta

    from fleettui.desk.store import Desk
    from fleettui.monitor.desk_control import DeskControl
    from fleettui.monitor.desk_results import DeskPeople
    from fleettui.webhooks.events import WebhookEvent
    from fleettui.webhooks.health import HealthSnapshot

    alpha = replace(pg_desk, host="alpha")
    lock, store = ReceiverLock(alpha), DeskWebhookStore(alpha)
    control = DeskControl(replace(pg_desk, user="ann"))
    try:
        with Desk.connect(pg_desk) as desk:
            control.took(DeskPeople([], desk.receiver()))
            assert (
                control.feed.health().header_text(time.time()).endswith("· no receiver on the desk")
            )
            assert lock.try_acquire("http://alpha:8787/hooks/hm")
            now = time.time()
            store.write_health(
                HealthSnapshot(per_hour=12, accepted=40, last_delivery=now, heartbeat=now)
            )
            seen = desk.receiver()
        assert seen is not None and seen.host == "alpha" and seen.alive
        assert seen.to_json()["alive"] is True and seen.health["per_hour"] == 12
        control.took(DeskPeople([], seen))
        control.feed.put([WebhookEvent("d1", "clearance_status_changed", None)])
        text = control.feed.health().header_text(time.time())
        assert text == "push ✓ 12/h · desk receiver on alpha · 1 seen"
        # its beat stopped two minutes before the read (killed, its standby not yet in)
        control.took(DeskPeople([], replace(seen, read_at=seen.beat + timedelta(minutes=2))))
        assert (
            control.feed.health()
            .header_text(time.time())
            .startswith("push ✗ receiver down · desk receiver on alpha down, beat 2m")
        )
    finally:
        lock.release()
        store.close()
