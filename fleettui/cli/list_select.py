"""What `fleettui list` selects and in which order, and `list --watch`.

The provider filters by state, brand, VIN and exact tag values (one request). The rest is
applied here, with the monitor's own filter language (:mod:`fleettui.core.query`), so the
shell and the `/` box accept the same terms:

- ``--tag depot`` (any value) is ``tag:depot``; ``--tag depot=berlin`` goes to the provider.
- ``--older-than 7d`` / ``--newer-than 2h`` are ``age>7d`` / ``age<2h`` (time in state,
  measured from the provider's clock at the fetch).
- ``--filter 'QUERY'`` is any `/` query (``"privacy mode" -brand:bmw age>3d``).
- ``--sort vin|brand|state|reason|age`` (``age``: longest in its state first), ``--reverse``.

``--watch [SECONDS]`` fetches again every SECONDS (default 15, at least 5) and prints the
list again only when the selected vehicles changed; Ctrl-C ends it (exit 0).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from fleettui.api.errors import ApiError
from fleettui.api.filters import STORED_STATUSES
from fleettui.cli.common import EXIT_OK, UsageError, error
from fleettui.core.query import Query, parse_query
from fleettui.core.query_terms import state_problem
from fleettui.core.rows import build_row
from fleettui.core.sorting import sort_rows
from fleettui.core.states import STATE_ORDER
from fleettui.core.timefmt import format_ts, parse_duration

SORTS = ("vin", "brand", "state", "reason", "age")
WATCH_DEFAULT = 15.0
WATCH_MIN = 5.0
#: Errors a watch rides out (the next fetch may work); any other error ends it.
_TRANSIENT = ("network", "rate_limit", "server")


def state_arg(value: str) -> str:
    """``--state`` values: a state or a unique prefix; 'did you mean' on a typo."""
    part = value.strip().lower()
    problem = state_problem(part)
    if problem is None:
        names = [s.value for s in STATE_ORDER]
        full = part if part in names else next(n for n in names if n.startswith(part))
        if full in STORED_STATUSES:
            return full
        problem = f"'{part}' is never a stored state; use one of: {', '.join(STORED_STATUSES)}"
    raise argparse.ArgumentTypeError(problem.replace(", error, unknown", ""))


def duration_arg(value: str) -> float:
    try:
        return parse_duration(value)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def watch_arg(value: str) -> float:
    seconds = duration_arg(value) if not value.replace(".", "").isdigit() else float(value)
    if seconds < WATCH_MIN:
        raise argparse.ArgumentTypeError(
            f"every {value} is too often; at least {WATCH_MIN:g} seconds"
        )
    return seconds


def add_selection_arguments(lst: argparse.ArgumentParser) -> None:
    pick = lst.add_argument_group("selecting and ordering (applied after the fetch)")
    pick.add_argument(
        "--older-than",
        type=duration_arg,
        metavar="AGE",
        help="only vehicles in their state longer than AGE (90s, 15m, 2h, 7d, 2w)",
    )
    pick.add_argument(
        "--newer-than",
        type=duration_arg,
        metavar="AGE",
        help="only vehicles in their state less than AGE",
    )
    pick.add_argument(
        "--filter",
        metavar="QUERY",
        help='a filter in the monitor\'s / syntax, e.g. "privacy age>3d -brand:bmw"',
    )
    pick.add_argument(
        "--sort",
        choices=SORTS,
        default="vin",
        help="order by this column; age: longest in its state first",
    )
    pick.add_argument("--reverse", action="store_true", help="reverse the order")
    lst.add_argument(
        "--watch",
        nargs="?",
        type=watch_arg,
        const=WATCH_DEFAULT,
        metavar="SECONDS",
        help=f"keep fetching every SECONDS (default {WATCH_DEFAULT:g}) and print "
        "again when the list changes; Ctrl-C stops",
    )


def _seconds_text(seconds: float) -> str:
    """An age in seconds as the query language takes it: never in exponent form ('2w' as
    `{:g}` is '1.2096e+06', which the query refused as no duration)."""
    return f"{seconds:f}".rstrip("0").rstrip(".") + "s"


def local_query(args: argparse.Namespace, tag_keys: Sequence[str]) -> Query:
    """The terms applied after the fetch, as one query in the `/` syntax."""
    terms = [f"tag:{k}" for k in tag_keys]
    if args.older_than is not None:
        terms.append(f"age>{_seconds_text(args.older_than)}")
    if args.newer_than is not None:
        terms.append(f"age<{_seconds_text(args.newer_than)}")
    q = parse_query(" ".join(terms))
    if args.filter:
        own = parse_query(args.filter)
        if own.error is not None:
            raise UsageError(f"--filter: {own.error}")
        q = parse_query(f"{' '.join(terms)} {args.filter}".strip())
    if q.error is not None:  # a tag key with a quote or space in it
        raise UsageError(q.error)
    return q


def select(
    raw: list[dict[str, Any]], query: Query, sort: str, reverse: bool, now: datetime | None
) -> list[dict[str, Any]]:
    """The fetched objects that match `query`, in the order asked for (ties by VIN)."""
    rows = [r for r in (build_row(obj, 0) for obj in raw) if r is not None]
    rows.sort(key=lambda r: r.vin)
    if not query.is_empty:
        rows = query.filter(rows, now)
    if sort == "age":
        ordered = sort_rows(rows, "time", not reverse)
    else:
        ordered = sort_rows(rows, sort, reverse)
    return [r.src for r in ordered]


def _fingerprint(raw: list[dict[str, Any]]) -> str:
    data = json.dumps(raw, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8", "replace")).hexdigest()


def watch(
    fetch: Callable[[], tuple[list[dict[str, Any]], datetime]],
    show: Callable[[list[dict[str, Any]], datetime], None],
    every: float,
    sleep: Callable[[float], None] | None = None,
) -> int:
    """Print `show` now and again whenever the fetched selection changes; Ctrl-C ends
    it cleanly. Transient provider errors are said once and ridden out."""
    last: str | None = None
    last_error: str | None = None
    clear = sys.stdout.isatty()
    try:
        while True:
            try:
                raw, now = fetch()
            except ApiError as e:
                if e.category not in _TRANSIENT:
                    raise
                if str(e) != last_error:
                    error(f"{e} (still watching: the next try is in {every:g}s)")
                last_error = str(e)
            else:
                if last_error is not None:
                    error("the provider answers again")
                last_error = None
                key = _fingerprint(raw)
                if key != last:
                    if clear:
                        sys.stdout.write("\x1b[H\x1b[2J")
                    print(
                        f"--- {format_ts(now)}: {len(raw)} vehicle(s); every {every:g}s, "
                        "printed again on a change; Ctrl-C stops",
                        file=sys.stderr,
                    )
                    show(raw, now)
                    sys.stdout.flush()
                    last = key
            (sleep or time.sleep)(every)
    except KeyboardInterrupt:
        return EXIT_OK
