"""The list endpoint's `filter` parameter: parse it and turn it into a record predicate.

Shape: `{"<field>": {"operator": "...", "value": ...}, ...}`, fields ANDed. A body that is
not JSON answers 400; JSON with an unknown field, operator or a wrong value type answers 422
(`FilterError.status`), both with the provider's error envelope.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from fleettui.api.filters import OPERATORS  # the API's documented fields and operators
from fleettui.core.timefmt import parse_ts
from fleettui.sim.records import Record

Predicate = Callable[[Record], bool]

_CMP: dict[str, Callable[[float, float], bool]] = {
    "eq": lambda a, b: int(a) == int(b),
    "lt": lambda a, b: a < b,
    "gt": lambda a, b: a > b,
    "lte": lambda a, b: a <= b,
    "gte": lambda a, b: a >= b,
}


class FilterError(ValueError):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail

    def body(self) -> dict[str, Any]:
        title = "Bad request" if self.status == 400 else "Unprocessable entity"
        return {"errors": [{"title": title, "source": "filter", "detail": self.detail}]}


def _strings(field: str, op: str, value: Any) -> set[str]:
    if op == "eq":
        if not isinstance(value, str):
            raise FilterError(422, f"{field}: value for eq must be a string")
        return {value}
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise FilterError(422, f"{field}: value for in must be a list of strings")
    return set(value)


def _one(field: str, spec: Any) -> Predicate:
    if field not in OPERATORS:
        raise FilterError(422, f"unknown filter field {field!r}")
    if not isinstance(spec, dict) or "operator" not in spec or "value" not in spec:
        raise FilterError(422, f"{field}: expected an object with operator and value")
    op, value = spec["operator"], spec["value"]
    if op not in OPERATORS[field]:
        raise FilterError(422, f"{field}: operator {op!r} is not supported")
    if field in ("vin", "status", "brand"):
        wanted = _strings(field, op, value)
        attr = field
        return lambda r: getattr(r, attr) in wanted
    if field == "tags":
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise FilterError(422, "tags: value must be an object of strings")
        items = dict(value)
        if op == "eq":
            return lambda r: r.tags == items
        return lambda r: all(r.tags.get(k) == v for k, v in items.items())
    dt = parse_ts(value)
    if dt is None:
        raise FilterError(422, f"{field}: value must be an ISO 8601 time")
    when = dt.timestamp()
    cmp = _CMP[op]
    if field == "approved_at":
        return lambda r: r.approved is not None and cmp(r.approved, when)
    return lambda r: cmp(r.created, when)


def parse_filter(raw: str) -> Predicate | None:
    """Predicate for a raw (already URL-decoded) filter string; None for no filter."""
    if not raw.strip():
        return None
    try:
        spec = json.loads(raw)
    except ValueError:
        raise FilterError(400, "filter is not valid JSON") from None
    if not isinstance(spec, dict):
        raise FilterError(422, "filter must be a JSON object")
    preds = [_one(field, sub) for field, sub in spec.items()]
    if not preds:
        return None
    if len(preds) == 1:
        return preds[0]
    return lambda r: all(p(r) for p in preds)
