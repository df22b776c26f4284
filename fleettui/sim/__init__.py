"""A local stand-in for High Mobility's Fleet Clearance API, for tests, demos and benches.

    with Simulator(SimConfig(vehicles=60, seed=1, speed=0.0)) as sim:
        sim.base_url, sim.client_id, sim.client_secret   # point a client here
        sim.engine.advance(3600)                          # one simulated hour later

Module map: `engine` (state machine and event heap), `outcomes` (brand-typical verdicts),
`history` (a plausible past for seeded vehicles), `fleetgen` (the seeded fleet), `server`
and `vehicles_api` (HTTP), `filters`, `auth` (tokens, rate limit), `faults`, `webhooks`,
`eligibility` (POST /v1/eligibility and the per-VIN traits behind it), `vehicle_data`
(GET /v1/vehicle-data/autoapi-13/{vin}: when data arrives, silence, privacy mode...), `traffic`
(requests and bytes served per endpoint).

Choices where the provider documents nothing (details in each module):
- A VIN POSTed again while its clearance is active comes back unchanged; once ended
  (rejected, revoked, canceled) it starts a new pending clearance, changelog continued.
- DELETE on a rejected clearance: 409 "Clearance is already removed".
- Tokens and the get-one rate limit run on real time plus manual `advance()`, not on the
  sped-up clock (clients time tokens on their own clock from `expires_in`).
- A filter that is not JSON: 400; a wrong field, operator or value: 422.
- Deprecated endpoints answer 410 Gone; unknown paths 404; wrong methods 405; all with
  the error envelope.
- Faults spare the token endpoint (except latency) unless `include_token_endpoint=True`.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType

from fleettui.sim.auth import GET_ONE_LIMIT, SCOPE, TokenIssuer
from fleettui.sim.eligibility import EligibilityModel
from fleettui.sim.engine import Engine
from fleettui.sim.faults import FaultConfig, FaultInjector
from fleettui.sim.fleetgen import generate
from fleettui.sim.server import SimServer
from fleettui.sim.traffic import Traffic
from fleettui.sim.vehicle_data import VehicleDataModel
from fleettui.sim.webhooks import WebhookSender

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
TICK_SECONDS = 0.25


@dataclass(frozen=True)
class SimConfig:
    host: str = "127.0.0.1"
    port: int = 0
    vehicles: int = 60
    seed: int = 1
    speed: float = 3600.0
    client_id: str = "demo-client"
    client_secret: str = field(default="demo-secret", repr=False)
    token_lifetime: float = 300.0
    start: datetime | None = None
    webhook_url: str | None = None
    webhook_secret: str | None = field(default=None, repr=False)
    #: Share of deliveries sent twice (same X-HM-Delivery), and signed with a wrong key.
    webhook_duplicate_rate: float = 0.0
    webhook_bad_signature_rate: float = 0.0
    faults: FaultConfig = field(default_factory=FaultConfig)
    get_one_limit: int = GET_ONE_LIMIT
    #: Eligibility calls per minute before 429 (0: no limit; the provider documents none).
    eligibility_limit: int = 120
    #: Shares of VINs that are not eligible / have a primary user (see sim.eligibility).
    ineligible_share: float = 0.05
    primary_user_share: float = 0.08
    #: Vehicle data calls per minute before 429 "Rate limit exceeded" with Retry-After
    #: (0: no limit): a burst is refused, a client keeping to 1 call/s is not.
    data_limit: int = 90
    #: The scopes of every token issued (drop vehicle:data to test a missing scope).
    scope: str = SCOPE
    #: Longest request target (path and query) answered; longer ones get 414 (0: the
    #: HTTP server's own limit, 64 KB). The provider's limit is not documented.
    max_url: int = 0
    #: Share of the generated fleet that is pending (None: the default mix, ~15%).
    pending_share: float | None = None


class Simulator:
    """The running simulator: HTTP server, engine, ticker and webhook threads."""

    def __init__(self, config: SimConfig | None = None) -> None:
        self.config = config or SimConfig()
        cfg = self.config
        self.engine = Engine(start=cfg.start, speed=cfg.speed, seed=cfg.seed)
        self.engine.eligibility = EligibilityModel(
            cfg.seed, cfg.ineligible_share, cfg.primary_user_share
        )
        generate(self.engine, cfg.vehicles, cfg.seed, cfg.pending_share)
        self.tokens = TokenIssuer(
            self.engine.session, cfg.client_id, cfg.client_secret, cfg.token_lifetime, cfg.scope
        )
        self.vehicle_data = VehicleDataModel(cfg.seed)
        self.faults = FaultInjector(cfg.faults, cfg.seed)
        #: Requests and bytes served per endpoint (also at GET /_sim/traffic).
        self.traffic = Traffic()
        self.webhooks: WebhookSender | None = None
        if cfg.webhook_url and cfg.webhook_secret:
            self.webhooks = WebhookSender(
                cfg.webhook_url,
                cfg.webhook_secret,
                cfg.seed,
                duplicate_rate=cfg.webhook_duplicate_rate,
                bad_signature_rate=cfg.webhook_bad_signature_rate,
            )
            self.engine.add_listener(self.webhooks.clearance_changed)
        self._server: SimServer | None = None
        self._threads: list[threading.Thread] = []
        self._stopping = threading.Event()

    def __repr__(self) -> str:
        state = "running" if self._server else "stopped"
        return (
            f"Simulator({state}, base_url={self.base_url!r}, vehicles={len(self.engine.vehicles)})"
        )

    # -- identity ----------------------------------------------------------------------

    @property
    def client_id(self) -> str:
        return self.config.client_id

    @property
    def client_secret(self) -> str:
        return self.config.client_secret

    @property
    def base_url(self) -> str:
        if self._server is None:
            return ""
        address, port = self._server.server_address[:2]
        host = address.decode() if isinstance(address, (bytes, bytearray)) else address
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{port}"

    # -- life cycle --------------------------------------------------------------------

    def start(self) -> Simulator:
        if self._server is not None:
            return self
        self._stopping.clear()
        self._server = SimServer((self.config.host, self.config.port), self)
        serve = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name="sim-http",
            daemon=True,
        )
        tick = threading.Thread(target=self._tick, name="sim-ticker", daemon=True)
        self._threads = [serve, tick]
        for t in self._threads:
            t.start()
        if self.webhooks is not None:
            self.webhooks.start()
            self.webhooks.ping(self.engine.epoch())
        return self

    def _tick(self) -> None:
        while not self._stopping.wait(TICK_SECONDS):
            if self.engine.clock.speed > 0:
                self.engine.apply_due()

    def stop(self) -> None:
        self._stopping.set()
        server, self._server = self._server, None
        if server is not None:
            _shutdown_promptly(server)
            server.server_close()
            server.close_connections()
        for t in self._threads:
            t.join(2.0)
        self._threads = []
        if self.webhooks is not None:
            self.webhooks.stop()

    def __enter__(self) -> Simulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- runtime controls --------------------------------------------------------------

    def set_faults(self, faults: FaultConfig) -> None:
        self.faults.set(faults)

    def revoke_tokens(self) -> int:
        """Invalidate every token issued so far; returns how many were live."""
        with self.engine.lock:
            return self.tokens.revoke_all()

    def set_speed(self, speed: float) -> None:
        with self.engine.lock:
            self.engine.clock.set_speed(speed)


def _shutdown_promptly(server: SimServer) -> None:
    """server.shutdown() waits for the serve loop's next poll; poke the listening socket
    so the loop wakes now (stop() runs after every test that uses a simulator)."""
    done = threading.Thread(target=server.shutdown, daemon=True)
    done.start()
    host, port = server.server_address[:2]
    address = (host.decode() if isinstance(host, (bytes, bytearray)) else host, port)
    deadline = time.monotonic() + 5.0
    while done.is_alive() and time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(address, timeout=0.2):
            pass
        done.join(0.01)


__all__ = ["FaultConfig", "LOOPBACK_HOSTS", "SimConfig", "Simulator"]
