"""The handover report (what a shift hands the next one) and the export of the work log.

`build_handover` reads the period's events, notes and recorded state changes, and the
claims held now; `handover_text` is the plain text `fleettui desk handover` prints and the
monitor's handover screen offers to copy. `export_rows` is every claim, release, hand-over,
note and snooze with who and when (`fleettui desk export`).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from fleettui.core.text import one_line
from fleettui.desk import work
from fleettui.desk.claims import holders
from fleettui.desk.connection import EVENT_COLUMNS, row_event
from fleettui.desk.model import DeskEvent, HandoverReport, iso
from fleettui.desk.receivers import takeover_text

#: Work-log kinds, in the order a person's actions are listed.
WORK_KINDS = ("claim", "hand", "release", "note", "snooze", "unsnooze", "renew")
EXPORT_COLUMNS = ("id", "kind", "vin", "by", "at", "claimed_by", "expires_at", "until", "text")


def build_handover(
    cur: Any,
    since: datetime,
    now: datetime,
    urgent: tuple[str, ...] = (),
    changes_since: datetime | None = None,
) -> HandoverReport:
    """The period's work (`since`, on the desk's clock) and state changes (`changes_since`,
    on the provider's clock that dates them; default `since`)."""
    cur.execute(
        f"SELECT {EVENT_COLUMNS} FROM desk_events WHERE at >= %s AND kind = ANY(%s) ORDER BY id",
        (since, list(WORK_KINDS)),
    )
    acts: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for ev in map(row_event, cur.fetchall()):
        if ev.vin and ev.kind != "renew":
            acts[ev.actor][ev.kind].append(ev.vin)
    cur.execute(
        "SELECT vin, old_state, new_state, reason, coalesce(at, seen_at) FROM desk_history "
        "WHERE coalesce(at, seen_at) >= %s ORDER BY coalesce(at, seen_at), id LIMIT 5000",
        ((changes_since or since).timestamp(),),
    )
    changes = tuple(
        (v, o, n, r, datetime.fromtimestamp(t, UTC)) for v, o, n, r, t in cur.fetchall()
    )
    cur.execute(
        "SELECT vin, claimed_by, expires_at FROM desk_claims WHERE expires_at > %s ORDER BY vin",
        (now,),
    )
    claimed = {v: (u, e) for v, u, e in cur.fetchall()}
    held = holders(cur, list(urgent), now) if urgent else {}
    cur.execute(
        f"SELECT {EVENT_COLUMNS} FROM desk_events WHERE at >= %s AND kind = 'receiver' "
        "ORDER BY id LIMIT 200",
        (since,),
    )
    rx = tuple(receiver_change(ev) for ev in map(row_event, cur.fetchall()))
    return HandoverReport(
        since,
        now,
        {p: {k: tuple(v) for k, v in kinds.items()} for p, kinds in sorted(acts.items())},
        tuple(work.notes(cur, since=since)),
        changes,
        claimed,
        tuple(v for v in urgent if v not in held),
        changes_since,
        rx,
    )


def receiver_change(ev: DeskEvent) -> tuple[str, str, int, datetime, str]:
    """A `receiver` event as (change, host, pid, at, from host); odd payloads are data."""
    p = ev.payload
    raw = p.get("from")
    before = raw if isinstance(raw, dict) else {}
    pid = p.get("pid")
    return (
        "takeover" if p.get("change") == "takeover" else "start",
        str(p.get("host") or "?"),
        pid if isinstance(pid, int) else 0,
        ev.at,
        str(before.get("host") or ""),
    )


def _when(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


_VERBS = {
    "claim": "claimed",
    "hand": "handed on",
    "release": "released",
    "note": "noted",
    "snooze": "snoozed",
    "unsnooze": "unsnoozed",
}


def handover_text(report: HandoverReport, *, limit: int = 20) -> str:
    """The handover as plain text (no colour, no control characters)."""
    out = [f"Handover {_when(report.since)} to {_when(report.until)}", ""]
    on = report.changes_since
    other = on is not None and abs((on - report.since).total_seconds()) > 120
    clock = f" (since {_when(on)} on the provider's clock)" if on is not None and other else ""
    out.append(f"State changes: {len(report.changes)}{clock}")
    for vin, old, new, reason, at in report.changes[-limit:]:
        why = f" ({reason})" if reason else ""
        out.append(f"  {_when(at)}  {vin}  {old or '?'} -> {new}{why}")
    out.append("")
    out.append("By person:" if report.by_person else "By person: nothing claimed, noted or snoozed")
    for person, kinds in report.by_person.items():
        parts = [
            f"{_VERBS.get(k, k)} {len(v)} ({', '.join(sorted(set(v))[:6])}"
            f"{', ...' if len(set(v)) > 6 else ''})"
            for k, v in kinds.items()
        ]
        out.append(f"  {person}: " + "; ".join(parts))
    if report.notes:
        out += ["", f"Notes: {len(report.notes)}"]
        for n in report.notes[-limit:]:
            first = n.text.splitlines()[0] if n.text else ""
            out.append(f"  {_when(n.at)}  {n.vin}  {n.author}: {first[:100]}")
    out += ["", f"Claimed now: {len(report.claimed)}"]
    for vin, (user, until) in list(report.claimed.items())[:limit]:
        out.append(f"  {vin}  {user} (until {_when(until)})")
    if report.receivers:
        out += ["", "Webhook receiver:"]
        for change, host, _pid, at, before in report.receivers[-limit:]:
            line = takeover_text(change, one_line(host, 60), at, one_line(before, 60))
            out.append(f"  {line}")
    out += ["", f"Still unclaimed and urgent: {len(report.unclaimed_urgent)}"]
    out += [f"  {vin}" for vin in report.unclaimed_urgent[:limit]]
    if len(report.unclaimed_urgent) > limit:
        out.append(f"  ... and {len(report.unclaimed_urgent) - limit} more")
    return "\n".join(out) + "\n"


def export_rows(cur: Any) -> list[dict[str, Any]]:
    """Every claim, renewal, release, hand-over, note and snooze, oldest first."""
    cur.execute(
        f"SELECT {EVENT_COLUMNS} FROM desk_events WHERE kind = ANY(%s) ORDER BY id",
        (list(WORK_KINDS),),
    )
    rows = []
    for ev in map(row_event, cur.fetchall()):
        p = ev.payload
        rows.append(
            {
                "id": ev.id,
                "kind": ev.kind,
                "vin": ev.vin,
                "by": ev.actor,
                "at": iso(ev.at),
                "claimed_by": p.get("claimed_by"),
                "expires_at": p.get("expires_at"),
                "until": p.get("until"),
                "text": p.get("text") or p.get("reason") or p.get("why"),
            }
        )
    return rows


def urgent_vins(board: Any) -> list[str]:
    """The VINs of a triage board (`fleettui.triage.board.Board`) that someone must act
    on, most urgent first: every queue but "Nobody (wait)"."""
    from fleettui.core.reasons import Actor

    out: dict[str, None] = {}
    for q in board.queues:
        if q.actor != Actor.NOBODY_WAIT:
            out.update(dict.fromkeys(i.vin for i in q.items))
    return list(out)
