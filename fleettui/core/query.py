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
import shlex
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from fleettui.core.query_terms import (
    AgeTerm,
    ClaimLookup,
    Predicate,
    QueryError,
    age_predicate,
    age_term,
    brand_in,
    brand_values,
    claimed_predicate,
    data_in,
    data_values,
    did_you_mean,
    group_values,
    inverse,
    state_in,
    state_values,
    tag_predicate,
    text_in,
    vin_in,
)

FIELDS = ("state", "brand", "group", "tag", "vin", "data", "claimed")
_ALIASES = {
    "status": "state",
    "s": "state",
    "b": "brand",
    "g": "group",
    "tags": "tag",
    "claim": "claimed",
}


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
    #: It has data: terms: a data check that changes a car's data state changes it too.
    uses_data: bool = False

    @property
    def is_empty(self) -> bool:
        return not self._predicates and not self.ages

    def _all(self, now: datetime | None) -> tuple[Predicate, ...]:
        if not self.ages:
            return self._predicates
        at = now if now is not None else datetime.now(UTC)
        return self._predicates + tuple(age_predicate(t, at) for t in self.ages)

    def matches(self, row: Any, now: datetime | None = None) -> bool:
        return all(p(row) for p in self._all(now))

    def filter(self, rows: list[Any], now: datetime | None = None) -> list[Any]:
        """The rows that match, order kept (a plain copy when the query is empty).
        One C-level pass per term, cheapest (state, brand) first, each on fewer rows."""
        out = list(rows)
        for pred in self._all(now):
            out = list(filter(pred, out))
        return out


def _split_terms(text: str) -> list[str]:
    try:
        return shlex.split(text, posix=True)
    except ValueError as exc:
        raise QueryError(f"check the quotes: {exc}") from exc


def parse_query(text: str, claims: ClaimLookup | None = None) -> Query:
    """Parse a filter; on a mistake the Query has `.error` and matches every row.
    `claims` answers `claimed:` terms (None: no desk, and such a term is a mistake)."""
    text = text or ""
    try:
        return _parse(text, claims)
    except QueryError as exc:
        return Query(text=text, error=str(exc))


def _parse(text: str, claims: ClaimLookup | None = None) -> Query:
    preds: list[Predicate] = []
    uses_claims = False
    uses_data = False
    ages: list[AgeTerm] = []
    positives: dict[str, set] = {"state": set(), "brand": set(), "group": set()}
    terms = _split_terms(text)
    for term in terms:
        negate = term[:1] in ("-", "!") and len(term) > 1
        body = term[1:] if negate else term
        age = age_term(body, negate)
        if age is not None:
            ages.append(age)
            continue
        name, colon, value = body.partition(":")
        name = _ALIASES.get(name.lower(), name.lower())
        pred: Predicate
        if colon and name in FIELDS:
            value = value.strip()
            if name == "tag":
                pred = tag_predicate(value)
            elif name == "claimed":
                pred = claimed_predicate(value, claims)
                uses_claims = True
            elif name == "vin":
                wanted = frozenset(v.strip().upper() for v in value.split(",") if v.strip())
                if not wanted:
                    raise QueryError("vin: needs a VIN, e.g. vin:WBA12345678901234")
                pred = vin_in(wanted)
            elif name == "data":
                pred = data_in(data_values(value))
                uses_data = True
            elif name == "state":
                states = state_values(value)
                if not negate:
                    positives["state"] |= states
                    continue
                pred = state_in(states)
            else:
                brands = brand_values(value) if name == "brand" else group_values(value)
                if not negate:
                    positives[name] |= brands
                    continue
                pred = brand_in(brands)
        elif colon and name and " " not in body and name.isalpha():
            fields = ", ".join(f"{f}:" for f in FIELDS)
            hint = did_you_mean([f"{f}:" for f in difflib.get_close_matches(name, FIELDS, n=1)])
            raise QueryError(
                f"unknown field '{name}:'; {hint + ' ' if hint else ''}"
                f"use {fields}, age> / age<, or quote the text"
            )
        else:
            needle = body.lower()
            pred = text_in(needle)
        preds.append(inverse(pred) if negate else pred)
    if positives["state"]:
        preds.insert(0, state_in(frozenset(positives["state"])))
    for name in ("brand", "group"):
        if positives[name]:
            preds.insert(0, brand_in(frozenset(positives[name])))
    return Query(
        text=text,
        terms=tuple(terms),
        _predicates=tuple(preds),
        ages=tuple(ages),
        uses_claims=uses_claims,
        uses_data=uses_data,
    )


def with_state_filter(text: str, state: str) -> str:
    """Replace the query's state: terms with one for `state` ('' removes them)."""
    terms = [
        t for t in text.split() if not t.lower().lstrip("-!").startswith(("state:", "status:"))
    ]
    if state:
        terms.append(f"state:{state}")
    return " ".join(terms)
