"""Statistics after approval (issue 19): time from approval to first data per brand
(median, p90) beside the time to approval, and the share of approved cars with data.

The first data's time is that of the "first data" history event (source ``data``: the
newest timestamp of the first answer that had data, an upper bound since checks are
spaced out), measured from the vehicle's newest approval before it. Without a history,
the recorded data states and the fleet's approval times serve.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from fleettui.core.data_states import DataRecord
from fleettui.core.states import State
from fleettui.triage.queues import row_since
from fleettui.triage.stats import percentile


@dataclass(frozen=True, slots=True)
class DataBrandStats:
    brand: str
    #: Approved vehicles now, and how many of them ever sent data.
    approved: int
    with_data: int
    #: Seconds from approval to first data.
    median: float | None
    p90: float | None
    samples: int

    @property
    def share(self) -> float | None:
        return self.with_data / self.approved if self.approved else None

    def to_json(self) -> dict[str, Any]:
        def sec(v: float | None) -> int | None:
            return None if v is None else int(v)

        return {
            "brand": self.brand,
            "approved": self.approved,
            "with_data": self.with_data,
            "share_with_data": self.share,
            "first_data_seconds_median": sec(self.median),
            "first_data_seconds_p90": sec(self.p90),
            "first_data_samples": self.samples,
        }


def _from_history(store: Any) -> dict[str, list[float]]:
    approvals: dict[str, list[float]] = defaultdict(list)
    for vin, at in store.query(
        "SELECT vin, at FROM events WHERE new_state = 'approved' AND at IS NOT NULL "
        "AND source IN ('changelog', 'diff') ORDER BY at"
    ):
        approvals[vin].append(at)
    out: dict[str, list[float]] = defaultdict(list)
    for vin, brand, at in store.query(
        "SELECT vin, brand, at FROM events WHERE source = 'data' AND "
        "reason = 'first data' AND at IS NOT NULL"
    ):
        before = [a for a in approvals.get(vin, ()) if a <= at]
        if before:
            out[brand].append(at - before[-1])
    return out


def data_stats(
    rows: Iterable[Any], records: Mapping[str, DataRecord], store: Any = None
) -> tuple[DataBrandStats, ...]:
    approved: dict[str, int] = defaultdict(int)
    with_data: dict[str, int] = defaultdict(int)
    fallback: dict[str, list[float]] = defaultdict(list)
    for row in rows:
        if row.state is not State.APPROVED:
            continue
        approved[row.brand] += 1
        record = records.get(row.vin)
        if record is None or record.newest is None:
            continue
        with_data[row.brand] += 1
        since = row_since(row)
        if record.first_data is not None and since is not None and record.first_data >= since:
            fallback[row.brand].append((record.first_data - since).total_seconds())
    durations = _from_history(store) if store is not None and store.available else fallback
    out = []
    for brand in sorted(set(approved) | set(durations)):
        ds = sorted(durations.get(brand, ()))
        out.append(
            DataBrandStats(
                brand,
                approved.get(brand, 0),
                with_data.get(brand, 0),
                statistics.median(ds) if ds else None,
                percentile(ds, 90),
                len(ds),
            )
        )
    out.sort(key=lambda b: (-b.approved, b.brand))
    return tuple(out)
