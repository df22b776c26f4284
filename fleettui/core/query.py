"""The `/` filter language for the fleet table.

    bmw pending                 free text: every word must appear in VIN, brand, reason or tags
    state:pending state:error   fields: state, brand, group, tag (several values of one field
    state:pending,rejected      are ORed; different fields and words are ANDed)
    tag:fleet=depot-3 tag:vip   a tag with that value, or a tag that is present at all
    vin:WBA…01,WBA…02           exactly these VINs (the notification log's "show these")
    claimed:me claimed:none     work state on a shared desk (--desk): claimed by you, by
    claimed:alice               nobody, or by that person (claimed:any: by anyone)
    age>7d  age<2h              time in the current state (s, m, h, d, w; also >= <=)
    data:none  data:blocked     approved cars by whether data arrives (core.data_states:
                                unchecked, none, flowing, silent, privacy, consent,
                                no_consent, uncheckable; blocked, missing, ok)
    -bmw  !state:approved       a leading - or ! inverts one term
    "privacy mode"              quotes keep a phrase together

`parse_query(text)` never raises: a bad query comes back with `.error` set to a sentence a
person can act on ("did you mean bmw?" for `brand:bmww`), and matches everything, so the
table keeps showing rows.

Age terms compare with the time the rows were fetched: `filter(rows, now)` (the store
passes the snapshot's server time; without one, this machine's clock).

`claimed:` terms ask the desk's work state, which is not on the row: they are read
through a `ClaimLookup` (`parse_query(text, claims)`, the monitor's desk mirror), live, so
a claim made elsewhere changes what matches without re-parsing. Without a desk they are
an error that says how to get one.

Rows are matched through four attributes: `state` (State), `brand` (code), `tags`
(dict) and `search` (lower-cased text of VIN, brand, reason and tags).
"""

from __future__ import annotations

import difflib
import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from fleettui.core.brands import BRANDS, GROUPS, brand_group_key, similar_brands
from fleettui.core.data_states import DATA_LOOKUP, FILTER_WORDS, DataState
from fleettui.core.states import STATE_ORDER, State
from fleettui.core.timefmt import parse_duration

FIELDS = ("state", "brand", "group", "tag", "vin", "data", "claimed")
_ALIASES = {
    "status": "state",
    "s": "state",
    "b": "brand",
    "g": "group",
    "tags": "tag",
    "claim": "claimed",
}

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


@dataclass(frozen=True)
class Query:
    """A parsed query; `matches(row)` tests one row. Empty or broken queries match all."""

    text: str = ""
    error: str | None = None
    terms: tuple[str, ...] = ()
    _predicates: tuple[Predicate, ...] = field(default=(), repr=False, compare=False)
    ages: tuple[AgeTerm, ...] = ()
    #: It has claimed: terms: a claim made or released changes what it matches.
    uses_claims: bool = False

    @property
    def is_empty(self) -> bool:
        return not self._predicates and not self.ages

    def _all(self, now: datetime | None) -> tuple[Predicate, ...]:
        if not self.ages:
            return self._predicates
        at = now if now is not None else datetime.now(UTC)
        return self._predicates + tuple(_age_predicate(t, at) for t in self.ages)

    def matches(self, row: Any, now: datetime | None = None) -> bool:
        return all(p(row) for p in self._all(now))

    def filter(self, rows: list[Any], now: datetime | None = None) -> list[Any]:
        """The rows that match, order kept (a plain copy when the query is empty).
        One C-level pass per term, cheapest (state, brand) first, each on fewer rows."""
        out = list(rows)
        for pred in self._all(now):
            out = list(filter(pred, out))
        return out


class _QueryError(ValueError):
    pass


def _did_you_mean(names: list[str]) -> str:
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
    hint = _did_you_mean(difflib.get_close_matches(part, names, n=2, cutoff=0.6))
    return f"'{part}' is not a state; {hint + ' ' if hint else ''}use one of: {', '.join(names)}"


def _state_values(value: str) -> frozenset[State]:
    out: set[State] = set()
    for part in filter(None, value.lower().split(",")):
        problem = state_problem(part)
        if problem is not None:
            raise _QueryError(problem)
        exact = [s for s in STATE_ORDER if s.value == part]
        out.add((exact or [s for s in STATE_ORDER if s.value.startswith(part)])[0])
    if not out:
        raise _QueryError("state: needs a value, e.g. state:pending")
    return frozenset(out)


def _brand_values(value: str) -> frozenset[str]:
    out: set[str] = set()
    for part in filter(None, value.lower().split(",")):
        match = [c for c, b in BRANDS.items() if part in (c, b.display.lower())]
        if not match:
            group = _GROUP_KEYS.get(brand_group_key(part))
            if group is not None:
                some = ", ".join(f"brand:{c}" for c in GROUPS[group][:3])
                raise _QueryError(
                    f"'{part}' is a brand group, not a brand; use group:"
                    f"{brand_group_key(group)} (or one brand: {some})"
                )
            hint = _did_you_mean(similar_brands(part, limit=3))
            raise _QueryError(
                f"'{part}' is not a brand; "
                + (hint or f"use a brand code: {', '.join(sorted(BRANDS))}")
            )
        out.add(match[0])
    if not out:
        raise _QueryError("brand: needs a value, e.g. brand:bmw")
    return frozenset(out)


def _group_values(value: str) -> frozenset[str]:
    out: set[str] = set()
    for part in filter(None, value.split(",")):
        group = _GROUP_KEYS.get(brand_group_key(part))
        if group is None:
            keys = sorted(_GROUP_KEYS)
            if part.lower() in BRANDS:
                own = brand_group_key(BRANDS[part.lower()].group)
                raise _QueryError(
                    f"'{part}' is a brand, not a group; use brand:{part.lower()} "
                    f"(its group is group:{own})"
                )
            hint = _did_you_mean(difflib.get_close_matches(brand_group_key(part), keys, n=2))
            raise _QueryError(
                f"'{part}' is not a brand group; {hint + ' ' if hint else ''}"
                f"use one of: {', '.join(keys)}"
            )
        out.update(GROUPS[group])
    if not out:
        raise _QueryError("group: needs a value, e.g. group:stellantis")
    return frozenset(out)


def _tag_predicate(value: str) -> Predicate:
    key, sep, want = value.partition("=")
    key = key.strip().lower()
    if not key:
        raise _QueryError("tag: needs a key, e.g. tag:fleet=north or tag:vip")
    want = want.strip().lower()

    def has_tag(row: Any) -> bool:
        for k, v in row.tags.items():
            if k.lower() == key and (not sep or str(v).lower() == want):
                return True
        return False

    return has_tag


def _age_term(body: str, negate: bool) -> AgeTerm | None:
    """`age>7d` / `age<2h` / `age>=1d12h`; None when `body` is not an age term at all."""
    m = _AGE.fullmatch(body)
    if m is None or not (m.group(1) or body.lower().startswith(("age:", "age="))):
        return None
    op, value = m.group(1), m.group(2).strip()
    if op in (None, "="):
        raise _QueryError(f"'{body}': say longer or shorter, e.g. {_AGE_EXAMPLE}")
    try:
        seconds = parse_duration(value)
    except ValueError as exc:
        raise _QueryError(f"'{body}': {exc}") from None
    return (op, seconds, negate)


def _age_predicate(term: AgeTerm, now: datetime) -> Predicate:
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

    return _negate(test) if negate else test


def _split_terms(text: str) -> list[str]:
    try:
        return shlex.split(text, posix=True)
    except ValueError as exc:
        raise _QueryError(f"check the quotes: {exc}") from exc


def _negate(pred: Predicate) -> Predicate:
    return lambda row: not pred(row)


def parse_query(text: str, claims: ClaimLookup | None = None) -> Query:
    """Parse a filter; on a mistake the Query has `.error` and matches every row.
    `claims` answers `claimed:` terms (None: no desk, and such a term is a mistake)."""
    text = text or ""
    try:
        return _parse(text, claims)
    except _QueryError as exc:
        return Query(text=text, error=str(exc))


def _vin_in(vins: frozenset[str]) -> Predicate:
    return lambda row: row.vin.upper() in vins


def _state_in(states: frozenset[State] | set[State]) -> Predicate:
    return lambda row: row.state in states


def _brand_in(brands: frozenset[str] | set[str]) -> Predicate:
    return lambda row: row.brand in brands


def _data_values(value: str) -> frozenset[DataState]:
    out: set[DataState] = set()
    for part in filter(None, value.lower().split(",")):
        found = FILTER_WORDS.get(part)
        if found is None:
            hint = _did_you_mean(difflib.get_close_matches(part, list(FILTER_WORDS), n=2))
            raise _QueryError(
                f"'{part}' is not a data state; {hint + ' ' if hint else ''}"
                f"use one of: {', '.join(FILTER_WORDS)}"
            )
        out |= found
    if not out:
        raise _QueryError("data: needs a value, e.g. data:none or data:blocked")
    return frozenset(out)


def _data_in(states: frozenset[DataState]) -> Predicate:
    """Approved rows whose data state (the monitor's checks, DATA_LOOKUP) is one of
    `states`; other rows never match."""
    approved = State.APPROVED
    state_of = DATA_LOOKUP.state
    return lambda row: row.state is approved and state_of(row) in states


def _text_in(needle: str) -> Predicate:
    return lambda row: needle in row.search


def _claimed_predicate(value: str, claims: ClaimLookup | None) -> Predicate:
    """claimed:me / none / any / NAME (case does not matter; a comma ORs names)."""
    if claims is None:
        raise _QueryError(NO_DESK)
    wanted = [v.strip().lower() for v in value.split(",") if v.strip()]
    if not wanted:
        raise _QueryError(
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


def _parse(text: str, claims: ClaimLookup | None = None) -> Query:
    preds: list[Predicate] = []
    uses_claims = False
    ages: list[AgeTerm] = []
    positives: dict[str, set] = {"state": set(), "brand": set(), "group": set()}
    terms = _split_terms(text)
    for term in terms:
        negate = term[:1] in ("-", "!") and len(term) > 1
        body = term[1:] if negate else term
        age = _age_term(body, negate)
        if age is not None:
            ages.append(age)
            continue
        name, colon, value = body.partition(":")
        name = _ALIASES.get(name.lower(), name.lower())
        pred: Predicate
        if colon and name in FIELDS:
            value = value.strip()
            if name == "tag":
                pred = _tag_predicate(value)
            elif name == "claimed":
                pred = _claimed_predicate(value, claims)
                uses_claims = True
            elif name == "vin":
                wanted = frozenset(v.strip().upper() for v in value.split(",") if v.strip())
                if not wanted:
                    raise _QueryError("vin: needs a VIN, e.g. vin:WBA12345678901234")
                pred = _vin_in(wanted)
            elif name == "data":
                pred = _data_in(_data_values(value))
            elif name == "state":
                states = _state_values(value)
                if not negate:
                    positives["state"] |= states
                    continue
                pred = _state_in(states)
            else:
                brands = _brand_values(value) if name == "brand" else _group_values(value)
                if not negate:
                    positives[name] |= brands
                    continue
                pred = _brand_in(brands)
        elif colon and name and " " not in body and name.isalpha():
            fields = ", ".join(f"{f}:" for f in FIELDS)
            hint = _did_you_mean([f"{f}:" for f in difflib.get_close_matches(name, FIELDS, n=1)])
            raise _QueryError(
                f"unknown field '{name}:'; {hint + ' ' if hint else ''}"
                f"use {fields}, age> / age<, or quote the text"
            )
        else:
            needle = body.lower()
            pred = _text_in(needle)
        preds.append(_negate(pred) if negate else pred)
    if positives["state"]:
        preds.insert(0, _state_in(frozenset(positives["state"])))
    for name in ("brand", "group"):
        if positives[name]:
            preds.insert(0, _brand_in(frozenset(positives[name])))
    return Query(
        text=text,
        terms=tuple(terms),
        _predicates=tuple(preds),
        ages=tuple(ages),
        uses_claims=uses_claims,
    )


def with_state_filter(text: str, state: str) -> str:
    """Replace the query's state: terms with one for `state` ('' removes them)."""
    terms = [
        t for t in text.split() if not t.lower().lstrip("-!").startswith(("state:", "status:"))
    ]
    if state:
        terms.append(f"state:{state}")
    return " ".join(terms)
