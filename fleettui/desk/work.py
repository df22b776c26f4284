"""Notes (append-only), snoozes (cleared by the next state change) and the work state.

Texts are data: a note or a reason keeps its line breaks and printable characters, loses
every other control character (no escape sequence reaches a terminal through the desk),
and is cut to MAX_NOTE / MAX_REASON characters.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from fleettui.desk.connection import NewEvent
from fleettui.desk.errors import DeskError
from fleettui.desk.model import Note, Snooze, WorkState, iso

MAX_NOTE = 4000
MAX_REASON = 300


def clean_text(text: str, limit: int) -> str:
    kept = "".join(c if c.isprintable() or c == "\n" else " " for c in str(text))
    return "\n".join(line.rstrip() for line in kept.strip().splitlines())[:limit]


def add_note(cur: Any, me: str, vin: str, text: str, now: datetime) -> tuple[Note, list[NewEvent]]:
    body = clean_text(text, MAX_NOTE)
    if not body:
        raise DeskError("a note needs some text", "config")
    cur.execute(
        "INSERT INTO desk_notes (vin, author, at, text) VALUES (%s, %s, %s, %s) RETURNING id",
        (vin, me, now, body),
    )
    note = Note(int(cur.fetchone()[0]), vin, me, now, body)
    return note, [("note", vin, {"note_id": note.id, "text": body})]


def notes(cur: Any, vin: str | None = None, since: datetime | None = None) -> list[Note]:
    """Notes oldest first (of one VIN, or since a time, or all)."""
    where: list[str] = []
    params: list[object] = []
    if vin is not None:
        where.append("vin = %s")
        params.append(vin)
    if since is not None:
        where.append("at >= %s")
        params.append(since)
    sql = "SELECT id, vin, author, at, text FROM desk_notes"
    if where:
        sql += " WHERE " + " AND ".join(where)
    cur.execute(sql + " ORDER BY id", params)
    return [Note(int(i), v, a, t, x) for i, v, a, t, x in cur.fetchall()]


def snooze(
    cur: Any,
    me: str,
    vins: Sequence[str],
    now: datetime,
    until: datetime | None,
    reason: str,
    states: dict[str, str] | None = None,
) -> list[NewEvent]:
    """Hide VINs from the triage queues until `until` or their next state change.

    `states`: each VIN's state now, as the caller sees it (a change away from it clears
    the snooze; without it any recorded change does)."""
    why = clean_text(reason, MAX_REASON).replace("\n", " ")
    events: list[NewEvent] = []
    for vin in vins:
        state = (states or {}).get(vin)
        cur.execute(
            "INSERT INTO desk_snoozes (vin, snoozed_by, at, until, reason, state) "
            "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (vin) DO UPDATE SET "
            "snoozed_by = EXCLUDED.snoozed_by, at = EXCLUDED.at, until = EXCLUDED.until, "
            "reason = EXCLUDED.reason, state = EXCLUDED.state",
            (vin, me, now, until, why, state),
        )
        events.append(("snooze", vin, {"until": iso(until), "reason": why, "state": state}))
    return events


def unsnooze(cur: Any, vins: Sequence[str], why: str) -> list[NewEvent]:
    cur.execute("DELETE FROM desk_snoozes WHERE vin = ANY(%s) RETURNING vin", (list(vins),))
    return [("unsnooze", v, {"why": why}) for (v,) in cur.fetchall()]


def state_changed(
    cur: Any, changes: Iterable[tuple[str, str]] | Iterable[tuple[str, str, datetime]]
) -> list[NewEvent]:
    """Clear the snoozes of VINs whose state changed: (vin, new state) pairs, or (vin, new
    state, when) triples; the snooze lasts "until the next state change". A change into
    the state it was snoozed in is no change (a repeat) and leaves it, and so does a
    change from before the snooze (an old changelog entry recorded late)."""
    newest: dict[str, tuple[str, datetime | None]] = {}
    for change in changes:
        vin, state = change[0], change[1]
        when = change[2] if len(change) > 2 else None
        newest[vin] = (state, when)
    if not newest:
        return []
    cur.execute(
        "DELETE FROM desk_snoozes s USING unnest(%s::text[], %s::text[], "
        "%s::timestamptz[]) AS c(vin, st, at) WHERE s.vin = c.vin AND "
        "(s.state IS NULL OR s.state <> c.st) AND (c.at IS NULL OR c.at > s.at) "
        "RETURNING s.vin, c.st",
        (list(newest), [v[0] for v in newest.values()], [v[1] for v in newest.values()]),
    )
    return [("unsnooze", v, {"why": f"state changed to {st}"}) for v, st in cur.fetchall()]


def work_state(cur: Any, now: datetime, vins: Sequence[str] | None = None) -> dict[str, WorkState]:
    """Live claims, active snoozes and note counts, per VIN (only VINs with any of them)."""
    only = "" if vins is None else " AND vin = ANY(%(vins)s)"
    args = {"now": now, "vins": list(vins or ())}
    found: dict[str, dict[str, Any]] = {}
    cur.execute(
        "SELECT vin, claimed_by, claimed_at, expires_at FROM desk_claims "
        "WHERE expires_at > %(now)s" + only,
        args,
    )
    for vin, by, at, exp in cur.fetchall():
        found.setdefault(vin, {}).update(claimed_by=by, claimed_at=at, expires_at=exp)
    cur.execute(
        "SELECT vin, snoozed_by, at, until, reason, state FROM desk_snoozes "
        "WHERE (until IS NULL OR until > %(now)s)" + only,
        args,
    )
    for vin, by, at, until, reason, state in cur.fetchall():
        found.setdefault(vin, {})["snooze"] = Snooze(by, at, until, reason, state)
    cur.execute(
        "SELECT DISTINCT ON (vin) vin, id, author, at, text, count(*) OVER (PARTITION BY vin) "
        "FROM desk_notes WHERE true" + only + " ORDER BY vin, id DESC",
        args,
    )
    for vin, id_, author, at, text, n in cur.fetchall():
        found.setdefault(vin, {}).update(
            notes=int(n), last_note=Note(int(id_), vin, author, at, text)
        )
    return {vin: WorkState(vin, **fields) for vin, fields in found.items()}
