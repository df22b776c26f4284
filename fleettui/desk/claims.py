"""Claims: "I'm on it", with exactly one winner.

A claim is one conditional statement (INSERT ... ON CONFLICT DO UPDATE ... WHERE the row
is yours or expired), never read-then-write: two people claiming at once both reach the
row, PostgreSQL makes the second wait for the first's commit and re-checks the WHERE
against the committed row, so the second finds it taken and is told by whom. VINs are
taken in sorted order, so two overlapping multi-VIN claims cannot deadlock.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from fleettui.desk.connection import NewEvent
from fleettui.desk.model import ClaimResult, iso

_UPSERT = """
INSERT INTO desk_claims AS c (vin, claimed_by, claimed_at, expires_at)
SELECT v, %(to)s, %(now)s, %(exp)s FROM unnest(%(vins)s::text[]) AS v ORDER BY v
ON CONFLICT (vin) DO UPDATE SET
    claimed_by = EXCLUDED.claimed_by,
    claimed_at = CASE WHEN c.claimed_by = EXCLUDED.claimed_by AND c.expires_at > %(now)s
                      THEN c.claimed_at ELSE EXCLUDED.claimed_at END,
    expires_at = EXCLUDED.expires_at
WHERE c.claimed_by = %(me)s OR c.expires_at <= %(now)s
RETURNING vin, claimed_at"""


def unique_vins(vins: Iterable[str]) -> list[str]:
    """Sorted, de-duplicated, upper-cased, blanks dropped."""
    return sorted({v.strip().upper() for v in vins if v and v.strip()})


def holders(cur: Any, vins: Sequence[str], now: datetime) -> dict[str, tuple[str, datetime]]:
    """Live claims among `vins`: vin -> (user, expires_at)."""
    if not vins:
        return {}
    cur.execute(
        "SELECT vin, claimed_by, expires_at FROM desk_claims "
        "WHERE vin = ANY(%s) AND expires_at > %s",
        (list(vins), now),
    )
    return {v: (u, e) for v, u, e in cur.fetchall()}


def _lost(vin: str, held: dict[str, tuple[str, datetime]]) -> ClaimResult:
    if vin in held:
        user, until = held[vin]
        return ClaimResult(vin, False, user, until, why=f"held by {user} until {iso(until)}")
    return ClaimResult(vin, False, None, why="changed meanwhile; try again")


def claim(
    cur: Any, me: str, vins: Sequence[str], now: datetime, ttl: timedelta, to: str | None = None
) -> tuple[list[ClaimResult], list[NewEvent]]:
    """Claim (or, with `to`, hand to `to`) every VIN that is free, expired or yours."""
    target = to or me
    expires = now + ttl
    cur.execute(_UPSERT, {"to": target, "me": me, "now": now, "exp": expires, "vins": list(vins)})
    won = {v: at for v, at in cur.fetchall()}
    held = holders(cur, [v for v in vins if v not in won], now)
    results: list[ClaimResult] = []
    events: list[NewEvent] = []
    for vin in vins:
        if vin not in won:
            results.append(_lost(vin, held))
            continue
        already = to is None and won[vin] != now
        results.append(ClaimResult(vin, True, target, expires, already=already))
        payload: dict[str, Any] = {"claimed_by": target, "expires_at": iso(expires)}
        if to is not None:
            payload["from"] = me
            events.append(("hand", vin, payload))
        else:
            events.append(("renew" if already else "claim", vin, payload))
    return results, events


def renew(
    cur: Any, me: str, vins: Sequence[str], now: datetime, ttl: timedelta
) -> tuple[list[ClaimResult], list[NewEvent]]:
    """Push the expiry of your live claims; others' and free VINs are refused."""
    expires = now + ttl
    cur.execute(
        "UPDATE desk_claims SET expires_at = %s WHERE vin = ANY(%s) AND claimed_by = %s "
        "AND expires_at > %s RETURNING vin",
        (expires, list(vins), me, now),
    )
    done = {r[0] for r in cur.fetchall()}
    held = holders(cur, [v for v in vins if v not in done], now)
    results: list[ClaimResult] = []
    events: list[NewEvent] = []
    for vin in vins:
        if vin in done:
            results.append(ClaimResult(vin, True, me, expires, already=True))
            events.append(("renew", vin, {"claimed_by": me, "expires_at": iso(expires)}))
        elif vin in held:
            results.append(_lost(vin, held))
        else:
            results.append(ClaimResult(vin, False, None, why="not claimed; claim it first"))
    return results, events


def release(
    cur: Any, me: str, vins: Sequence[str], now: datetime
) -> tuple[list[ClaimResult], list[NewEvent]]:
    """Drop your claims (and expired ones); someone else's live claim is refused."""
    cur.execute(
        "DELETE FROM desk_claims WHERE vin = ANY(%s) AND (claimed_by = %s OR "
        "expires_at <= %s) RETURNING vin, claimed_by, expires_at > %s",
        (list(vins), me, now, now),
    )
    gone = {v: (u, live) for v, u, live in cur.fetchall()}
    held = holders(cur, [v for v in vins if v not in gone], now)
    results: list[ClaimResult] = []
    events: list[NewEvent] = []
    for vin in vins:
        if vin in held:
            results.append(_lost(vin, held))
        elif vin in gone and gone[vin][1]:
            results.append(ClaimResult(vin, True, None))
            events.append(("release", vin, {"by": me}))
        else:
            results.append(ClaimResult(vin, True, None, already=True))
    return results, events
