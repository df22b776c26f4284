"""One table row per vehicle, built cheaply from the compact form (or an API object).

The second of the refresh's two steps, compact form -> row (the first, raw answer ->
compact form, is `fleettui.core.compact`); nothing here calls back into that module:
`expand` (a compact form as the API's dict again, for `Vehicle` and exports) lives here.

Building a full `Vehicle` costs ~15 µs (timestamps parsed, changelog sorted); at 100,000
vehicles that alone breaks the first-paint budget. A `Row` reads only what the table
needs straight from the dict (its reason and state start through
`fleettui.core.changelog_reader`) and keeps the dict; the `Vehicle` is parsed on demand (the
detail pane asks for one vehicle at a time). Rows are never changed after they are
published, except for caching values derived from their own immutable source.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from fleettui.core.brands import BRANDS, brand_info
from fleettui.core.changelog_reader import STATES, compact_log, fast_log
from fleettui.core.states import STATE_ORDER, State
from fleettui.core.timefmt import format_ts
from fleettui.core.vehicle import Vehicle, tag_texts

if TYPE_CHECKING:
    from fleettui.core.compact import Compact

STATE_RANK = {s: i for i, s in enumerate(STATE_ORDER)}
BRAND_DISPLAY = {code: b.display for code, b in BRANDS.items()}


_UNSET: Any = object()
#: id(tags dict) -> (the dict, its text): vehicles share their tags dict (see
#: fleettui.core.compact), so they share its text too (~100 bytes a vehicle). The entry
#: holds the dict, so its id cannot be reused while the entry exists.
_TAG_TEXTS: dict[int, tuple[dict[str, str], str]] = {}


def _tags_text(tags: dict[str, str]) -> str:
    found = _TAG_TEXTS.get(id(tags))
    if found is not None and found[0] is tags:
        return found[1]
    text = " ".join(f"{k}={v}" for k, v in tags.items())
    if len(_TAG_TEXTS) < 50_000:
        _TAG_TEXTS[id(tags)] = (tags, text)
    return text


class Row:
    """What the table shows for one vehicle, plus its source for the detail pane.

    VIN, brand and state are read when the row is built; reason and the start of the
    state are read from the changelog on first use (first paint needs only the visible
    rows). Lazily cached values derive from the row's own immutable source."""

    __slots__ = (
        "vin",
        "brand",
        "status",
        "state",
        "src",
        "version",
        "_reason",
        "_since",
        "_tags_text",
        "_search",
        "_vehicle",
    )

    def __init__(
        self,
        vin: str,
        brand: str,
        status: str,
        state: State,
        src: Any,
        version: int,
        vehicle: Vehicle | None = None,
    ):
        self.vin = vin
        self.brand = brand
        self.status = status
        self.state = state
        self.src = src
        self.version = version
        self._reason: str | None = _UNSET
        self._since: str | None = _UNSET
        self._tags_text: str | None = None
        self._search: str | None = None
        self._vehicle = vehicle

    def __repr__(self) -> str:
        return f"Row({self.vin!r}, {self.state.value}, v{self.version})"

    @property
    def reason(self) -> str | None:
        """The current pending or rejection reason (as `Vehicle.reason`)."""
        if self._reason is _UNSET:
            self._read_log()
        return self._reason

    @property
    def since(self) -> str | None:
        """When the current state began, 'YYYY-MM-DDTHH:MM:SS' UTC (sorts as text)."""
        if self._since is _UNSET:
            self._read_log()
        return self._since

    def warm(self) -> None:
        """Compute every lazy value now (on a worker, so later sorts and filters are fast)."""
        if self._since is _UNSET:
            self._read_log()
        if self._search is None:
            self.search  # noqa: B018

    def _read_log(self) -> None:
        src = self.src
        kind = type(src)
        found = (
            compact_log(src[4], self.status)
            if kind is tuple
            else fast_log(src, self.status)
            if kind is dict
            else None
        )
        if found is None:
            v = self.vehicle
            since = v.state_since
            found = (v.reason, format_ts(since)[:19] if since is not None else None)
        self._reason, self._since = found

    @property
    def tags(self) -> dict[str, str]:
        src = self.src
        if type(src) is tuple:
            return src[3] or {}
        tags = src.get("tags") if type(src) is dict else src.tags
        return tag_texts(tags) if isinstance(tags, dict) else {}

    @property
    def tags_text(self) -> str:
        text = self._tags_text
        if text is None:
            tags = self.tags
            text = self._tags_text = (
                _tags_text(tags)
                if type(self.src) is tuple  # shared
                else " ".join(f"{k}={v}" for k, v in tags.items())
            )
        return text

    @property
    def search(self) -> str:
        text = self._search
        if text is None:
            display = BRAND_DISPLAY.get(self.brand, "")
            text = f"{self.vin} {self.brand} {display} {self.reason or ''} {self.tags_text}"
            text = self._search = text.lower()
        return text

    @property
    def fast_path(self) -> bool:
        """True while nothing about this row needed the full `Vehicle` parse (its source
        is the plain API shape, its history sorted with UTC timestamps)."""
        return self._vehicle is None

    @property
    def vehicle(self) -> Vehicle:
        v = self._vehicle
        if v is None:
            src = self.src
            v = self._vehicle = Vehicle.from_api(expand(src) if type(src) is tuple else src)
        return v

    def to_api(self) -> dict[str, Any]:
        """The vehicle in the API's shape, without parsing a Vehicle (cheap exports)."""
        src = self.src
        if type(src) is tuple:
            return expand(src)
        return dict(src) if type(src) is dict else src.to_api()

    @property
    def brand_display(self) -> str:
        return BRAND_DISPLAY.get(self.brand) or brand_info(self.brand).display

    def since_dt(self) -> datetime | None:
        since = self.since
        if since is None:
            return None
        try:
            return datetime.fromisoformat(since).replace(tzinfo=UTC)
        except ValueError:  # never from the parsers above; a row is data, never a crash
            return None

    def seconds_in_state(self, now: datetime) -> float | None:
        since = self.since_dt()
        return None if since is None else (now - since).total_seconds()


def row_from_vehicle(v: Vehicle, version: int) -> Row:
    row = Row(v.vin, v.brand, v.status, v.state, v, version, v)
    since = v.state_since
    row._reason = v.reason
    row._since = format_ts(since)[:19] if since is not None else None
    return row


def build_row(obj: Any, version: int) -> Row | None:
    """A Row from an API dict (or a Vehicle, or a compact copy); None without a VIN."""
    if type(obj) is not dict:
        if type(obj) is tuple and len(obj) == 5:
            return row_from_compact(obj, version)
        if isinstance(obj, Vehicle):
            return row_from_vehicle(obj, version)
        return None
    vin = obj.get("vin")
    status = obj.get("status")
    brand = obj.get("brand")
    state = STATES.get(status) if type(status) is str else None
    # Any white space around the VIN (not only spaces: also \x1c-\x1f, NBSP...) takes the
    # slow path, which strips it as `compact.kept` does: one key per VIN whatever the form.
    if (
        state is None
        or type(status) is not str
        or type(vin) is not str
        or not vin
        or vin != vin.strip()
        or type(brand) is not str
        or brand != brand.strip().lower()
    ):
        return _slow_row(obj, version)
    return Row(vin, brand, status, state, obj, version)


def row_from_compact(c: Compact, version: int) -> Row | None:
    """A Row over a compact copy (see fleettui.core.compact)."""
    status = c[1]
    state = STATES.get(status)
    brand = c[2]
    if state is None or not c[0] or c[0] != c[0].strip() or brand != brand.strip().lower():
        return _slow_row(c, version)
    return Row(c[0], brand, status, state, c, version)


def expand(c: Compact) -> dict[str, Any]:
    """The API dict again (for `Vehicle.from_api` and exports)."""
    log = []
    for ts, st, why in c[4]:
        entry = {"timestamp": ts, "status": st}
        if why is not None:
            entry["reason"] = why
        log.append(entry)
    return {"vin": c[0], "status": c[1], "brand": c[2], "tags": dict(c[3] or {}), "changelog": log}


def _slow_row(obj: Any, version: int) -> Row | None:
    """Exact parse through Vehicle for anything unusual (odd VIN, brand or status)."""
    try:
        v = Vehicle.from_api(expand(obj) if type(obj) is tuple else obj)
    except ValueError:
        return None
    row = row_from_vehicle(v, version)
    row.src = obj
    return row
