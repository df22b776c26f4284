"""What crosses the wire: request bodies for new clearances, and reading the provider's
answers (vehicle list, one vehicle, per-VIN create results) and transport failures.

Answers are data from outside: anything that is not the JSON expected becomes a
BadResponse; in a list, single unreadable entries are skipped and counted instead of
failing the whole list.
"""

from __future__ import annotations

import json
import socket
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any
from urllib.parse import quote

import httpx

from fleettui.api.errors import BadResponse
from fleettui.core.compact import reusing
from fleettui.core.lenient_json import Mended, loads_marked
from fleettui.core.memory import parse_json_list
from fleettui.core.vehicle import Vehicle

VEHICLES_PATH = "/v1/fleets/vehicles"


@dataclass(frozen=True, slots=True)
class NewVehicle:
    """One clearance to ask for. `vin` and `brand` are required; tag values are strings."""

    vin: str
    brand: str
    tags: Mapping[str, str] = field(default_factory=dict)

    def to_api(self) -> dict[str, Any]:
        return {
            "vin": self.vin.strip(),
            "brand": self.brand.strip().lower(),
            "tags": {str(k): str(v) for k, v in self.tags.items()},
        }


@dataclass(frozen=True, slots=True)
class CreateResult:
    """The provider's answer for one VIN of a create call. `ok` is False for `error`
    entries (then `description` says why) and for VINs the answer did not mention."""

    vin: str
    status: str
    description: str | None
    vehicle: Vehicle | None
    ok: bool


def bad_response(status: int, detail: str, *, write: bool) -> BadResponse:
    hint = (
        (
            "The request may have been carried out; refresh to see the current state "
            "before trying again."
        )
        if write
        else None
    )
    return BadResponse(status=status, detail=detail, hint=hint)


def decode_json(
    response: httpx.Response,
    what: str,
    *,
    write: bool,
    expected: str = "an answer fleettui can read",
) -> Any:
    """The answer's JSON. Bad text (invalid UTF-8, an over-long number) is marked where it
    is (`fleettui.core.lenient_json`), not the whole answer's failure; nesting too deep
    for any expected shape is a BadResponse that says so, never a RecursionError."""
    detail = f"{what} is not valid JSON"
    try:
        return json.loads(response.content)
    except RecursionError:
        detail = f"{what} is nested too deeply to be {expected}"
    except ValueError:
        try:
            return loads_marked(response.content)[0]
        except RecursionError:
            detail = f"{what} is nested too deeply to be {expected}"
        except ValueError:
            pass
    # Raised outside the except block: a JSONDecodeError keeps the whole body (`.doc`),
    # which must not ride along as the error's context.
    raise bad_response(response.status_code, detail, write=write)


def vin_path(vin: str) -> str:
    if not isinstance(vin, str) or not vin.strip():
        raise ValueError("a VIN is needed")
    return f"{VEHICLES_PATH}/{quote(vin.strip(), safe='')}"


def release_body(response: httpx.Response) -> None:
    """Let the body go with the response. An httpx response and its stream refer to each
    other, so the body (~28 MB for 100k vehicles) would wait for the cyclic collector,
    and never go once a collector freeze (see fleettui.core.memory) has moved it into
    the permanent generation. The body has been read; the stream is not used again."""
    if isinstance(response, httpx.Response) and response.is_closed:
        response.stream = httpx.ByteStream(b"")
        if isinstance(getattr(response, "_content", None), bytes):
            response._content = b""  # read already; whatever still holds the response


def read_vehicle_list(
    response: httpx.Response, *, compact: bool = False, mended: Mended | None = None
) -> tuple[list[Any], int]:
    """(objects with a VIN, how many entries were skipped).

    Parsed element by element (`parse_json_list`), so a 100k-vehicle answer parsed in a
    worker thread does not hold the interpreter for the ~0.7 s a plain `json.loads` would,
    freezing the UI. With `compact`, plain vehicle objects become the store's compact
    tuples as they are parsed, so the full parsed payload never exists at once.

    An answer the fast parse refuses is read again with its bad values marked (invalid
    UTF-8, over-long numbers; counted in `mended`), so one bad tag costs one entry's
    value, not the list."""
    each = reusing() if compact else None
    data: Any = None
    problem = "the vehicle list is not valid JSON"
    try:
        data = parse_json_list(response.content, each)
    except RecursionError:
        problem = "the answer is nested too deeply to be a vehicle list"
    except ValueError:
        try:
            data, found = loads_marked(response.content, each)
        except RecursionError:
            problem = "the answer is nested too deeply to be a vehicle list"
        except ValueError:
            pass
        else:
            if mended is not None:
                mended.bad_text += found.bad_text
                mended.long_numbers += found.long_numbers
    release_body(response)
    if data is None:
        raise bad_response(response.status_code, problem, write=False)
    if not isinstance(data, list):
        raise bad_response(
            response.status_code, "the vehicle list is not a JSON array", write=False
        )
    return with_vin(data)


def with_vin(data: list[Any]) -> tuple[list[Any], int]:
    """(the entries that are objects with a VIN, or compact tuples; how many were not)."""
    if _all_with_vin(data):
        return data, 0
    good = [
        v
        for v in data
        if type(v) is tuple
        or (isinstance(v, dict) and isinstance(v.get("vin"), str) and v["vin"].strip())
    ]
    return good, len(data) - len(good)


_VIN = itemgetter("vin")


def _all_with_vin(data: list[Any]) -> bool:
    """Whether every entry is an object with a VIN (text, not blank), found at C speed;
    False also when it cannot tell (the compact tuples, odd entries)."""
    try:
        return all(map(str.strip, map(_VIN, data)))
    except (TypeError, KeyError):
        return False


def read_one_vehicle(response: httpx.Response, *, write: bool) -> Vehicle:
    data = decode_json(response, "the answer", write=write, expected="a vehicle")
    try:
        return Vehicle.from_api(data)
    except ValueError:
        pass
    raise bad_response(response.status_code, "the answer is not a vehicle object", write=write)


def _create_result(entry: dict, sent: dict | None) -> CreateResult:
    vin = entry["vin"].strip()
    raw_status, raw_description = entry.get("status"), entry.get("description")
    status = raw_status if isinstance(raw_status, str) else ""
    description = raw_description if isinstance(raw_description, str) else None
    ok = bool(status) and status.strip().lower() != "error"
    # The answer carries no brand (and maybe no tags): fill them in from what was sent.
    vehicle = Vehicle.from_api({**(sent or {}), **entry}) if ok else None
    return CreateResult(vin, status, description, vehicle, ok)


def read_create_results(response: httpx.Response, sent: list[dict]) -> list[CreateResult]:
    """Per-VIN results in the provider's order; VINs it did not mention come last with
    status "unknown" so the caller can tell the user to refresh. Entries for VINs that
    were not sent are ignored: an answer cannot add what was not asked for."""
    data = decode_json(
        response, "the answer to adding vehicles", write=True, expected="a list of results"
    )
    entries = data.get("vehicles") if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise bad_response(response.status_code, "the answer has no list of vehicles", write=True)
    results: list[CreateResult] = []
    missing = list(sent)
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("vin"), str):
            continue
        vin = entry["vin"].strip()
        match = next((item for item in missing if item["vin"] == vin), None)
        if match is None:
            continue  # a VIN not asked about (or named twice): not a result of this call
        missing.remove(match)
        results.append(_create_result(entry, match))
    for item in missing:
        results.append(
            CreateResult(
                item["vin"],
                "unknown",
                "High Mobility did not report on this VIN; refresh to see whether it was added.",
                None,
                False,
            )
        )
    return results


def _causes(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen and len(seen) < 8:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def classify_transport_error(exc: httpx.TransportError) -> tuple[str, bool]:
    """(NetworkError kind, whether the request may have reached the server)."""
    if isinstance(exc, (httpx.ConnectTimeout, httpx.PoolTimeout)):
        return "timeout", False
    if isinstance(exc, httpx.TimeoutException):
        return "timeout", True
    if isinstance(exc, httpx.ConnectError):
        chain = _causes(exc)
        text = " ".join(str(c) for c in chain).lower()
        if (
            any(isinstance(c, ssl.SSLError) for c in chain)
            or "ssl" in text
            or "certificate" in text
        ):
            return "tls", False
        if any(isinstance(c, socket.gaierror) for c in chain) or any(
            w in text for w in ("name or service", "nodename", "name resolution", "getaddrinfo")
        ):
            return "dns", False
        if any(isinstance(c, ConnectionRefusedError) for c in chain) or "refused" in text:
            return "refused", False
        return "other", False
    if isinstance(
        exc, (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError, httpx.CloseError)
    ):
        return "dropped", True
    return "other", False
