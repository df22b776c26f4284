"""What the monitor connects to: a resolved profile or the in-process demo simulator.

An `Account` is everything the app needs to (re)connect: a factory for API clients (one
per worker kind, so a slow poll never blocks a write), the environment for the header,
and the profile's read-only flag and refresh interval.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from fleettui.api.auth import Credentials
from fleettui.config.data_checks import DataCheckSettings, data_check_settings
from fleettui.monitor.clients import ClientFactory
from fleettui.webhooks.events import WebhookEvent
from fleettui.webhooks.health import HealthSnapshot

if TYPE_CHECKING:
    from fleettui.api.client import FleetClient


class Feed(Protocol):
    """Where pushed events come from: a receiver in this process or one attached to
    (`fleettui.monitor.push_feeds`)."""

    mode: str

    def wait(self, timeout: float) -> list[WebhookEvent]: ...

    def health(self) -> HealthSnapshot: ...

    def close(self) -> None: ...


class FeedOpener(Protocol):
    """Opens the account's webhook feed; `now` is the provider's clock, for the
    receiver's time window."""

    def __call__(self, now: Callable[[], datetime] | None = None) -> Feed: ...


class ProfileFields(Protocol):
    """What an account is made from: a `fleettui.config.resolve.ResolvedProfile` (its
    deadlines, default filter, data checks and full-list keys are read when present)."""

    @property
    def name(self) -> str: ...
    @property
    def environment(self) -> str: ...
    @property
    def base_url(self) -> str: ...
    @property
    def read_only(self) -> bool: ...
    @property
    def refresh(self) -> float | None: ...
    def credentials(self) -> Credentials: ...


class SimulatorAddress(Protocol):
    """Where the in-process simulator listens and the credentials it takes
    (`fleettui.sim.server`)."""

    @property
    def base_url(self) -> str: ...
    @property
    def client_id(self) -> str: ...
    @property
    def client_secret(self) -> str: ...


@dataclass(frozen=True)
class Account:
    name: str
    environment: str  # "demo", "sandbox", "production" or "custom"
    client_factory: ClientFactory
    read_only: bool = False
    refresh: float | None = None
    default_filter: str = ""
    #: Where the data comes from; with `cache`, the last fleet is kept on disk for a fast
    #: start (profiles do; the demo, which starts fresh every time, doesn't).
    base_url: str = ""
    cache: bool = False
    #: Whether writes go to the audit log. The demo's are simulated: they must not sit
    #: in the user's real audit log next to real ones.
    audit: bool = True
    #: Webhook push: `push(now)` opens the feed (`fleettui.monitor.push_feeds`; `now` is the
    #: provider's clock for the receiver's time window), None without push.
    push: FeedOpener | None = None
    #: Seconds between full refreshes while push is healthy.
    reconcile: float = 600.0
    #: Whether and how fast to check that approved cars send data
    #: None: off.
    data_checks: DataCheckSettings | None = None
    #: Every refresh asks the whole list (else only what can change, `monitor.delta`,
    #: with a full list every `full_list_every` seconds).
    full_refresh: bool = False
    full_list_every: float = 600.0

    def __repr__(self) -> str:
        return f"Account(name={self.name!r}, environment={self.environment!r}, read_only={self.read_only})"


def _client(creds: Credentials, **options: Any) -> FleetClient:
    """An API client. Its module (httpx, TLS: tens of milliseconds) loads with the first
    client, not with the monitor's start: a warm start paints the cache first."""
    from fleettui.api.client import FleetClient

    return FleetClient(creds, **options)


def account_from_profile(
    profile: ProfileFields, *, read_only: bool = False, refresh: float | None = None
) -> Account:
    """From fleettui.config's ResolvedProfile; flags can only tighten read-only."""
    creds = profile.credentials()
    # The profile's deadlines (connect, whole call); defaults for objects without them.
    options = profile.client_options() if hasattr(profile, "client_options") else {}
    return Account(
        name=profile.name,
        environment=profile.environment,
        client_factory=lambda: _client(creds, **options),
        read_only=bool(read_only or profile.read_only),
        refresh=refresh if refresh is not None else profile.refresh,
        default_filter=getattr(profile, "default_filter", "") or "",
        base_url=profile.base_url,
        cache=True,
        data_checks=data_check_settings(getattr(profile, "extra", {}) or {}),
        full_refresh=bool(getattr(profile, "full_refresh", False)),
        full_list_every=float(getattr(profile, "full_list_every", 600.0)),
    )


def account_for_simulator(
    sim: SimulatorAddress,
    *,
    name: str = "demo",
    environment: str = "demo",
    read_only: bool = False,
    refresh: float | None = None,
    push: FeedOpener | None = None,
    reconcile: float = 600.0,
    data_checks: bool = False,
) -> Account:
    """The in-process simulator: no snapshot cache, no audit log (nothing real happens);
    `data_checks`: check approved cars for data (on in --demo) at the demo's budget."""
    creds = Credentials(sim.base_url, sim.client_id, sim.client_secret)
    return Account(
        name=name,
        environment=environment,
        client_factory=lambda: _client(creds, timeout=5.0, max_retries=1, backoff_base=0.2),
        read_only=read_only,
        refresh=refresh,
        base_url=sim.base_url,
        cache=False,
        audit=False,
        push=push,
        reconcile=reconcile,
        data_checks=data_check_settings({}, demo=True) if data_checks else None,
    )
