"""Statistics worth a glance: time from added to approved per brand (median, p90),
approval and rejection rates per brand, the pending age distribution, and the daily count
of transitions for the last weeks.

From the history file when there is one (it holds every changelog entry ever seen, so
vehicles removed since still count), else from the changelogs of the fleet in hand.
Only events with the provider's own timestamp are counted (changelog entries, and diffs
matched to one), so a change seen twice — by two processes, or as a webhook and in a
changelog — counts once.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fleettui.core.states import State
from fleettui.history.recorder import changelog_of
from fleettui.history.store import HistoryStore

DAY = 86400.0
#: Pending age buckets: (label, upper bound in days).
AGE_BUCKETS: tuple[tuple[str, float], ...] = (
    ("< 1 d", 1),
    ("1-3 d", 3),
    ("3-7 d", 7),
    ("7-10 d", 10),
    ("≥ 10 d", math.inf),
)
_COUNTED = "source IN ('changelog', 'diff') AND at IS NOT NULL"


@dataclass(frozen=True, slots=True)
class BrandStats:
    brand: str
    approved: int
    rejected: int
    #: Seconds from added to approved.
    median: float | None
    p90: float | None
    samples: int

    @property
    def decided(self) -> int:
        return self.approved + self.rejected

    @property
    def approval_rate(self) -> float | None:
        return self.approved / self.decided if self.decided else None

    @property
    def rejection_rate(self) -> float | None:
        return self.rejected / self.decided if self.decided else None


@dataclass(frozen=True, slots=True)
class Stats:
    now: datetime
    brands: tuple[BrandStats, ...]
    pending_ages: tuple[tuple[str, int], ...]
    #: (day, {state: transitions into it}) for the last `days` days, oldest first.
    daily: tuple[tuple[date, dict[str, int]], ...]
    days: int
    source: str  # "history" | "changelogs"
    #: After approval (triage.data_stats.DataBrandStats): first data per brand, share
    #: with data; () when no data states are recorded.
    data: tuple[Any, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The stable shape of `fleettui stats --json` (documented in the README)."""

        def sec(v: float | None) -> int | None:
            return None if v is None else int(v)

        return {
            "now": self.now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "source": self.source,
            "brands": [
                {
                    "brand": b.brand,
                    "approved": b.approved,
                    "rejected": b.rejected,
                    "approval_rate": b.approval_rate,
                    "rejection_rate": b.rejection_rate,
                    "approval_seconds_median": sec(b.median),
                    "approval_seconds_p90": sec(b.p90),
                    "approval_samples": b.samples,
                }
                for b in self.brands
            ],
            "pending_ages": [{"bucket": label, "vehicles": n} for label, n in self.pending_ages],
            "daily": [
                {"day": d.isoformat(), "transitions": sum(c.values()), "by_state": c}
                for d, c in self.daily
            ],
            "data": [b.to_json() for b in self.data],
        }


def percentile(sorted_values: list[float], p: float) -> float | None:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def _pending_ages(rows: Iterable[Any], now: datetime) -> tuple[tuple[str, int], ...]:
    counts = dict.fromkeys((label for label, _ in AGE_BUCKETS), 0)
    for row in rows:
        if row.state is not State.PENDING:
            continue
        since = row.since_dt() if hasattr(row, "since_dt") else row.state_since
        if since is None:
            continue
        days = (now - since).total_seconds() / DAY
        for label, upper in AGE_BUCKETS:
            if days < upper:
                counts[label] += 1
                break
    return tuple(counts.items())


def _brand_stats(
    durations: dict[str, list[float]], verdicts: dict[str, Counter]
) -> tuple[BrandStats, ...]:
    out = []
    for brand in set(durations) | set(verdicts):
        ds = sorted(durations.get(brand, ()))
        v = verdicts.get(brand, Counter())
        out.append(
            BrandStats(
                brand,
                v["approved"],
                v["rejected"],
                statistics.median(ds) if ds else None,
                percentile(ds, 90),
                len(ds),
            )
        )
    out.sort(key=lambda b: (-b.decided, b.brand))
    return tuple(out)


def _days(
    daily: dict[int, Counter], now: datetime, days: int
) -> tuple[tuple[date, dict[str, int]], ...]:
    today = int(now.timestamp() // DAY)
    return tuple(
        (datetime.fromtimestamp(d * DAY, UTC).date(), dict(daily.get(d, {})))
        for d in range(today - days + 1, today + 1)
    )


def stats_from_history(
    store: HistoryStore, rows: Iterable[Any], now: datetime, days: int = 28
) -> Stats:
    """Two queries: one pass over the verdicts and the additions that precede them (a
    window over each VIN's events, read in table order and sorted: a year for 100,000
    vehicles is ~1.3 M events), and a time range for the daily counts."""
    durations: dict[str, list[float]] = defaultdict(list)
    verdicts: dict[str, Counter] = defaultdict(Counter)
    for brand, state, took, prev in store.query(
        f"WITH t AS (SELECT vin, brand, at, new_state FROM events NOT INDEXED "
        f"WHERE {_COUNTED} AND new_state IN ('pending', 'approved', 'rejected') "
        f"AND (old_state IS NULL OR old_state != new_state)), "
        f"w AS (SELECT brand, new_state, at - lag(at) OVER win AS took, "
        f"lag(new_state) OVER win AS prev FROM t "
        f"WINDOW win AS (PARTITION BY vin ORDER BY at)) "
        f"SELECT brand, new_state, took, prev FROM w WHERE new_state != 'pending'"
    ):
        verdicts[brand][state] += 1
        if state == "approved" and prev == "pending" and took is not None and took >= 0:
            durations[brand].append(took)
    start = (now - timedelta(days=days)).timestamp()
    daily: dict[int, Counter] = defaultdict(Counter)
    for day, state, n in store.query(
        f"SELECT CAST(at / 86400 AS INTEGER), new_state, count(*) FROM events "
        f"WHERE at >= ? AND (old_state IS NULL OR old_state != new_state) AND {_COUNTED} "
        f"GROUP BY 1, 2",
        (start,),
    ):
        daily[day][state] = n
    return Stats(
        now,
        _brand_stats(durations, verdicts),
        _pending_ages(rows, now),
        _days(daily, now, days),
        days,
        "history",
    )


def stats_from_changelogs(rows: list[Any], now: datetime, days: int = 28) -> Stats:
    durations: dict[str, list[float]] = defaultdict(list)
    verdicts: dict[str, Counter] = defaultdict(Counter)
    daily: dict[int, Counter] = defaultdict(Counter)
    start = (now - timedelta(days=days)).timestamp()
    for row in rows:
        added = None
        prev = None
        for at, status, _ in changelog_of(row):
            if at is None or not status or status == prev:
                prev = status or prev
                continue
            t = at.timestamp()
            if status == "pending":
                added = t
            elif status in ("approved", "rejected"):
                verdicts[row.brand][status] += 1
                if status == "approved" and added is not None and t >= added:
                    durations[row.brand].append(t - added)
            if t >= start:
                daily[int(t // DAY)][status] += 1
            prev = status
    return Stats(
        now,
        _brand_stats(durations, verdicts),
        _pending_ages(rows, now),
        _days(daily, now, days),
        days,
        "changelogs",
    )


def compute_stats(
    store: HistoryStore | None, rows: list[Any], now: datetime, days: int = 28
) -> Stats:
    if store is not None and store.available:
        return stats_from_history(store, rows, now, days)
    return stats_from_changelogs(rows, now, days)
