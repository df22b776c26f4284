"""The triage board's lines: each queue's one-line prompt, the selected queue's preview
(who acts, how many, the oldest, the first rejection expected, the fix, who holds what on
the desk, then the message), the sort within each actor, the board's option lines and
title, and how an option list's lines compare when the board is regrouped live. Rich text
only: the screen (`triage.py`) shows it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.text import Text
from textual.widgets.option_list import Option

from fleettui.core.brands import brand_info
from fleettui.core.reasons import SIMULATOR_NOTE, SIMULATOR_ONLY
from fleettui.core.text import clean
from fleettui.core.timefmt import format_duration
from fleettui.core.timings import approx
from fleettui.triage.board import ACTOR_TITLES, Board, Queue
from fleettui.triage.messages import message_text
from fleettui.triage.render import queue_summary

PREVIEW_VEHICLES = 12


def sort_queues(queues: Sequence[Queue], mode: str, now: datetime) -> list[Queue]:
    """Within each actor (the board's order is urgency)."""
    if mode == "time left":

        def key(q: Queue) -> tuple:
            d = q.next_deadline
            return (0, d.seconds_left(now)) if d is not None else (1, -(q.oldest_age(now) or 0))

        return sorted(queues, key=key)
    if mode == "size":
        return sorted(queues, key=lambda q: -q.count)
    return list(queues)


def queue_prompt(q: Queue, now: datetime) -> Text:
    count, title, brands, urgency = queue_summary(q, now)
    out = Text(no_wrap=True, overflow="ellipsis")
    out.append(f"{count:>6}  ", style="bold")
    out.append(clean(title))
    if urgency:
        out.append(f"  {urgency}", style="bold" if q.next_deadline else "")
    out.append(f"  {clean(brands)}", style="dim")
    if q.fix is not None:
        out.append("  [fix: f]", style="bold")
    held = claimed_text(q)
    if held:
        out.append(f"  {held}")
    return out


def claimed_text(q: Queue) -> str:
    """Who holds the queue's vehicles on a shared desk: "claimed: me 2, ana 1" ("" when
    nobody holds any, or without a desk)."""
    held = [(clean(who), n) for who, n in q.claimed if who]
    if not held:
        return ""
    return (
        "claimed: "
        + ", ".join(f"{who} {n}" for who, n in held[:3])
        + (" …" if len(held) > 3 else "")
    )


def preview_text(q: Queue, now: datetime) -> Text:
    out = Text()
    out.append(clean(q.title) + "\n", style="bold")
    if q.reason in SIMULATOR_ONLY:
        out.append(SIMULATOR_NOTE + "\n", style="italic")
    brands = ", ".join(f"{clean(brand_info(b).display) if b else '?'} {n}" for b, n in q.brands[:6])
    more = len(q.brands) - 6
    out.append(
        f"{ACTOR_TITLES[q.actor]} acts · {q.count} vehicle{'s' if q.count != 1 else ''}"
        f" · {q.state.value} · {brands}{f' +{more} brands' if more > 0 else ''}\n"
    )
    age = q.oldest_age(now)
    if age is not None:
        out.append(f"Oldest: {format_duration(age)}")
    d = q.next_deadline
    if d is not None:
        left = d.seconds_left(now)
        when = "due now" if left <= 0 else f"in ~{approx(left)}"
        out.append(f" · first rejection expected {when} (estimate: {d.window.note})")
    out.append("\n")
    if q.fix is not None:
        out.append(f"Fix through the API (f): {clean(q.fix.text)}\n", style="bold")
    held = claimed_text(q)
    if held:
        free = sum(n for who, n in q.claimed if not who)
        out.append(f"On the desk: {held}; {free} unclaimed\n")
    out.append("\n")
    out.append(clean(message_text(q, now, PREVIEW_VEHICLES), keep_newlines=True))
    return out


def prompt_text(option: Option) -> str:
    prompt = option.prompt
    return prompt.plain if isinstance(prompt, Text) else str(prompt)


def same_layout(old: Sequence[Option], new: Sequence[Option]) -> bool:
    """The same lines (headings and queues, in order): only their texts may differ."""
    return len(old) == len(new) and all(
        a.id == b.id and a.disabled == b.disabled for a, b in zip(old, new, strict=True)
    )


def board_options(board: Board, mode: str) -> tuple[list[Option], list[Queue]]:
    """The option list's lines: each actor's heading (not selectable), then its queues
    sorted by `mode`; and the queues, in that order."""
    options: list[Option] = []
    shown: list[Queue] = []
    for actor, queues in board.by_actor():
        heading = Text(
            f"── {ACTOR_TITLES[actor]} · {sum(q.count for q in queues)} ──",
            style="bold underline",
        )
        options.append(Option(heading, disabled=True))
        for q in sort_queues(queues, mode, board.now):
            options.append(Option(queue_prompt(q, board.now), id=q.id))
            shown.append(q)
    return options, shown


def title_text(board: Board, mode: str) -> Text:
    """The board's title line: how many vehicles and queues, grouped and sorted how."""
    grouping = "who, reason, brand" if board.by_brand else "who acts, reason"
    snoozed = f" ({board.snoozed} snoozed)" if board.snoozed else ""
    return Text(
        f"Triage · {board.count()}/{board.total} vehicles{snoozed} · {len(board.queues)} "
        f"queues by {grouping} · {mode} first · deadlines are estimates · as of "
        f"{board.now:%H:%M} UTC",
        no_wrap=True,
        overflow="ellipsis",
    )
