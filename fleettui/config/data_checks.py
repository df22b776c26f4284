"""A profile's data-check settings (issue 19), read from its table in ``config.toml``::

    [profiles.fleet]
    data_checks = true                  # opt-in: off unless set (on in --demo)
    data_checks_per_second = 1          # at most this many vehicle data calls a second
    data_checks_per_hour = 1800         # and this many an hour

    [profiles.fleet.data_thresholds]    # override the estimates of core.data_thresholds
    volkswagen = { first_data_days = 10, silence_hours = 96 }
    "VW Group" = { first_data_days = 8 }

The keys live in the profile's table next to the others (Profile keeps keys it does not
know in `extra`, so nothing here changes how a profile is read or written). A value that
is not usable is reported in `notes` and its default used: a typo never stops the monitor.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from fleettui.core.data_thresholds import DEFAULT_THRESHOLDS, Thresholds, with_overrides

DEFAULT_PER_SECOND = 1.0
DEFAULT_PER_HOUR = 1800
#: The demo's budget: its 300 cars are all seen in about a minute.
DEMO_PER_SECOND = 4.0
LIMITS = {
    "data_checks_per_second": (0.01, 20.0),
    "data_checks_per_hour": (1, 100_000),
    "first_data_days": (0.01, 365.0),
    "silence_hours": (0.1, 24 * 365.0),
}


@dataclass(frozen=True)
class DataCheckSettings:
    enabled: bool = False
    per_second: float = DEFAULT_PER_SECOND
    per_hour: int = DEFAULT_PER_HOUR
    thresholds: Thresholds = DEFAULT_THRESHOLDS
    notes: tuple[str, ...] = field(default=())


def _number(key: str, value: object, notes: list[str], default: float) -> float:
    low, high = LIMITS[key]
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or not low <= value <= high
    ):
        notes.append(
            f"{key} = {value!r} is not usable (give {low:g} to {high:g}); using {default:g}"
        )
        return default
    return float(value)


def _overrides(table: object, notes: list[str]) -> dict[str, tuple[float | None, float | None]]:
    if not isinstance(table, Mapping):
        notes.append("data_thresholds must be a table of brands; ignored")
        return {}
    out: dict[str, tuple[float | None, float | None]] = {}
    for brand, row in table.items():
        if not isinstance(row, Mapping):
            notes.append(f"data_thresholds.{brand} must be a table; ignored")
            continue
        days = hours = None
        if "first_data_days" in row:
            days = _number("first_data_days", row["first_data_days"], notes, math.nan)
        if "silence_hours" in row:
            hours = _number("silence_hours", row["silence_hours"], notes, math.nan)
        out[str(brand)] = (
            None if days is None or math.isnan(days) else days,
            None if hours is None or math.isnan(hours) else hours,
        )
    return out


def data_check_settings(extra: Mapping[str, Any], *, demo: bool = False) -> DataCheckSettings:
    """The settings from a profile's `extra` keys; `demo`: checks on, the demo's budget."""
    notes: list[str] = []
    enabled = extra.get("data_checks", demo)
    if not isinstance(enabled, bool):
        notes.append(f"data_checks = {enabled!r} must be true or false; checks stay off")
        enabled = False
    per_second = _number(
        "data_checks_per_second",
        extra.get("data_checks_per_second", DEMO_PER_SECOND if demo else DEFAULT_PER_SECOND),
        notes,
        DEFAULT_PER_SECOND,
    )
    per_hour = int(
        _number(
            "data_checks_per_hour",
            extra.get("data_checks_per_hour", DEFAULT_PER_HOUR),
            notes,
            DEFAULT_PER_HOUR,
        )
    )
    thresholds = DEFAULT_THRESHOLDS
    if "data_thresholds" in extra:
        overrides = _overrides(extra["data_thresholds"], notes)
        if overrides:
            thresholds = with_overrides(overrides)
    return DataCheckSettings(enabled, per_second, per_hour, thresholds, tuple(notes))
