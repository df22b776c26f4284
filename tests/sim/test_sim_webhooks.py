"""Webhook deliveries, checked by a loopback receiver that verifies every signature."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator

import pytest

from fleettui.core import reasons as R
from fleettui.sim import SimConfig, Simulator
from fleettui.sim.webhooks import WebhookSender, sign
from tests.support.quiet_server import QuietHandler, QuietHTTPServer
from tests.support.sim import DAY, SIM_START, authed

SECRET = "whsec-test"


class _Receiver(QuietHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:  # noqa: N802 - stdlib naming
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.got.append((dict(self.headers), body))
        status = self.server.status
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()


@pytest.fixture
def receiver() -> Iterator[QuietHTTPServer]:
    srv = QuietHTTPServer(("127.0.0.1", 0), _Receiver)
    srv.got = []
    srv.status = 200
    t = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    t.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def _url(srv: QuietHTTPServer) -> str:
    return f"http://127.0.0.1:{srv.server_address[1]}/hooks"


def _verify(headers: dict, body: bytes) -> dict:
    expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["X-HM-Signature-256"], expected)
    legacy = hmac.new(SECRET.encode(), body, hashlib.sha1).hexdigest()
    assert headers["X-HM-Signature"].endswith(legacy)
    assert headers["User-Agent"] == "HM-Webhook/1.2.0"
    assert headers["Content-Type"] == "application/json"
    assert headers["X-HM-Delivery"]
    return json.loads(body)


def test_ping_then_signed_change_deliveries(receiver):
    cfg = SimConfig(
        vehicles=5, speed=0.0, start=SIM_START, webhook_url=_url(receiver), webhook_secret=SECRET
    )
    with Simulator(cfg) as sim:
        assert sim.webhooks.wait_idle()
        vin = "WVWZZZ1KZAW000099"
        with authed(sim) as c:
            c.post("/v1/fleets/vehicles", json={"vehicles": [{"vin": vin, "brand": "volkswagen"}]})
        sim.engine.advance(3600)
        assert sim.webhooks.wait_idle()
        assert sim.webhooks.failed == 0
    got = receiver.got
    first = _verify(*got[0])
    assert got[0][0]["X-HM-Event"] == "ping" and first["event"]["type"] == "ping"
    events = [(h["X-HM-Event"], _verify(h, b)) for h, b in got[1:]]
    mine = [p for kind, p in events if p["vehicle"]["vin"] == vin]
    assert all(kind == "fleet_clearance_changed" for kind, _ in events)
    assert [p["event"]["action"] for p in mine] == ["pending", "rejected"]
    assert mine[-1]["event"]["detail"] == R.CUSTOMER_NAME_TAG_MISSING
    assert "detail" not in mine[0]["event"]
    assert mine[-1]["event"]["type"] == "fleet_clearance_changed"
    deliveries = [h["X-HM-Delivery"] for h, _ in got]
    assert len(set(deliveries)) == len(deliveries)


def test_background_ticker_fires_webhooks_without_requests(receiver):
    cfg = SimConfig(
        vehicles=0,
        speed=3600.0 * 24 * 30,
        start=SIM_START,
        webhook_url=_url(receiver),
        webhook_secret=SECRET,
    )
    with Simulator(cfg) as sim:
        sim.engine.seed_vehicle("WBA00000000000077", "bmw", "approved", 3 * DAY)
        with authed(sim) as c:
            assert c.delete("/v1/fleets/vehicles/WBA00000000000077").status_code == 200
        import time

        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if sim.engine.vehicles["WBA00000000000077"]["status"] == "revoked":
                break
            time.sleep(0.05)
        assert sim.webhooks.wait_idle()
    actions = [json.loads(b)["event"].get("action") for _, b in receiver.got[1:]]
    assert actions == ["revoking", "revoked"]


def test_failures_are_counted_not_fatal(receiver):
    receiver.status = 500
    sender = WebhookSender(_url(receiver), SECRET, seed=1)
    sender.start()
    sender.ping(SIM_START.timestamp())
    sender.clearance_changed("VIN", "approved", None, SIM_START.timestamp())
    assert sender.wait_idle()
    assert sender.failed == 2 and sender.delivered == 0
    sender.stop()
    unreachable = WebhookSender("http://127.0.0.1:9/none", SECRET, seed=1, timeout=1)
    unreachable.start()
    unreachable.ping(0)
    assert unreachable.wait_idle()
    assert unreachable.failed == 1
    unreachable.stop()


def test_sign_matches_hmac():
    body = b'{"a":1}'
    s256, s1 = sign("k", body)
    assert s256 == "sha256=" + hmac.new(b"k", body, hashlib.sha256).hexdigest()
    assert s1 == "sha1=" + hmac.new(b"k", body, hashlib.sha1).hexdigest()


def test_simulator_restarts_with_webhooks(receiver):
    cfg = SimConfig(
        vehicles=1, speed=0.0, start=SIM_START, webhook_url=_url(receiver), webhook_secret=SECRET
    )
    sim = Simulator(cfg)
    for _ in range(2):
        sim.start()
        assert sim.webhooks.wait_idle()
        sim.stop()
    assert [h["X-HM-Event"] for h, _ in receiver.got] == ["ping", "ping"]
