"""The webhook receiver over real loopback HTTP: signed deliveries in, refusals counted."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from datetime import timedelta

import httpx
import pytest

from fleettui.core import reasons as R
from fleettui.sim import SimConfig, Simulator
from fleettui.webhooks.receiver import WebhookReceiver
from fleettui.webhooks.receiver_config import ReceiverConfig
from fleettui.webhooks.store import WebhookStore
from fleettui.webhooks.tail import WebhookTail
from tests.support.sim import SIM_START, authed
from tests.support.webhooks import SECRET, change_body, post_signed

VIN = "WBA00000000000042"


class Clock:
    """The provider's clock as the receiver sees it: fixed unless a test moves it."""

    def __init__(self) -> None:
        self.now = SIM_START
        self.sim: Simulator | None = None

    def __call__(self):  # noqa: ANN204
        return self.sim.engine.now() if self.sim is not None else self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def db(tmp_path):  # noqa: ANN201
    return tmp_path / "hooks.sqlite3"


@pytest.fixture
def got() -> list:
    return []


@pytest.fixture
def rx(db, clock, got):  # noqa: ANN001, ANN201
    store = WebhookStore(db)
    cfg = ReceiverConfig(secret=SECRET, max_body=4096, request_timeout=1.0)
    with WebhookReceiver(cfg, store, now=clock, on_event=got.append) as receiver:
        yield receiver
    store.close()


def test_simulator_deliveries_are_verified_stored_and_announced(db):
    got = []
    sims: list[Simulator] = []
    store = WebhookStore(db)
    # The receiver judges received_at on the provider's clock: the simulator's.
    with WebhookReceiver(
        ReceiverConfig(secret=SECRET), store, now=lambda: sims[0].engine.now(), on_event=got.append
    ) as rx:
        sims.append(_sim_into(rx))
        with sims[0] as sim:
            _add_and_settle(sim)
            assert sim.webhooks.failed == 0
        assert rx.wait_idle()
        health = rx.snapshot()
    store.close()
    assert [(s.event.type, s.event.action) for s in got] == [
        ("ping", None),
        ("fleet_clearance_changed", "pending"),
        ("fleet_clearance_changed", "rejected"),
    ]
    assert got[-1].event.vin == "WVWZZZ1KZAW000099"
    assert got[-1].event.detail == R.CUSTOMER_NAME_TAG_MISSING
    assert health.pings == 1 and health.accepted == 2 and health.per_hour == 3
    assert health.bad_signatures == 0 and health.duplicates == 0
    tail = WebhookTail(db, from_start=True)
    assert [s.event.action for s in tail.poll()] == [None, "pending", "rejected"]
    assert tail.poll() == []
    tail.close()


def _sim_into(rx: WebhookReceiver, **cfg) -> Simulator:  # noqa: ANN003
    return Simulator(
        SimConfig(
            vehicles=0, speed=0.0, start=SIM_START, webhook_url=rx.url, webhook_secret=SECRET, **cfg
        )
    )


def _add_and_settle(sim: Simulator) -> None:
    with authed(sim) as c:
        c.post(
            "/v1/fleets/vehicles",
            json={"vehicles": [{"vin": "WVWZZZ1KZAW000099", "brand": "volkswagen"}]},
        )
    sim.engine.advance(3600)
    assert sim.webhooks.wait_idle()


def test_duplicate_deliveries_are_applied_once(rx, got, clock):
    clock.sim = _sim_into(rx, webhook_duplicate_rate=1.0)
    with clock.sim as sim:
        _add_and_settle(sim)
        assert sim.webhooks.duplicated == 3 and sim.webhooks.failed == 0
    assert rx.wait_idle()
    assert len(got) == 3  # ping, pending, rejected: each once
    assert rx.snapshot().duplicates == 3
    assert len({s.event.delivery for s in got}) == 3


def test_badly_signed_deliveries_are_refused_and_counted(rx, got, clock):
    clock.sim = _sim_into(rx, webhook_bad_signature_rate=1.0)
    with clock.sim as sim:
        _add_and_settle(sim)
        assert sim.webhooks.badly_signed == 3
        assert sim.webhooks.failed == 3 and sim.webhooks.delivered == 0
    assert got == []
    assert rx.snapshot().bad_signatures == 3
    assert rx.store.last_seq() == 0


def test_missing_or_wrong_signature_is_401_before_parsing(rx, got):
    body = b"not even json"
    r = httpx.post(rx.url, content=body, headers={"X-HM-Delivery": "d1"}, trust_env=False)
    assert r.status_code == 401
    assert post_signed(rx.url, body, secret="another-secret").status_code == 401
    r = post_signed(rx.url, body, **{"X-HM-Signature-256": "sha1=abc"})
    assert r.status_code == 401
    snap = rx.snapshot()
    assert snap.bad_signatures == 3 and snap.bad_payloads == 0  # never got to the JSON


def test_garbage_json_and_bad_shapes_are_400(rx, got):
    for body in (
        b"{not json",
        b"[1, 2]",
        b'{"event": "x"}',
        json.dumps(
            {
                "event": {
                    "type": "fleet_clearance_changed",
                    "received_at": "2026-11-01T12:00:00Z",
                    "action": "exploded",
                },
                "vehicle": {"vin": VIN},
            }
        ).encode(),
    ):
        assert post_signed(rx.url, body).status_code == 400
    assert rx.snapshot().bad_payloads == 4
    assert got == []


def test_unknown_event_types_are_accepted_counted_not_applied(rx, got):
    body = json.dumps(
        {"event": {"type": "vehicle_data_changed", "received_at": "2026-11-01T12:00:00Z"}}
    ).encode()
    assert post_signed(rx.url, body, event="vehicle_data_changed").status_code == 202
    assert post_signed(rx.url, change_body(VIN, "approved", SIM_START)).status_code == 202
    assert rx.wait_idle()
    assert [s.event.action for s in got] == ["approved"]
    snap = rx.snapshot()
    assert snap.unknown_events == 1 and snap.accepted == 1


def test_events_outside_the_time_window_are_refused(rx, got, clock):
    old = change_body(VIN, "approved", SIM_START - timedelta(days=2))
    ahead = change_body(VIN, "approved", SIM_START + timedelta(hours=1))
    assert post_signed(rx.url, old).status_code == 422
    assert post_signed(rx.url, ahead).status_code == 422
    clock.now = SIM_START + timedelta(hours=1)  # the provider's clock moved on
    assert post_signed(rx.url, ahead).status_code == 202
    assert rx.wait_idle()
    assert rx.snapshot().stale_events == 2 and len(got) == 1


def test_replayed_delivery_is_refused_after_a_restart(db, clock):
    body = change_body(VIN, "rejected", SIM_START, R.INELIGIBLE_VIN)
    cfg = ReceiverConfig(secret=SECRET)
    first: list = []
    store = WebhookStore(db)
    with WebhookReceiver(cfg, store, now=clock, on_event=first.append) as rx:
        assert post_signed(rx.url, body, delivery="delivery-1").status_code == 202
        assert rx.wait_idle()
    store.close()
    again: list = []
    store = WebhookStore(db)
    with WebhookReceiver(cfg, store, now=clock, on_event=again.append) as rx:
        # Answered 2xx (the provider must stop retrying) but not applied twice.
        assert post_signed(rx.url, body, delivery="delivery-1").status_code == 202
        assert post_signed(rx.url, body, delivery="delivery-2").status_code == 202
        assert rx.wait_idle()
        assert rx.snapshot().duplicates == 1
    store.close()
    assert len(first) == 1
    assert [s.event.delivery for s in again] == ["delivery-2"]


def test_oversized_body_is_413_without_reading_it(rx, got):
    body = change_body(VIN, "approved", SIM_START, "x" * 5000)
    assert post_signed(rx.url, body).status_code == 413
    assert rx.snapshot().refused_other == 1 and got == []


def _raw(rx: WebhookReceiver) -> socket.socket:
    return socket.create_connection(("127.0.0.1", rx.port), timeout=10)


def _read_all(sock: socket.socket) -> bytes:
    out = b""
    try:
        while chunk := sock.recv(4096):
            out += chunk
    except ConnectionResetError:
        pass
    return out


def test_a_trickling_client_is_cut_off_at_the_deadline(rx, got):
    """Slowloris: one byte at a time keeps every single read short, yet the request as a
    whole has a deadline (1 s here); the client never finishes its 200 bytes."""
    sock = _raw(rx)
    sock.sendall(b"POST /hooks/hm HTTP/1.1\r\nHost: x\r\nContent-Length: 200\r\n\r\n")
    cut = threading.Event()

    def trickle() -> None:
        for _ in range(200):
            try:
                sock.send(b"a")
            except OSError:
                cut.set()
                return
            time.sleep(0.1)

    t = threading.Thread(target=trickle, daemon=True)
    t.start()
    answer = _read_all(sock)
    t.join(30)
    sock.close()
    assert answer.startswith(b"HTTP/1.1 408 ")
    assert rx.snapshot().refused_other == 1 and got == []


def test_slow_head_is_cut_off_too(rx):
    sock = _raw(rx)
    sock.sendall(b"POST /hooks/hm HTTP/1.1\r\n")  # and never the end of the head
    assert _read_all(sock).startswith(b"HTTP/1.1 408 ")
    sock.close()


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"GET /hooks/hm HTTP/1.1\r\nHost: x\r\n\r\n", 405),
        (b"POST /elsewhere HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", 404),
        (b"POST /hooks/hm HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 411),
        (b"POST /hooks/hm HTTP/1.1\r\nHost: x\r\n\r\n", 411),
        (b"POST /hooks/hm HTTP/1.1\r\nContent-Length: -5\r\n\r\n", 400),
        # str.isdigit() accepts a superscript two; int() does not (was a 500 and a traceback)
        ("POST /hooks/hm HTTP/1.1\r\nContent-Length: \u00b2\r\n\r\n".encode("latin-1"), 400),
        ("POST /hooks/hm HTTP/1.1\r\nContent-Length: \u0661\r\n\r\n".encode(), 400),
        (b"POST /hooks/hm HTTP/1.1\r\nContent-Length: " + b"9" * 40 + b"\r\n\r\n", 400),
        (b"hello\r\n\r\n", 400),
        (b"POST /hooks/hm HTTP/1.1\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n", 431),
    ],
)
def test_malformed_requests_get_a_clear_status(rx, request_bytes, status, caplog):
    caplog.set_level(logging.WARNING, logger="fleettui")
    sock = _raw(rx)
    sock.sendall(request_bytes)
    assert _read_all(sock).startswith(f"HTTP/1.1 {status} ".encode())
    sock.close()
    # One log line, never a traceback.
    assert all(r.exc_info is None for r in caplog.records)
    assert "unexpected failure" not in caplog.text


def test_refusals_never_log_the_secret_or_the_body(rx, caplog):
    caplog.set_level(logging.DEBUG, logger="fleettui")
    body = b'{"secret-looking": "PAYLOAD-MARKER-123"}'
    post_signed(rx.url, body, secret="wrong-secret-xyz")
    post_signed(rx.url, body)
    text = caplog.text
    assert "refused webhook" in text
    assert "PAYLOAD-MARKER-123" not in text
    assert SECRET not in text and "wrong-secret-xyz" not in text
    assert "sha256=" not in text


def test_heartbeat_reaches_an_attached_tail_and_stop_says_down(db, clock):
    store = WebhookStore(db)
    rx = WebhookReceiver(ReceiverConfig(secret=SECRET, heartbeat=0.2), store, now=clock).start()
    tail = WebhookTail(db)
    try:
        assert post_signed(rx.url, change_body(VIN, "approved", SIM_START)).status_code == 202
        assert rx.wait_idle()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and tail.health().accepted == 0:
            time.sleep(0.05)
        health = tail.health()
        assert health.accepted == 1 and health.alive(time.time())
        assert health.listening == rx.url
        assert [s.event.vin for s in tail.poll()] == [VIN]
    finally:
        rx.stop()
        store.close()
    assert not tail.health().alive(time.time())
    tail.close()


def test_a_corrupt_database_is_moved_aside(db, caplog):
    db.write_bytes(b"this is not sqlite" * 100)
    store = WebhookStore(db)
    assert store.last_seq() == 0
    store.close()
    assert list(db.parent.glob("hooks.sqlite3.corrupt-*"))
    assert "moved aside" in caplog.text


def test_a_foreign_sqlite_database_is_moved_aside(db):
    import sqlite3

    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE mine (x)")
    conn.commit()
    conn.close()
    WebhookStore(db).close()
    assert list(db.parent.glob("hooks.sqlite3.corrupt-*"))


def test_receiver_refuses_a_weak_secret(db):
    with pytest.raises(ValueError, match="at least 8"):
        WebhookReceiver(ReceiverConfig(secret="short"), WebhookStore(db))


def test_applied_changes_are_recorded_in_the_local_history_once(db, clock, tmp_path):
    from fleettui.history.store import HistoryStore

    history = HistoryStore(tmp_path / "history.sqlite3")
    store = WebhookStore(db)
    with WebhookReceiver(ReceiverConfig(secret=SECRET), store, now=clock, history=history) as rx:
        body = change_body(VIN, "rejected", SIM_START, R.INELIGIBLE_VIN)
        for _ in range(2):  # the provider repeats the delivery: one row
            assert post_signed(rx.url, body, delivery="d-history").status_code == 202
        ping = json.dumps({"event": {"type": "ping", "received_at": "2026-11-01T12:00:00Z"}})
        assert post_signed(rx.url, ping.encode(), event="ping").status_code == 202
        assert rx.wait_idle()
    store.close()
    events = history.events(vin=VIN)
    history.close()
    assert [(e.new, e.reason, e.source) for e in events] == [
        ("rejected", R.INELIGIBLE_VIN, "webhook")
    ]
    assert events[0].at == SIM_START
