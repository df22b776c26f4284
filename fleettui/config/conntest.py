"""Test a connection the way `profile test` and the setup screen do: token, then one list.

:func:`check_connection` never raises for expected failures; it returns a
:class:`ConnectionCheck` naming the step that failed and what kind of failure it was:

=================  ==========================================================
kind               meaning
=================  ==========================================================
``ok``             token fetched and the fleet answered
``bad_url``        the base URL is not usable (e.g. plain http to a remote host)
``dns``            unknown host
``tls``            the certificate could not be verified
``refused``        nothing listens there
``timeout``        no answer in time
``network``        another network failure
``credentials``    the provider refused the client id / secret
``no_fleet_access`` 403: the app is not linked to a fleet
``provider``       any other provider error (5xx, unreadable answers...)
=================  ==========================================================

The list call uses a filter on one VIN that cannot exist, so even a 100k fleet answers
with an empty page: it proves access without downloading the fleet. Blocking: call it
from a worker thread in the UI.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

#: Well-formed (17 characters, no I/O/Q) so no provider refuses the filter, yet never
#: assigned to a vehicle (no manufacturer code starts with "000").
PROBE_VIN = "00000000000000000"


@dataclass(frozen=True, slots=True)
class ConnectionCheck:
    ok: bool
    #: "url", "token" or "fleet": the step that failed (or "fleet" when all passed).
    step: str
    kind: str
    #: One line a person can act on (never a secret).
    message: str
    elapsed: float = 0.0


def _kind_of(exc: Exception) -> str:
    from fleettui.api.errors import CredentialsRejected, Forbidden, Unauthorized, WrongBaseUrl
    from fleettui.api.network_errors import NetworkError, ProviderTimeout

    if isinstance(exc, ProviderTimeout):
        return "timeout"
    if isinstance(exc, WrongBaseUrl):
        return "bad_url"
    if isinstance(exc, NetworkError):
        return exc.kind if exc.kind in ("dns", "tls", "refused", "timeout") else "network"
    if isinstance(exc, CredentialsRejected | Unauthorized):
        return "credentials"
    if isinstance(exc, Forbidden):
        return "no_fleet_access"
    return "provider"


def check_connection(
    base_url: str,
    client_id: str,
    client_secret: str,
    *,
    timeout: float = 10.0,
    connect_timeout: float | None = None,
    deadline: float | None = None,
) -> ConnectionCheck:
    from fleettui.api.auth import Credentials
    from fleettui.api.client import FleetClient
    from fleettui.api.errors import ApiError
    from fleettui.api.filters import VehicleFilter

    started = time.monotonic()
    try:
        client = FleetClient(
            Credentials(base_url, client_id, client_secret),
            timeout=timeout,
            connect_timeout=connect_timeout,
            deadline=deadline,
            max_retries=0,
        )
    except ValueError as e:
        return ConnectionCheck(False, "url", "bad_url", str(e))
    step = "token"
    try:
        with client:
            client.fetch_token()
            step = "fleet"
            client.list_vehicles_raw(VehicleFilter().vin_eq(PROBE_VIN))
    except ApiError as e:
        what = "getting an access token" if step == "token" else "listing the fleet"
        return ConnectionCheck(
            False, step, _kind_of(e), f"{what} failed: {e}", time.monotonic() - started
        )
    elapsed = time.monotonic() - started
    return ConnectionCheck(
        True, "fleet", "ok", f"token ok, fleet access ok ({elapsed * 1000:.0f} ms)", elapsed
    )
