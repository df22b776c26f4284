"""After approval: does the car send data? The states, what each means and who must act
(the same standard as the reason catalogue), and how one answer of the vehicle data API
moves a vehicle from one state to the next.

What is kept per vehicle (`DataRecord`) is only: the newest data timestamp, when the first
data was seen, the last answer's error class and request_id, and when it was checked —
never positions or any other value the car sent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from fleettui.core.data_answer import DataReading
from fleettui.core.data_texts import DATA_TEXTS
from fleettui.core.data_thresholds import DEFAULT_THRESHOLDS, Thresholds
from fleettui.core.reasons import Actor
from fleettui.core.timings import approx


class DataState(StrEnum):
    UNCHECKED = "unchecked"  # never checked
    NONE = "none"  # approved, no data yet
    FLOWING = "flowing"
    SILENT = "silent"  # had data, nothing for longer than the brand's threshold
    PRIVACY = "privacy"  # blocked: privacy mode
    CONSENT = "consent"  # blocked: consent removed by the OEM
    NO_CONSENT = "no_consent"  # no active consent
    UNCHECKABLE = "uncheckable"  # scope missing, brand not covered, rate limited


BLOCKED = frozenset({DataState.PRIVACY, DataState.CONSENT, DataState.NO_CONSENT})
#: Why a vehicle is not checkable.
UNCHECKABLE_WHY = ("scope", "brand", "rate_limited")
#: `/` filter words (`data:WORD`) and the states each selects.
FILTER_WORDS: dict[str, frozenset[DataState]] = {
    **{s.value: frozenset({s}) for s in DataState},
    "blocked": BLOCKED,
    "ok": frozenset({DataState.FLOWING}),
    "missing": frozenset({DataState.NONE, DataState.SILENT, *BLOCKED}),
}

_ACTORS: dict[str, Actor] = {
    "unchecked": Actor.FLEET_OPERATOR,
    "none": Actor.DRIVER,
    "flowing": Actor.NOBODY_WAIT,
    "silent": Actor.DRIVER,
    "privacy": Actor.DRIVER,
    "consent": Actor.FLEET_OPERATOR,
    "no_consent": Actor.FLEET_OPERATOR,
    "uncheckable:scope": Actor.FLEET_OPERATOR,
    "uncheckable:brand": Actor.NOBODY_WAIT,
    "uncheckable:rate_limited": Actor.NOBODY_WAIT,
}


@dataclass(frozen=True, slots=True)
class DataInfo:
    key: str
    title: str
    meaning: str
    steps: tuple[str, ...]
    next: str
    actor: Actor


DATA_CATALOGUE: dict[str, DataInfo] = {
    key: DataInfo(key, title, meaning, steps, nxt, _ACTORS[key])
    for key, (title, meaning, steps, nxt) in DATA_TEXTS.items()
}


@dataclass(frozen=True, slots=True)
class DataRecord:
    vin: str
    state: DataState
    #: Newest data timestamp ever seen (the car's clock as the provider reports it).
    newest: datetime | None = None
    #: The newest timestamp of the first answer that had data (an upper bound of the
    #: first data's time: checks are spaced out).
    first_data: datetime | None = None
    checked_at: datetime | None = None
    #: The last answer's error class (`core.data_answer.ERROR_CLASSES`), None if data.
    error: str | None = None
    request_id: str | None = None
    #: For UNCHECKABLE: "scope", "brand" or "rate_limited".
    why: str | None = None

    @property
    def key(self) -> str:
        return (
            f"uncheckable:{self.why}"
            if self.state is DataState.UNCHECKABLE and self.why in UNCHECKABLE_WHY
            else self.state.value
        )

    @property
    def info(self) -> DataInfo:
        return DATA_CATALOGUE.get(self.key, DATA_CATALOGUE["uncheckable:rate_limited"])


def _by_age(newest: datetime | None, now: datetime, silence: float) -> DataState:
    if newest is None:
        return DataState.NONE
    return DataState.SILENT if (now - newest).total_seconds() > silence else DataState.FLOWING


def current_state(
    record: DataRecord | None,
    brand: str | None,
    now: datetime,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> DataState:
    """The state as of `now`: a car recorded as flowing whose newest data grew older
    than its brand's silence threshold is silent, without asking anyone."""
    if record is None:
        return DataState.UNCHECKED
    if record.state is DataState.FLOWING:
        return _by_age(record.newest, now, thresholds.for_brand(brand).silence_seconds)
    return record.state


def next_record(
    prev: DataRecord | None,
    vin: str,
    brand: str | None,
    reading: DataReading,
    now: datetime,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> DataRecord:
    """The vehicle's record after one answer (pure)."""
    silence = thresholds.for_brand(brand).silence_seconds
    newest = prev.newest if prev is not None else None
    first = prev.first_data if prev is not None else None
    base = DataRecord(vin, DataState.NONE, newest, first, now, reading.error, reading.request_id)
    err = reading.error
    if err is None:
        if reading.newest is not None and (newest is None or reading.newest > newest):
            newest = reading.newest
        first = first or newest
        return replace(base, state=_by_age(newest, now, silence), newest=newest, first_data=first)
    if err == "privacy":
        return replace(base, state=DataState.PRIVACY)
    if err == "consent_removed":
        return replace(base, state=DataState.CONSENT)
    if err == "no_consent":
        return replace(base, state=DataState.NO_CONSENT)
    if err == "scope_missing":
        return replace(base, state=DataState.UNCHECKABLE, why="scope")
    if err == "pending":
        return replace(base, state=_by_age(newest, now, silence))
    # Offline, rate limited, server, network, bad answer: the answer says nothing new
    # about the data; the state stays what it was (aged), the error is noted.
    if prev is None or prev.state in (DataState.UNCHECKED, DataState.UNCHECKABLE):
        if err == "rate_limited":
            return replace(base, state=DataState.UNCHECKABLE, why="rate_limited")
        return replace(base, state=DataState.NONE)
    state: DataState = prev.state
    if state in (DataState.FLOWING, DataState.SILENT, DataState.NONE):
        state = _by_age(newest, now, silence)
    return replace(base, state=state)


class DataLookup:
    """Where the `/` filter's `data:` terms find a row's data state: the monitor's data
    checks register `source` (vin, brand) -> DataState; without one, every approved car
    is unchecked."""

    def __init__(self) -> None:
        self.source: Callable[[str, str], DataState] | None = None

    def state(self, row: Any) -> DataState:
        source = self.source
        return DataState.UNCHECKED if source is None else source(row.vin, row.brand)


#: The one lookup (set by fleettui.monitor.data_monitor while it runs).
DATA_LOOKUP = DataLookup()


def brand_not_covered(vin: str, now: datetime) -> DataRecord:
    return DataRecord(vin, DataState.UNCHECKABLE, checked_at=now, why="brand")


@dataclass(frozen=True, slots=True)
class DataDetail:
    """What the detail pane shows about an approved vehicle's data."""

    state: DataState
    record: DataRecord | None
    cell: str

    @property
    def info(self) -> DataInfo:
        if self.record is not None and self.state is self.record.state:
            return self.record.info
        return DATA_CATALOGUE.get(self.state.value, DATA_CATALOGUE["unchecked"])


def _ago(seconds: float) -> str:
    s = max(0.0, seconds)
    if s < 3600:
        return f"{max(1, int(s // 60))}m"
    if s < 2 * 86400:
        return f"{int(s // 3600)}h"
    return f"{int(s // 86400)}d"


def cell_text(
    state: DataState, record: DataRecord | None, approved: datetime | None, now: datetime
) -> str:
    """The Data column, readable without colour: `✓ 2h`, `… 3d, none yet`,
    `⊘ privacy`, `✗ consent`, `! silent 4d`, `✗ no consent`, `? brand`, `- unchecked`."""
    if state is DataState.FLOWING or state is DataState.SILENT:
        newest = record.newest if record is not None else None
        age = _ago((now - newest).total_seconds()) if newest is not None else "?"
        return f"✓ {age}" if state is DataState.FLOWING else f"! silent {age}"
    if state is DataState.NONE:
        if approved is None:
            return "… none yet"
        return f"… {_ago((now - approved).total_seconds())}, none yet"
    if state is DataState.PRIVACY:
        return "⊘ privacy"
    if state is DataState.CONSENT:
        return "✗ consent"
    if state is DataState.NO_CONSENT:
        return "✗ no consent"
    if state is DataState.UNCHECKABLE:
        why = record.why if record is not None else None
        return {"scope": "? no scope", "brand": "? brand", "rate_limited": "? limited"}.get(
            why or "", "? not checkable"
        )
    return "- unchecked"


def overdue_label(seconds: float) -> str:
    """'~3 d'-style text for estimates (always '~': the thresholds are estimates)."""
    return f"~{approx(seconds)}"


#: History words for the changes worth telling (both ways), keyed (old, new).
def change_words(old: DataState | None, new: DataState, had_data_before: bool) -> str | None:
    """What to record when the state moved from `old` to `new`; None: not worth an event."""
    if old is new or new in (DataState.UNCHECKED, DataState.UNCHECKABLE):
        return None
    if new is DataState.FLOWING:
        if not had_data_before:
            return "first data"
        return "data flowing again"
    if new is DataState.NONE:
        return None if old in (None, DataState.UNCHECKED, DataState.UNCHECKABLE) else "no data yet"
    return {
        DataState.SILENT: "silent",
        DataState.PRIVACY: "privacy mode blocks data",
        DataState.CONSENT: "consent removed by the OEM blocks data",
        DataState.NO_CONSENT: "no active consent for this vehicle",
    }[new]
