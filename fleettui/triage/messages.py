"""The message each queue needs, ready to paste, and its CSV.

- Driver: what to do in the car, in the car's terms, with the vehicles to do it on and
  the (estimated) date by which it must happen.
- Fleet operator: the consent or tag to fix, from the catalogue's steps.
- Provider's support: an email with what their guide asks for — VIN, brand, date added,
  state, reason word for word, the changelog — one block per vehicle; the CSV carries the
  same fields.
- Nobody (wait): why nothing needs doing yet, and when to look again.

Provider text is data: every value goes through `one_line`, and CSV cells that start
like a spreadsheet formula are quoted with a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime

from fleettui.core import reasons as R
from fleettui.core.reasons import SUPPORT_EMAIL, Actor
from fleettui.core.text import one_line
from fleettui.core.timefmt import format_duration, format_ts
from fleettui.core.timings import approx
from fleettui.history.recorder import changelog_of
from fleettui.triage.board import STUCK, WAITING, Item, Queue
from fleettui.triage.data_queues import data_message, is_data_queue

#: What the driver does in the car, per reason (ours, in the car's terms).
DRIVER_STEPS: dict[str, tuple[str, ...]] = {
    R.PRIVACY_MODE: (
        "Switch privacy mode off in the car's settings screen (infotainment, under "
        "privacy or data sharing).",
        "Then drive the car once, somewhere with mobile reception, so it can connect.",
    ),
    R.WAITING_FOR_OTA: (
        "Drive the car regularly: software updates download and install while it is used.",
        "If the car offers a software update, accept it and let it finish.",
    ),
    R.VEHICLE_NOT_DRIVEN: (
        "Drive the car (a normal trip with the ignition on is enough).",
        "Park and drive where there is mobile reception, not only in an underground car park.",
    ),
    R.NO_DATA_YET: (
        "Drive the car; the first trip is usually what makes its first data arrive.",
        "Check the car's connected services are switched on in its settings.",
    ),
    R.VIN_ACTIVATION_TIMEOUT: (
        "Start the car and drive it; a car in storage or with a flat 12 V battery cannot connect.",
        "Tell the fleet team when it has been driven, so they can add it again.",
    ),
    R.ACTIVATION_TIMEOUT_NO_DATA: (
        "Drive the car somewhere with mobile reception and check its connected services are on.",
        "Tell the fleet team when it has been driven, so they can add it again.",
    ),
    R.PRIMARY_USER_ENROLLED: (
        "Remove the private (primary) user from the car, in the brand's app or the car's "
        "user settings.",
        "Reset the infotainment to factory settings (a dealer can help), then tell the "
        "fleet team so they can add it again.",
    ),
}
CSV_HEADERS = (
    "vin",
    "brand",
    "added",
    "state",
    "reason",
    "state_since",
    "rejects_by_estimate",
    "changelog",
    "tags",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    text = one_line(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _added(item: Item) -> datetime | None:
    """When the current clearance was added: the start of its newest pending run."""
    log = changelog_of(item.source) if item.source is not None else []
    added = None
    prev = None
    for at, status, _ in log:
        if status == "pending" and prev != "pending":
            added = at
        prev = status or prev
    return added or (item.since if item.state.value == "pending" else None)


def _changelog_text(item: Item) -> str:
    log = changelog_of(item.source) if item.source is not None else []
    return " | ".join(
        " ".join(
            p
            for p in (
                format_ts(at) or "(no time)",
                one_line(st) or "?",
                one_line(why) if why else "",
            )
            if p
        )
        for at, st, why in log
    )


def _tags(item: Item) -> str:
    return ";".join(f"{one_line(k)}={one_line(v)}" for k, v in sorted(item.tags.items()))


def _vehicle_line(item: Item, now: datetime) -> str:
    parts = [one_line(item.vin), one_line(item.brand)]
    if item.deadline is not None:
        parts.append(item.deadline.label(now))
    elif item.since is not None:
        parts.append(f"{one_line(item.status)} for {format_duration(item.age(now))}")
    tags = _tags(item)
    if tags:
        parts.append(tags)
    return "  - " + "  ".join(parts)


def _by_date(q: Queue) -> str | None:
    d = q.next_deadline
    return None if d is None else d.rejects_at.strftime("%Y-%m-%d")


def what(q: Queue) -> str:
    """'1 Ford vehicle', '3 Volkswagen vehicles', '7 vehicles (Opel, Ford, Kia +3)'."""
    noun = "vehicle" if q.count == 1 else "vehicles"
    if q.brand or len(q.brands) == 1:
        return f"{q.count} {q.brand_display} {noun}"
    return f"{q.count} {noun} ({q.brand_display})"


def subject(q: Queue) -> str:
    what_ = what(q)
    if q.kind == STUCK:
        return f"Fleet clearance: {what_} pending with no reason"
    if q.reason:
        return f'Fleet clearance: {what_} {q.state.value} with "{one_line(q.reason, 80)}"'
    return f"Fleet clearance: {what_} {q.state.value}"


def message_text(q: Queue, now: datetime, limit: int | None = None) -> str:
    """The queue's message; `limit` shows only the first vehicles (a preview) and says
    how many more the full message has."""
    if is_data_queue(q):
        text = data_message(q, now, what(q), limit)
    elif q.actor is Actor.DRIVER:
        text = _driver(q, now, limit)
    elif q.actor is Actor.HM_SUPPORT:
        text = _support(q, now, limit)
    elif q.actor is Actor.FLEET_OPERATOR:
        text = _operator(q, now, limit)
    else:
        text = _wait(q, now, limit)
    if limit is not None and q.count > limit:
        text += f"… and {q.count - limit} more vehicle{'s' if q.count - limit != 1 else ''}\n"
    return text


def _items(q: Queue, limit: int | None) -> tuple[Item, ...]:
    return q.items if limit is None else q.items[:limit]


def _steps(q: Queue) -> tuple[str, ...]:
    info = R.lookup_reason(q.reason)
    return info.steps if info is not None else ()


def _driver(q: Queue, now: datetime, limit: int | None = None) -> str:
    info = R.lookup_reason(q.reason)
    steps = DRIVER_STEPS.get(info.reason, info.steps) if info is not None else ()
    lines = [
        f"To the driver{'s' if q.count != 1 else ''} of {what(q)}: {one_line(q.title)}.",
        "",
        "What to do in the car:",
    ]
    lines += [f"  {n}. {s}" for n, s in enumerate(steps, 1)]
    by = _by_date(q)
    if by:
        lines += [
            "",
            f"Please do this before {by} (an estimate): after that the provider "
            "stops trying and the car has to be added again.",
        ]
    lines += ["", "The vehicles:"] + [_vehicle_line(i, now) for i in _items(q, limit)]
    return "\n".join(lines) + "\n"


def _operator(q: Queue, now: datetime, limit: int | None = None) -> str:
    lines = [f"For the fleet operator: {what(q)} — {one_line(q.title)}.", ""]
    if q.kind == STUCK:
        lines += [
            "Pending longer than the brand usually takes, with no reason from the "
            "provider. Ford checks the operator's consent every 12 h: make sure "
            "High Mobility has consent for these vehicles in Ford's fleet portal."
        ]
    else:
        if q.reason:
            lines.append(f'The provider says: "{one_line(q.reason, 200)}".')
        lines += ["What to fix:"] + [f"  {n}. {s}" for n, s in enumerate(_steps(q), 1)]
    if q.fix is not None:
        lines += ["", f"fleettui can do this: {q.fix.text}."]
    lines += ["", "The vehicles:"] + [_vehicle_line(i, now) for i in _items(q, limit)]
    return "\n".join(lines) + "\n"


def _support(q: Queue, now: datetime, limit: int | None = None) -> str:
    lines = [
        f"To: {SUPPORT_EMAIL}",
        f"Subject: {subject(q)}",
        "",
        "Hello High Mobility support,",
        "",
    ]
    if q.kind == STUCK:
        lines.append(
            f"these vehicles have been pending longer than the brand usually takes "
            f"(the oldest for {format_duration(q.oldest_age(now))}) and the API gives "
            "no reason. Could you check what is holding them?"
        )
    else:
        lines.append(
            f'these vehicles are {q.state.value} with the reason "'
            f'{one_line(q.reason, 200)}". Could you look into them and tell us what '
            "to do next?"
        )
    for item in _items(q, limit):
        added = _added(item)
        lines += [
            "",
            f"VIN:     {one_line(item.vin)}",
            f"Brand:   {one_line(item.brand)}",
            f"Added:   {format_ts(added) or 'unknown'}",
            f"State:   {one_line(item.status)} since {format_ts(item.since) or 'unknown'}",
            f"Reason:  {one_line(item.reason) or '(none)'}",
            f"History: {_changelog_text(item) or '(none)'}",
        ]
    if limit is None or q.count <= limit:
        lines += ["", "Thank you."]
    return "\n".join(lines) + "\n"


def _wait(q: Queue, now: datetime, limit: int | None = None) -> str:
    lines = [f"Nothing to do yet: {what(q)} — {one_line(q.title)}."]
    if q.kind == WAITING and q.state.value == "pending":
        lines.append(
            "The provider is still within the brand's usual time; look again if "
            "they are still pending tomorrow."
        )
    elif q.reason:
        lines += ["What happens next:"] + [f"  {n}. {s}" for n, s in enumerate(_steps(q), 1)]
    else:
        lines.append("The provider finishes this by itself.")
    d = q.next_deadline
    if d is not None:
        lines.append(
            f"First expected rejection: in ~{approx(d.seconds_left(now))} "
            f"({d.window.note}; an estimate)."
        )
    lines += ["", "The vehicles:"] + [_vehicle_line(i, now) for i in _items(q, limit)]
    return "\n".join(lines) + "\n"


def message_csv(q: Queue) -> str:
    """The queue's vehicles with the fields the provider's support asks for."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(CSV_HEADERS)
    for i in q.items:
        w.writerow(
            [
                _cell(i.vin),
                _cell(i.brand),
                format_ts(_added(i)),
                _cell(i.status),
                _cell(i.reason or ""),
                format_ts(i.since),
                format_ts(i.deadline.rejects_at) if i.deadline else "",
                _cell(_changelog_text(i)),
                _cell(_tags(i)),
            ]
        )
    return out.getvalue()
