"""The provider's paths in the simulator: which answer (status, JSON body) each method
and path gets (the token, the fleet's vehicles, eligibility, vehicle data, and the
deprecated paths' 410), in the provider's error envelopes. `SimHandler` (`server`) reads
the request and sends what these give."""

from __future__ import annotations

import json
import re
import urllib.parse
from email.message import Message
from typing import Any, Protocol

from fleettui.sim.auth import TokenIssuer
from fleettui.sim.engine import Engine
from fleettui.sim.faults import FaultInjector
from fleettui.sim.traffic import Traffic
from fleettui.sim.vehicle_data import VehicleDataModel
from fleettui.sim.vehicles_api import create_vehicles, get_vehicle, list_vehicles


class _Limits(Protocol):
    @property
    def get_one_limit(self) -> int: ...

    @property
    def eligibility_limit(self) -> int: ...

    @property
    def data_limit(self) -> int: ...

    @property
    def max_url(self) -> int: ...


class Served(Protocol):
    """What the server serves: a `fleettui.sim.Simulator` (not imported here, as it
    imports this module)."""

    engine: Engine
    tokens: TokenIssuer
    faults: FaultInjector
    vehicle_data: VehicleDataModel
    traffic: Traffic

    @property
    def config(self) -> _Limits: ...


UNAUTHORIZED = {
    "errors": [
        {
            "title": "Unauthorized",
            "source": "Authorization",
            "detail": "Missing or invalid authorization header. "
            "Send 'Authorization: Bearer <access_token>' with a valid, unexpired token.",
        }
    ]
}
FORBIDDEN = {
    "errors": [
        {
            "title": "Forbidden",
            "detail": "This service account is not associated with a fleet.",
        }
    ]
}
_VIN_PATH = re.compile(r"^/v1/fleets/vehicles/([^/]+)$")
_DEPRECATED = {
    "/v1/fleets/access_tokens": "Deprecated: request tokens from POST /v1/access_tokens.",
}
_CANCEL_ACTIVATION = re.compile(r"^/v1/fleets/[^/]+/cancel_activation$")
ELIGIBILITY_PATH = "/v1/eligibility"
_DATA_PATH = re.compile(r"^/v1/vehicle-data/autoapi-13/([^/]+)$")


def envelope(title: str, detail: str | None = None, source: str | None = None) -> dict:
    err: dict[str, Any] = {"title": title}
    if source is not None:
        err["source"] = source
    if detail is not None:
        err["detail"] = detail
    return {"errors": [err]}


def route(
    sim: Served,
    method: str,
    path: str,
    query: str,
    body: bytes,
    headers: Message,
    extra: dict[str, str],
) -> tuple[int, Any]:
    """The answer (status, body) to `method path`; headers to add go into `extra`."""
    if path == "/v1/access_tokens":
        if method != "POST":
            return 405, envelope("Method not allowed", f"{method} is not allowed here")
        return _token(sim, body, headers)
    if path in _DEPRECATED or _CANCEL_ACTIVATION.match(path):
        detail = _DEPRECATED.get(path, "Deprecated: cancel with DELETE /v1/fleets/vehicles/{vin}.")
        return 410, envelope("Gone", detail)
    if path == ELIGIBILITY_PATH:
        return _eligibility(sim, method, body, headers)
    data_match = _DATA_PATH.match(path)
    if data_match is not None:
        return _vehicle_data(sim, method, urllib.parse.unquote(data_match.group(1)), headers, extra)
    vin_match = _VIN_PATH.match(path)
    if path != "/v1/fleets/vehicles" and not vin_match:
        return 404, envelope("Not found", f"no such endpoint: {path}")
    allowed = ("GET", "POST") if vin_match is None else ("GET", "DELETE")
    if method not in allowed:
        return 405, envelope("Method not allowed", f"{method} is not allowed here")
    engine = sim.engine
    with engine.lock:
        if not sim.tokens.valid(headers.get("Authorization")):
            return 401, UNAUTHORIZED
    if sim.faults.config.forbidden:
        return 403, FORBIDDEN
    if vin_match is None:
        return list_vehicles(engine, query) if method == "GET" else create_vehicles(engine, body)
    vin = urllib.parse.unquote(vin_match.group(1))
    if method == "DELETE":
        return engine.delete(vin)
    with engine.lock:
        wait = sim.tokens.rate_limited(sim.config.get_one_limit)
    if wait is not None:
        return 429, envelope("Too many requests", f"retry after {wait}s")
    return get_vehicle(engine, vin)


def _eligibility(sim: Served, method: str, body: bytes, headers: Message) -> tuple[int, Any]:
    if method != "POST":
        return 405, envelope("Method not allowed", f"{method} is not allowed here")
    with sim.engine.lock:
        if not sim.tokens.valid(headers.get("Authorization")):
            return 401, UNAUTHORIZED
        wait = sim.tokens.eligibility_limited(sim.config.eligibility_limit)
    if wait is not None:
        return 429, envelope("Too many requests", f"retry after {wait}s")
    try:
        vin = json.loads(body).get("vin")
    except (ValueError, AttributeError):
        vin = None
    with sim.engine.lock:
        record = sim.engine.record(vin) if isinstance(vin, str) else None
        return sim.engine.eligibility.answer(body, record)


def _vehicle_data(
    sim: Served, method: str, vin: str, headers: Message, extra: dict[str, str]
) -> tuple[int, Any]:
    """GET /v1/vehicle-data/autoapi-13/{vin} (see sim.vehicle_data): the token, its
    vehicle:data scope, the burst limit (429 "Rate limit exceeded" with Retry-After),
    then the car's answer."""
    model = sim.vehicle_data
    if method != "GET":
        return 405, envelope("Method not allowed", f"{method} is not allowed here")
    with sim.engine.lock:
        now = sim.engine.epoch()
        rid = model.request_id(vin, now)
        if not sim.tokens.valid(headers.get("Authorization")):
            return 401, {
                "errors": [{"title": "Not Authorized", "detail": "Invalid token"}],
                "request_id": rid,
            }
        if "vehicle:data" not in sim.tokens.scope.split():
            return 403, {
                "errors": [
                    {
                        "title": "Forbidden",
                        "detail": "The access token lacks the scope vehicle:data",
                    }
                ],
                "request_id": rid,
            }
        wait = sim.tokens.data_limited(sim.config.data_limit)
        if wait is not None:
            extra["Retry-After"] = str(wait)
            return 429, {
                "errors": [{"title": "Too Many Requests", "detail": "Rate limit exceeded"}],
                "request_id": rid,
            }
        record = sim.engine.record(vin)
        brand = record.brand if record is not None else "unknown"
        return model.answer(vin, brand, record, now)


def _token(sim: Served, body: bytes, headers: Message) -> tuple[int, Any]:
    ctype = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
    fields: dict[str, Any] = {}
    if ctype == "application/x-www-form-urlencoded":
        try:
            pairs = urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True)
        except UnicodeDecodeError:
            pairs = []
        fields = dict(pairs)
    elif body.strip():
        try:
            parsed = json.loads(body)
        except ValueError:
            return 400, {
                "error": "invalid_request",
                "error_description": "request body is not valid JSON",
            }
        fields = parsed if isinstance(parsed, dict) else {}
    with sim.engine.lock:
        return sim.tokens.check_credentials(fields)
