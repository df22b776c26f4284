"""The checks the provider makes on each vehicle of a POST: blank, short or non-ASCII VINs,
unknown brands, tags that are not a map of strings. Shared by the HTTP endpoint and
`Engine.add_vehicle`, so both answer exactly alike."""

from __future__ import annotations

from typing import Any

from fleettui.core.brands import is_known_brand, normalise_brand


def _error(vin: Any, description: str) -> dict[str, Any]:
    return {
        "vin": vin if isinstance(vin, str) else "",
        "status": "error",
        "description": description,
    }


def validate(item: Any) -> dict[str, Any] | tuple[str, str, dict[str, str]]:
    """The answer's error entry (a dict), or (vin, brand, tags) to create."""
    if not isinstance(item, dict):
        return _error(None, "vehicle should be an object")
    vin, brand, tags = item.get("vin"), item.get("brand"), item.get("tags", {})
    if not isinstance(vin, str) or not vin.strip():
        return _error(vin, "vin can't be blank")
    if len(vin) != 17:
        return _error(vin, "vin should be 17 character(s)")
    if not vin.isascii() or not vin.isalnum():
        return _error(vin, "vin is invalid")
    if not isinstance(brand, str) or not is_known_brand(brand):
        return _error(vin, "The brand is invalid")
    if tags is None:
        tags = {}
    if not isinstance(tags, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in tags.items()
    ):
        return _error(vin, "tags should be a map of strings")
    return vin, normalise_brand(brand), dict(tags)
