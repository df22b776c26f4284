"""One term of the `/` filter (`core/query.py`): the values each field takes, the
sentence a mistake gets, and the test (a predicate on a row) each term makes.

Rows are matched through their `state`, `brand`, `tags`, `vin`, `since` and `search`
attributes; `claimed:` terms ask a `ClaimLookup` (the monitor's desk mirror), live.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from fleettui.core.brands import BRANDS, GROUPS, brand_group_key, similar_brands
from fleettui.core.states import STATE_ORDER, State
from fleettui.core.timefmt import parse_duration

if TYPE_CHECKING:  # loaded by a data: term (`fleettui list` need not load the data states)
    from fleettui.core.data_states import DataState

Predicate = Callable[[Any], bool]


class ClaimLookup(Protocol):
    """Who holds a vehicle on the shared desk (the monitor's live mirror of it)."""

    @property
    def me(self) -> str: ...

    def claimed_by(self, vin: str) -> str | None: ...


NO_DESK = "claimed: needs a shared desk: start the monitor with --desk (see `fleettui desk init`)"


_GROUP_KEYS = {brand_group_key(g): g for g in GROUPS}
_AGE = re.compile(r"(?:age|time|in_state):?(>=|<=|>|<|=)?(.*)", re.IGNORECASE)
_AGE_EXAMPLE = "age>7d (in this state longer than 7 days) or age<2h"

#: An age term: (operator, seconds, negated).
AgeTerm = tuple[str, float, bool]


class QueryError(ValueError):
    pass


def did_you_mean(names: list[str]) -> str:
    return f"did you mean {' or '.join(names)}?" if names else ""


def state_problem(part: str) -> str | None:
    """None for a state name or unique prefix, else the sentence a person reads."""
    exact = [s for s in STATE_ORDER if s.value == part]
    found = exact or [s for s in STATE_ORDER if s.value.startswith(part)]
    if len(found) == 1:
        return None
    names = [s.value for s in STATE_ORDER]
    if found:
        return f"'{part}' matches several states ({', '.join(s.value for s in found)}); type more of it"
    hint = did_you_mean(difflib.get_close_matches(part, names, n=2, cutoff=0.6))
    return f"'{part}' is not a state; {hint + ' ' if hint else ''}use one of: {', '.join(names)}"


def state_values(value: str) -> frozenset[State]:
    out: set[State] = set()
    for part in filter(None, value.lower().split(",")):
        problem = state_problem(part)
        if problem is not None:
            raise QueryError(problem)
        exact = [s for s in STATE_ORDER if s.value == part]
        out.add((exact or [s for s in STATE_ORDER if s.value.startswith(part)])[0])
    if not out:
        raise QueryError("state: needs a value, e.g. state:pending")
    return frozenset(out)


def brand_values(value: str) -> frozenset[str]:
    out: set[str] = set()
    for part in filter(None, value.lower().split(",")):
        match = [c for c, b in BRANDS.items() if part in (c, b.display.lower())]
        if not match:
            group = _GROUP_KEYS.get(brand_group_key(part))
            if group is not None:
                some = ", ".join(f"brand:{c}" for c in GROUPS[group][:3])
                raise QueryError(
                    f"'{part}' is a brand group, not a brand; use group:"
                    f"{brand_group_key(group)} (or one brand: {some})"
                )
            hint = did_you_mean(similar_brands(part, limit=3))
            raise QueryError(
                f"'{part}' is not a brand; "
                + (hint or f"use a brand code: {', '.join(sorted(BRANDS))}")
            )
        out.add(match[0])
    if not out:
        raise QueryError("brand: needs a value, e.g. brand:bmw")
    return frozenset(out)


def group_values(value: str) -> frozenset[str]:
    out: set[str] = set()
    for part in filter(None, value.split(",")):
        group = _GROUP_KEYS.get(brand_group_key(part))
        if group is None:
            keys = sorted(_GROUP_KEYS)
            if part.lower() in BRANDS:
                own = brand_group_key(BRANDS[part.lower()].group)
                raise QueryError(
                    f"'{part}' is a brand, not a group; use brand:{part.lower()} "
                    f"(its group is group:{own})"
                )
            hint = did_you_mean(difflib.get_close_matches(brand_group_key(part), keys, n=2))
            raise QueryError(
                f"'{part}' is not a brand group; {hint + ' ' if hint else ''}"
                f"use one of: {', '.join(keys)}"
            )
        out.update(GROUPS[group])
    if not out:
        raise QueryError("group: needs a value, e.g. group:stellantis")
    return frozenset(out)


def tag_predicate(value: str) -> Predicate:
    key, sep, want = value.partition("=")
    key = key.strip().lower()
    if not key:
        raise QueryError("tag: needs a key, e.g. tag:fleet=north or tag:vip")
    want = want.strip().lower()

    def has_tag(row: Any) -> bool:
        for k, v in row.tags.items():
            if k.lower() == key and (not sep or str(v).lower() == want):
                return True
        return False

    return has_tag


def age_term(body: str, negate: bool) -> AgeTerm | None:
    """`age>7d` / `age<2h` / `age>=1d12h`; None when `body` is not an age term at all."""
    m = _AGE.fullmatch(body)
    if m is None or not (m.group(1) or body.lower().startswith(("age:", "age="))):
        return None
    op, value = m.group(1), m.group(2).strip()
    if op in (None, "="):
        raise QueryError(f"'{body}': say longer or shorter, e.g. {_AGE_EXAMPLE}")
    try:
        seconds = parse_duration(value)
    except ValueError as exc:
        raise QueryError(f"'{body}': {exc}") from None
    return (op, seconds, negate)


def age_predicate(term: AgeTerm, now: datetime) -> Predicate:
    """Rows compare their state's start ('YYYY-MM-DDTHH:MM:SS', UTC) with now - age as
    text; a row with no known start matches no age (and every negated one)."""
    op, seconds, negate = term
    cut = (now.astimezone(UTC) - timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S")
    if op == ">":

        def test(row: Any) -> bool:
            s = row.since
            return s is not None and s < cut
    elif op == ">=":

        def test(row: Any) -> bool:
            s = row.since
            return s is not None and s <= cut
    elif op == "<":

        def test(row: Any) -> bool:
            s = row.since
            return s is not None and s > cut
    else:

        def test(row: Any) -> bool:
            s = row.since
            return s is not None and s >= cut

    return inverse(test) if negate else test


def inverse(pred: Predicate) -> Predicate:
    return lambda row: not pred(row)


def vin_in(vins: frozenset[str]) -> Predicate:
    return lambda row: row.vin.upper() in vins


def state_in(states: frozenset[State] | set[State]) -> Predicate:
    return lambda row: row.state in states


def brand_in(brands: frozenset[str] | set[str]) -> Predicate:
    return lambda row: row.brand in brands


def data_values(value: str) -> frozenset[DataState]:
    from fleettui.core.data_states import FILTER_WORDS

    out: set[DataState] = set()
    for part in filter(None, value.lower().split(",")):
        found = FILTER_WORDS.get(part)
        if found is None:
            hint = did_you_mean(difflib.get_close_matches(part, list(FILTER_WORDS), n=2))
            raise QueryError(
                f"'{part}' is not a data state; {hint + ' ' if hint else ''}"
                f"use one of: {', '.join(FILTER_WORDS)}"
            )
        out |= found
    if not out:
        raise QueryError("data: needs a value, e.g. data:none or data:blocked")
    return frozenset(out)


def data_in(states: frozenset[DataState]) -> Predicate:
    """Approved rows whose data state (the monitor's checks, DATA_LOOKUP) is one of
    `states`; other rows never match."""
    from fleettui.core.data_states import DATA_LOOKUP

    approved = State.APPROVED
    state_of = DATA_LOOKUP.state
    return lambda row: row.state is approved and state_of(row) in states


def text_in(needle: str) -> Predicate:
    return lambda row: needle in row.search


def claimed_predicate(value: str, claims: ClaimLookup | None) -> Predicate:
    """claimed:me / none / any / NAME (case does not matter; a comma ORs names)."""
    if claims is None:
        raise QueryError(NO_DESK)
    wanted = [v.strip().lower() for v in value.split(",") if v.strip()]
    if not wanted:
        raise QueryError(
            "claimed: needs a value: claimed:me, claimed:none, claimed:any or claimed:NAME"
        )
    lookup = claims.claimed_by
    me = claims.me.lower()
    names = frozenset(me if w == "me" else w for w in wanted if w not in ("none", "any"))
    none, anyone = "none" in wanted, "any" in wanted

    def claimed(row: Any) -> bool:
        holder = lookup(row.vin)
        if holder is None:
            return none
        return anyone or holder.lower() in names

    return claimed
