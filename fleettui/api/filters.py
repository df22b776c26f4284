"""A typed builder for the `filter` parameter of the list call.

The provider takes URL-encoded JSON `{"<field>": {"operator": "...", "value": ...}}`; several
fields are ANDed and each field takes ONE condition. The builder is immutable: each method
returns a new filter, so a shared default filter can never be changed by accident.

    VehicleFilter().status_in(["pending", "rejected"]).brand_eq("bmw").to_param()
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from fleettui.core.states import State, parse_state
from fleettui.core.timefmt import format_ts, parse_ts

FIELDS = ("vin", "status", "brand", "tags", "approved_at", "inserted_at")
OPERATORS: dict[str, tuple[str, ...]] = {
    "vin": ("eq", "in"),
    "status": ("eq", "in"),
    "brand": ("eq", "in"),
    "tags": ("eq", "contains"),
    "approved_at": ("eq", "lt", "gt", "lte", "gte"),
    "inserted_at": ("eq", "lt", "gt", "lte", "gte"),
}
#: Statuses a stored clearance can have ("error" only exists in POST answers).
STORED_STATUSES = tuple(s.value for s in State if s not in (State.ERROR, State.UNKNOWN))


def _text(value: object, what: str) -> str:
    if isinstance(value, State):
        value = value.value
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{what} must be a non-empty string, got {value!r}")
    return value.strip()


def _vin(value: object) -> str:
    return _text(value, "a VIN").upper()


def _status(value: object) -> str:
    text = _text(value, "a status").lower()
    if parse_state(text).value not in STORED_STATUSES:
        raise ValueError(f"unknown status {text!r}; use one of {', '.join(STORED_STATUSES)}")
    return text


def _brand(value: object) -> str:
    return _text(value, "a brand").lower()


def _values(values: object, one: Any, what: str) -> list[str]:
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise ValueError(f"{what} must be a list of values, got {values!r}")
    out: list[str] = []
    for v in values:
        item = one(v)
        if item not in out:
            out.append(item)
    if not out:
        raise ValueError(f"{what} needs at least one value")
    return out


def _tags(tags: object) -> dict[str, str]:
    if not isinstance(tags, Mapping) or not tags:
        raise ValueError(f"tags must be a non-empty mapping of strings, got {tags!r}")
    out: dict[str, str] = {}
    for k, v in tags.items():
        key = _text(k, "a tag name")
        if not isinstance(v, str):
            raise ValueError(f"tag {key!r} must have a string value, got {v!r}")
        out[key] = v
    return out


def _when(value: object) -> str:
    if isinstance(value, datetime):
        dt = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return format_ts(dt)
    parsed = parse_ts(value)
    if parsed is None:
        raise ValueError(f"{value!r} is not an ISO 8601 time")
    return format_ts(parsed)


class VehicleFilter:
    """An immutable set of conditions for `GET /v1/fleets/vehicles?filter=...`."""

    __slots__ = ("_conditions",)

    def __init__(self, conditions: Mapping[str, tuple[str, Any]] | None = None) -> None:
        self._conditions: dict[str, tuple[str, Any]] = dict(conditions or {})

    # -- building ------------------------------------------------------------------

    def _with(self, field: str, operator: str, value: Any) -> VehicleFilter:
        if operator not in OPERATORS[field]:
            raise ValueError(
                f"{field} takes the operators {', '.join(OPERATORS[field])}, not {operator!r}"
            )
        if field in self._conditions:
            raise ValueError(
                f"{field} already has a condition; the API takes one per field "
                f"(use .without({field!r}) first to replace it)"
            )
        conditions = dict(self._conditions)
        conditions[field] = (operator, value)
        return VehicleFilter(conditions)

    def vin_eq(self, vin: str) -> VehicleFilter:
        return self._with("vin", "eq", _vin(vin))

    def vin_in(self, vins: Iterable[str]) -> VehicleFilter:
        return self._with("vin", "in", _values(vins, _vin, "vin_in"))

    def status_eq(self, status: str | State) -> VehicleFilter:
        return self._with("status", "eq", _status(status))

    def status_in(self, statuses: Iterable[str | State]) -> VehicleFilter:
        return self._with("status", "in", _values(statuses, _status, "status_in"))

    def brand_eq(self, brand: str) -> VehicleFilter:
        return self._with("brand", "eq", _brand(brand))

    def brand_in(self, brands: Iterable[str]) -> VehicleFilter:
        return self._with("brand", "in", _values(brands, _brand, "brand_in"))

    def tags_eq(self, tags: Mapping[str, str]) -> VehicleFilter:
        return self._with("tags", "eq", _tags(tags))

    def tags_contains(self, tags: Mapping[str, str]) -> VehicleFilter:
        return self._with("tags", "contains", _tags(tags))

    def approved_at(self, operator: str, when: datetime | str) -> VehicleFilter:
        return self._with("approved_at", operator, _when(when))

    def inserted_at(self, operator: str, when: datetime | str) -> VehicleFilter:
        return self._with("inserted_at", operator, _when(when))

    def without(self, field: str) -> VehicleFilter:
        conditions = dict(self._conditions)
        conditions.pop(field, None)
        return VehicleFilter(conditions)

    # -- reading -------------------------------------------------------------------

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(f for f in FIELDS if f in self._conditions)

    def condition(self, field: str) -> tuple[str, Any] | None:
        return self._conditions.get(field)

    def to_dict(self) -> dict[str, dict[str, Any]]:
        return {
            f: {"operator": self._conditions[f][0], "value": self._conditions[f][1]}
            for f in self.fields
        }

    def to_param(self) -> str:
        """Compact JSON for the `filter` query parameter (httpx URL-encodes it)."""
        return json.dumps(self.to_dict(), separators=(",", ":"), ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> VehicleFilter:
        """Rebuild (and validate) a filter from its API JSON, e.g. a profile's default."""
        if not isinstance(data, Mapping):
            raise ValueError("a filter must be a JSON object")
        builders: dict[tuple[str, str], Callable[[VehicleFilter, Any], VehicleFilter]] = {
            ("vin", "eq"): VehicleFilter.vin_eq,
            ("vin", "in"): VehicleFilter.vin_in,
            ("status", "eq"): VehicleFilter.status_eq,
            ("status", "in"): VehicleFilter.status_in,
            ("brand", "eq"): VehicleFilter.brand_eq,
            ("brand", "in"): VehicleFilter.brand_in,
            ("tags", "eq"): VehicleFilter.tags_eq,
            ("tags", "contains"): VehicleFilter.tags_contains,
        }
        out = cls()
        for field, cond in data.items():
            if field not in OPERATORS:
                raise ValueError(f"unknown filter field {field!r}; use one of {', '.join(FIELDS)}")
            if not isinstance(cond, Mapping) or "operator" not in cond or "value" not in cond:
                raise ValueError(f"{field} needs {{'operator': ..., 'value': ...}}")
            op, value = cond["operator"], cond["value"]
            if field in ("approved_at", "inserted_at"):
                out = getattr(out, field)(op, value)
            elif (field, op) in builders:
                out = builders[(field, op)](out, value)
            else:
                raise ValueError(
                    f"{field} takes the operators {', '.join(OPERATORS[field])}, not {op!r}"
                )
        return out

    @classmethod
    def from_param(cls, text: str) -> VehicleFilter:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"the filter is not valid JSON: {exc.msg}") from None
        return cls.from_dict(data)

    def __bool__(self) -> bool:
        return bool(self._conditions)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, VehicleFilter) and self.to_dict() == other.to_dict()

    def __hash__(self) -> int:
        return hash(self.to_param())

    def __repr__(self) -> str:
        return f"VehicleFilter({self.to_param()})"
