"""The fleet endpoints' bodies: list (with `filter`), get one, and create.

POST validates each requested vehicle (`validation`) and answers one entry per input. A body that is not
JSON answers 400; JSON without a `vehicles` list answers 422. Inside the list, each entry
stands alone: a bad VIN or brand becomes an `error` entry with the provider's description
and the others go through. (DELETE is the engine's: `Engine.delete`.)
"""

from __future__ import annotations

import json
import urllib.parse
from typing import TYPE_CHECKING, Any

from fleettui.sim.filters import FilterError, parse_filter
from fleettui.sim.validation import validate

if TYPE_CHECKING:
    from fleettui.sim.engine import Engine

MAX_VEHICLES = 10_000


def create_vehicles(engine: Engine, body: bytes) -> tuple[int, Any]:
    try:
        payload = json.loads(body) if body.strip() else None
    except ValueError:
        return 400, {"errors": [{"title": "Bad request", "detail": "body is not valid JSON"}]}
    vehicles = payload.get("vehicles") if isinstance(payload, dict) else None
    if not isinstance(vehicles, list):
        return 422, {
            "errors": [
                {
                    "title": "Unprocessable entity",
                    "source": "vehicles",
                    "detail": "vehicles is required and must be a list",
                }
            ]
        }
    if len(vehicles) > MAX_VEHICLES:
        return 422, {
            "errors": [
                {
                    "title": "Unprocessable entity",
                    "source": "vehicles",
                    "detail": f"at most {MAX_VEHICLES} vehicles per request",
                }
            ]
        }
    out = []
    for item in vehicles:
        checked = validate(item)
        if isinstance(checked, dict):
            out.append(checked)
        else:
            out.append(engine.create(*checked))
    return 200, {"vehicles": out}


def list_vehicles(engine: Engine, query: str) -> tuple[int, Any]:
    """GET /v1/fleets/vehicles[?filter=...]: the cached JSON of every matching vehicle."""
    params = urllib.parse.parse_qs(query, keep_blank_values=True)
    raw = params.get("filter", [""])[-1]
    try:
        predicate = parse_filter(raw)
    except FilterError as e:
        return e.status, e.body()
    return 200, engine.list_blob(predicate)


def get_vehicle(engine: Engine, vin: str) -> tuple[int, Any]:
    """GET /v1/fleets/vehicles/{vin} (the rate limit is checked before, by the server)."""
    blob = engine.get_blob(vin)
    if blob is None:
        return 404, {
            "errors": [{"title": "Not found", "source": "vin", "detail": "Vehicle not found"}]
        }
    return 200, blob
