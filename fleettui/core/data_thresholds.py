"""How long after approval a car usually sends its first data, and how long a car that
sends data may go quiet before it is "silent" — per brand group, in ONE table.

These are estimates, not provider promises: the provider's guide only says the first data
can take "several days" (OTA updates, the next drive, privacy mode) and that "as soon as
the first data starts to come in, no further delays should be expected". Peers flag a
non-reporting unit after about 7 days (Verizon Connect). Everything that shows them says
"about" / "~", and a profile can override any row (`[profiles.NAME.data_thresholds]`,
see `fleettui.config.data_checks`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from fleettui.core.brands import (
    BMW_GROUP,
    RENAULT_GROUP,
    STELLANTIS,
    TOYOTA_GROUP,
    VW_GROUP,
    brand_info,
)

DAY = 86400.0
HOUR = 3600.0


@dataclass(frozen=True, slots=True)
class DataThreshold:
    #: Days after approval without any data before "approved, no data after N days".
    first_data_days: float
    #: Hours without new data before a car that sent data is "silent".
    silence_hours: float
    note: str
    #: True when a profile changed this row.
    overridden: bool = False

    @property
    def first_data_seconds(self) -> float:
        return self.first_data_days * DAY

    @property
    def silence_seconds(self) -> float:
        return self.silence_hours * HOUR


_T = DataThreshold
#: THE table (estimates). Keys: brand group names (`core.brands`); "" is every other brand.
DATA_THRESHOLDS: dict[str, DataThreshold] = {
    "": _T(3, 72, "estimate: most cars send on their next drive; a weekend parked is normal"),
    STELLANTIS: _T(
        2, 72, "estimate: Stellantis approves once data has arrived, so data should follow quickly"
    ),
    VW_GROUP: _T(7, 72, "estimate: VW-group cars often need OTA updates first"),
    BMW_GROUP: _T(2, 72, "estimate"),
    "Mercedes-Benz": _T(3, 72, "estimate"),
    "Ford": _T(3, 72, "estimate"),
    RENAULT_GROUP: _T(5, 72, "estimate: may need OTA updates"),
    TOYOTA_GROUP: _T(3, 72, "estimate"),
    "Volvo Cars": _T(3, 72, "estimate"),
    "Polestar": _T(3, 72, "estimate"),
    "Tesla": _T(1, 48, "estimate: Tesla cars are online most of the time"),
    "Sandbox": _T(0.25, 12, "estimate: the sandbox's simulated cars"),
}


@dataclass(frozen=True, slots=True)
class Thresholds:
    """The table with a profile's overrides applied; look-ups by brand code."""

    rows: Mapping[str, DataThreshold]

    def for_brand(self, brand: str | None) -> DataThreshold:
        info = brand_info(brand) if brand else None
        rows = self.rows
        if info is not None:
            found = rows.get(info.code) or rows.get(info.group)
            if found is not None:
                return found
        return rows[""]


DEFAULT_THRESHOLDS = Thresholds(DATA_THRESHOLDS)


def with_overrides(overrides: Mapping[str, tuple[float | None, float | None]]) -> Thresholds:
    """The table with rows changed: keys are brand codes, group names or "" (every other
    brand); values (first_data_days, silence_hours), None keeping the table's value."""
    rows = dict(DATA_THRESHOLDS)
    for key, (days, hours) in overrides.items():
        base = rows.get(key) or DEFAULT_THRESHOLDS.for_brand(key)
        rows[key] = replace(
            base,
            first_data_days=base.first_data_days if days is None else days,
            silence_hours=base.silence_hours if hours is None else hours,
            note="set in the profile",
            overridden=True,
        )
    return Thresholds(rows)
