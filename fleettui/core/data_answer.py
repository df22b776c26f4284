"""Reading one answer of the vehicle data API (`GET /v1/vehicle-data/autoapi-13/{vin}`,
official spec hm-vehicle-data-api-v1.yml) down to the three things fleettui keeps: the
newest `timestamp` over every capability's properties, the error class, and `request_id`.

- 200: an object of capabilities (`diagnostics`, `ignition`, ...) whose properties are
  `{data, timestamp, failure}` (or lists of them). Only the timestamps are read; the data
  values (positions, mileage, ...) are never looked at, kept or shown.
- Errors: `{errors: [{title, detail}], request_id}`, classified by status and the spec's
  exact details ("Consent is removed by OEM", "Invalid token", "No active consent for
  this vehicle", "Privacy mode is active", "Vehicle is offline or asleep", "Rate limit
  exceeded", 422 "Vehicle data is not available yet").

Everything here is data from outside: a body of the wrong type, a timestamp that is not a
time or lies outside [2000, now + 1 day], an escape sequence in a detail or request_id is
bad data, never an exception; provider text is sanitised and cut before it is kept.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from fleettui.core.text import one_line
from fleettui.core.timefmt import parse_ts

CONSENT_REMOVED = "Consent is removed by OEM"
INVALID_TOKEN = "Invalid token"
NO_ACTIVE_CONSENT = "No active consent for this vehicle"
PRIVACY_ACTIVE = "Privacy mode is active"
OFFLINE = "Vehicle is offline or asleep"
RATE_LIMIT = "Rate limit exceeded"
NOT_AVAILABLE = "Vehicle data is not available yet"
DATA_SCOPE = "vehicle:data"

#: The brand enum of the spec's 200 answer (it spells mercedes_benz, volvo_cars). Brands
#: fleettui knows that are missing there (maserati, vauxhall, tesla, polestar) are "not
#: covered": nothing is asked for them (an inference from the published list).
DATA_API_BRANDS = frozenset(
    [
        "abarth",
        "alfaromeo",
        "alpine",
        "audi",
        "bmw",
        "cadillac",
        "chevrolet",
        "chrysler",
        "citroen",
        "cupra",
        "dacia",
        "dodge",
        "ds",
        "fiat",
        "ford",
        "honda",
        "hyundai",
        "iveco",
        "jaguar",
        "jeep",
        "kia",
        "lancia",
        "land_rover",
        "lexus",
        "man",
        "mazda",
        "mercedes_benz",
        "mini",
        "mitsubishi",
        "nissan",
        "opel",
        "peugeot",
        "porsche",
        "renault",
        "sandbox",
        "seat",
        "skoda",
        "smart",
        "subaru",
        "toyota",
        "unknown",
        "volkswagen",
        "volvo_cars",
    ]
)


def data_covered(brand: str | None) -> bool:
    """Whether the vehicle data API lists the brand (an unknown or absent brand: asked)."""
    if not brand:
        return True
    return brand.strip().lower().replace("-", "_") in DATA_API_BRANDS


#: Error classes (what is stored): the answer's meaning, not the provider's words.
ERROR_CLASSES = (
    "consent_removed",
    "invalid_token",
    "no_consent",
    "privacy",
    "offline",
    "rate_limited",
    "pending",
    "scope_missing",
    "server",
    "network",
    "bad_answer",
    "other",
)
#: Earliest data timestamp believed; later than now by more than FUTURE_SLACK is bad too.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=1)
#: request_ids kept: the spec's are hex or UUIDs; anything else is cut to this safe set.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,100}")
#: Properties read per answer at most (a real answer has a few hundred).
MAX_PROPERTIES = 20_000


@dataclass(frozen=True, slots=True)
class DataReading:
    """One answer, read. `error` None: a 200 whose timestamps were read (`newest` None
    when it held none)."""

    status: int
    newest: datetime | None = None
    error: str | None = None
    request_id: str | None = None
    #: The provider's own words (sanitised, short), for messages.
    detail: str | None = None
    retry_after: float | None = None
    #: Timestamps read / refused as bad (wrong type, unreadable, impossible).
    timestamps: int = 0
    bad_timestamps: int = 0


def clean_request_id(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    text = value.strip()
    return text if _REQUEST_ID.fullmatch(text) else None


def _load(body: bytes | str | None) -> Any:
    if not body:
        return None
    try:
        return json.loads(body)
    except (ValueError, RecursionError, UnicodeDecodeError):
        return _BAD


_BAD = object()


def _newest(data: dict[str, Any], now: datetime) -> tuple[datetime | None, int, int]:
    newest: datetime | None = None
    good = bad = 0
    latest_allowed = now + FUTURE_SLACK
    for capability in data.values():
        if not isinstance(capability, dict):
            continue
        for prop in capability.values():
            items = prop if isinstance(prop, list) else (prop,)
            for item in items:
                if good + bad >= MAX_PROPERTIES:
                    return newest, good, bad
                if not isinstance(item, dict) or "timestamp" not in item:
                    continue
                at = parse_ts(item["timestamp"])
                if at is None or not EARLIEST <= at <= latest_allowed:
                    bad += 1
                    continue
                good += 1
                if newest is None or at > newest:
                    newest = at
    return newest, good, bad


def _errors_text(data: Any) -> tuple[str | None, str | None]:
    """(title, detail) of the first error object, sanitised; (None, None) if none."""
    errors = data.get("errors") if isinstance(data, dict) else None
    if not isinstance(errors, list):
        return None, None
    for err in errors:
        if isinstance(err, dict):
            title, detail = err.get("title"), err.get("detail")
            return (
                one_line(title, 120) or None if isinstance(title, str) else None,
                one_line(detail, 240) or None if isinstance(detail, str) else None,
            )
    return None, None


def _has(text: str, wanted: str) -> bool:
    return wanted.casefold() in text


def classify_error(status: int, title: str | None, detail: str | None) -> str:
    """The error class of an error answer (see ERROR_CLASSES)."""
    text = f"{title or ''} {detail or ''}".casefold()
    if DATA_SCOPE in text or "scope" in text:
        return "scope_missing"
    if status == 401:
        if _has(text, CONSENT_REMOVED) or "consent" in text:
            return "consent_removed"
        return "invalid_token"
    if status == 403:
        if _has(text, PRIVACY_ACTIVE) or "privacy" in text:
            return "privacy"
        if _has(text, NO_ACTIVE_CONSENT) or "consent" in text:
            return "no_consent"
        return "other"
    if status == 408:
        return "offline"
    if status == 422:
        return "pending"
    if status == 429:
        return "rate_limited"
    if status >= 500:
        return "server"
    return "other"


def read_answer(
    status: int, body: bytes | str | None, now: datetime, *, retry_after: float | None = None
) -> DataReading:
    """One answer as a DataReading; never raises."""
    data = _load(body)
    rid = clean_request_id(data.get("request_id")) if isinstance(data, dict) else None
    if 200 <= status < 300:
        if not isinstance(data, dict):
            return DataReading(status, error="bad_answer", detail="the answer is not a JSON object")
        newest, good, bad = _newest(data, now)
        if newest is None and bad:
            return DataReading(
                status,
                error="bad_answer",
                request_id=rid,
                timestamps=good,
                bad_timestamps=bad,
                detail=f"{bad} unreadable timestamp(s)",
            )
        return DataReading(status, newest, None, rid, timestamps=good, bad_timestamps=bad)
    title, detail = _errors_text(data) if data is not _BAD else (None, None)
    kind = classify_error(status, title, detail)
    if status == 429 and retry_after is None:
        found = re.search(r"retry after\s*(\d{1,6})\s*s", detail or "", re.IGNORECASE)
        retry_after = float(found.group(1)) if found else None
    return DataReading(status, None, kind, rid, detail or title, retry_after)


def is_token_problem(status: int, body: bytes | None) -> bool:
    """A 401 about the access token (re-authenticate), not about the car's consent."""
    if status != 401:
        return False
    data = _load(body)
    title, detail = _errors_text(data) if data is not _BAD else (None, None)
    return classify_error(401, title, detail) == "invalid_token"
