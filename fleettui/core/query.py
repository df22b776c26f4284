"""The `/` filter language for the fleet table.

    bmw pending                 free text: every word must appear in VIN, brand, reason or tags
    state:pending state:error   fields: state, brand, group, tag (several values of one field
    state:pending,rejected      are ORed; different fields and words are ANDed)
    tag:fleet=depot-3 tag:vip   a tag with that value, or a tag that is present at all
    -bmw  !state:approved       a leading - or ! inverts one term
    "privacy mode"              quotes keep a phrase together

`parse_query(text)` never raises: a bad query comes back with `.error` set to a sentence a
person can act on, and matches everything, so the table keeps showing rows.

Rows are matched through four attributes: `state` (State), `brand` (code), `tags`
(dict) and `search` (lower-cased text of VIN, brand, reason and tags).
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fleettui.core.brands import BRANDS, GROUPS
from fleettui.core.states import STATE_ORDER, State

FIELDS = ("state", "brand", "group", "tag")
_ALIASES = {"status": "state", "s": "state", "b": "brand", "g": "group", "tags": "tag"}

Predicate = Callable[[Any], bool]


def _norm_group(name: str) -> str:
    key = name.lower().replace(" group", "")
    return "".join(ch for ch in key if ch.isalnum())


_GROUP_KEYS = {_norm_group(g): g for g in GROUPS}


@dataclass(frozen=True)
class Query:
    """A parsed query; `matches(row)` tests one row. Empty or broken queries match all."""

    text: str = ""
    error: str | None = None
    terms: tuple[str, ...] = ()
    _predicates: tuple[Predicate, ...] = field(default=(), repr=False, compare=False)

    @property
    def is_empty(self) -> bool:
        return not self._predicates

    def matches(self, row: Any) -> bool:
        return all(p(row) for p in self._predicates)

    def filter(self, rows: list[Any]) -> list[Any]:
        """The rows that match, order kept (a plain copy when the query is empty).
        One C-level pass per term, cheapest (state, brand) first, each on fewer rows."""
        out = list(rows)
        for pred in self._predicates:
            out = list(filter(pred, out))
        return out


class _QueryError(ValueError):
    pass


def _state_values(value: str) -> frozenset[State]:
    out: set[State] = set()
    for part in filter(None, value.lower().split(",")):
        exact = [s for s in STATE_ORDER if s.value == part]
        found = exact or [s for s in STATE_ORDER if s.value.startswith(part)]
        if len(found) != 1:
            names = ", ".join(s.value for s in STATE_ORDER)
            what = "matches several states" if found else "is not a state"
            raise _QueryError(f"'{part}' {what}; use one of: {names}")
        out.add(found[0])
    if not out:
        raise _QueryError("state: needs a value, e.g. state:pending")
    return frozenset(out)


def _brand_values(value: str) -> frozenset[str]:
    out: set[str] = set()
    for part in filter(None, value.lower().split(",")):
        match = [c for c, b in BRANDS.items() if part in (c, b.display.lower())]
        out.add(match[0] if match else part)
    if not out:
        raise _QueryError("brand: needs a value, e.g. brand:bmw")
    return frozenset(out)


def _group_values(value: str) -> frozenset[str]:
    out: set[str] = set()
    for part in filter(None, value.split(",")):
        group = _GROUP_KEYS.get(_norm_group(part))
        if group is None:
            names = ", ".join(sorted(GROUPS))
            raise _QueryError(f"'{part}' is not a brand group; use one of: {names}")
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


def _split_terms(text: str) -> list[str]:
    try:
        return shlex.split(text, posix=True)
    except ValueError as exc:
        raise _QueryError(f"check the quotes: {exc}") from exc


def _negate(pred: Predicate) -> Predicate:
    return lambda row: not pred(row)


def parse_query(text: str) -> Query:
    """Parse a filter; on a mistake the Query has `.error` and matches every row."""
    text = text or ""
    try:
        return _parse(text)
    except _QueryError as exc:
        return Query(text=text, error=str(exc))


def _parse(text: str) -> Query:
    preds: list[Predicate] = []
    positives: dict[str, set] = {"state": set(), "brand": set(), "group": set()}
    terms = _split_terms(text)
    for term in terms:
        negate = term[:1] in ("-", "!") and len(term) > 1
        body = term[1:] if negate else term
        name, colon, value = body.partition(":")
        name = _ALIASES.get(name.lower(), name.lower())
        if colon and name in FIELDS:
            value = value.strip()
            if name == "tag":
                pred = _tag_predicate(value)
            elif name == "state":
                states = _state_values(value)
                if not negate:
                    positives["state"] |= states
                    continue
                pred = lambda row, s=states: row.state in s  # noqa: E731
            else:
                brands = _brand_values(value) if name == "brand" else _group_values(value)
                if not negate:
                    positives[name] |= brands
                    continue
                pred = lambda row, b=brands: row.brand in b  # noqa: E731
        elif colon and name and " " not in body and name.isalpha():
            fields = ", ".join(f"{f}:" for f in FIELDS)
            raise _QueryError(f"unknown field '{name}:'; use {fields} or quote the text")
        else:
            needle = body.lower()
            pred = lambda row, n=needle: n in row.search  # noqa: E731
        preds.append(_negate(pred) if negate else pred)
    if positives["state"]:
        preds.insert(0, lambda row, s=frozenset(positives["state"]): row.state in s)
    for name in ("brand", "group"):
        if positives[name]:
            preds.insert(0, lambda row, b=frozenset(positives[name]): row.brand in b)
    return Query(text=text, terms=tuple(terms), _predicates=tuple(preds))

