"""The vehicle data API (hm-vehicle-data-api-v1.yml), asked only whether data arrives:

    GET /v1/vehicle-data/autoapi-13/{vin}   (scope vehicle:data)
    200 {capability: {property: {data, timestamp, failure}}, request_id?}
    401 / 403 / 408 / 422 / 429 / 500 / 503 / 504  {errors: [{title, detail}], request_id}

The per-car answers (consent removed, privacy mode, offline, not available yet, rate
limited, the provider's own failures) come back as a `DataReading` with their error class
and request_id: they are what the caller wants to know, so the client neither raises nor
retries them (a 429's wait is the caller's: the checker's budget honours it). Only a 401
about the token itself is re-authenticated, once, as every call does. A token whose scope
lacks `vehicle:data` gets `scope_missing` before anything is sent. Answers are read with a
small body limit (a real one is tens of KB): a huge body is bad data, not a memory spike.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import quote

import httpx

from fleettui.api.errors import ApiError, BadResponse, CredentialsRejected
from fleettui.api.network_errors import NetworkError
from fleettui.api.retry_after import parse_retry_after
from fleettui.core.data_answer import DATA_SCOPE, DataReading, is_token_problem, read_answer
from fleettui.core.text import one_line
from fleettui.core.vin import normalise_vin

DATA_PATH = "/v1/vehicle-data/autoapi-13/"
#: The largest answer read; a real one is tens of KB.
MAX_DATA_BODY = 4 * 1024 * 1024

__all__ = ["DATA_PATH", "DATA_SCOPE", "DataReading", "data_path", "fetch"]


def data_path(vin: str) -> str:
    return DATA_PATH + quote(normalise_vin(vin), safe="")


def _keep(response: httpx.Response) -> bool:
    return not is_token_problem(response.status_code, response.content)


def fetch(
    exchange: Callable[..., Any],
    scopes: Callable[[], tuple[str, ...]],
    now: Callable[[], datetime],
    vin: str,
) -> DataReading:
    """The body of FleetClient.vehicle_data; never raises an ApiError."""
    try:
        granted = scopes()
        if granted and DATA_SCOPE not in granted:
            return DataReading(
                0,
                error="scope_missing",
                detail=f"the token's scope is {one_line(' '.join(granted), 120)!r}",
            )
        response = exchange("GET", data_path(vin), write=False, keep=_keep, max_body=MAX_DATA_BODY)
    except CredentialsRejected as e:
        kind = "scope_missing" if DATA_SCOPE in str(e) else "invalid_token"
        return DataReading(e.status or 0, error=kind, detail=one_line(str(e), 240))
    except BadResponse as e:
        return DataReading(e.status or 0, error="bad_answer", detail=one_line(str(e), 240))
    except NetworkError as e:
        return DataReading(0, error="network", detail=one_line(str(e), 240))
    except ApiError as e:
        return DataReading(
            e.status or 0,
            error="server" if (e.status or 0) >= 500 else "other",
            detail=one_line(str(e), 240),
        )
    except RuntimeError:  # httpx: the client was closed under the call (fleettui is closing)
        return DataReading(0, error="network", detail="the client was closed")
    retry = (
        parse_retry_after(None, response.headers.get("retry-after"))
        if response.status_code == 429
        else None
    )
    return read_answer(response.status_code, response.content, now(), retry_after=retry)
