"""High Mobility Fleet Clearance API client: credentials and tokens (auth), the `filter`
builder (filters), typed errors (errors, network_errors), request/answer shapes (wire), FleetClient (client).

`from fleettui.api import FleetClient` works; names load lazily so importing one submodule
(e.g. errors) does not pull in httpx.
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "AccessToken": "auth",
    "Credentials": "auth",
    "environment_base_url": "auth",
    "FleetClient": "client",
    "VehicleFilter": "filters",
    "CreateResult": "wire",
    "NewVehicle": "wire",
    **{
        name: "eligibility"
        for name in ("Eligibility", "EligibilityRefused", "EligibilityScopeMissing", "NotCheckable")
    },
    **{
        name: "errors"
        for name in (
            "ApiError",
            "BadResponse",
            "Conflict",
            "CredentialsRejected",
            "Forbidden",
            "NotFound",
            "RateLimited",
            "ServerError",
            "Unauthorized",
            "Unprocessable",
            "error_category",
        )
    },
    "NetworkError": "network_errors",
}
__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'fleettui.api' has no attribute {name!r}")
    return getattr(importlib.import_module(f"fleettui.api.{module}"), name)
