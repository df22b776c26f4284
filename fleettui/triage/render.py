"""Plain-text drawing for the triage board and the statistics: bars and sparklines made
of block characters, which read the same without colour (shape, not hue, carries the
value; every bar also prints its number). Used by the command line and by the screens.
"""

from __future__ import annotations

from datetime import datetime

from fleettui.core.brands import brand_info
from fleettui.core.states import info
from fleettui.core.text import one_line
from fleettui.core.timefmt import format_duration
from fleettui.core.timings import approx
from fleettui.triage.board import ACTOR_TITLES, Board, Queue
from fleettui.triage.stats import Stats

_EIGHTHS = " ▏▎▍▌▋▊▉"
_SPARKS = "▁▂▃▄▅▆▇█"


def bar(value: float, most: float, width: int) -> str:
    """A horizontal bar `width` cells at `most`, in eighths of a cell; never empty for a
    value above zero."""
    if most <= 0 or value <= 0 or width <= 0:
        return ""
    eighths = max(1, round(value / most * width * 8))
    full, part = divmod(min(eighths, width * 8), 8)
    return "█" * full + (_EIGHTHS[part] if part else "")


def sparkline(values: list[int]) -> str:
    """One cell per value; zero is a space-like low tick so gaps stay visible."""
    top = max(values, default=0)
    if top <= 0:
        return "·" * len(values)
    return "".join("·" if v <= 0 else _SPARKS[min(7, (v * 8 - 1) // top)] for v in values)


def pct(rate: float | None) -> str:
    return "–" if rate is None else f"{rate * 100:.0f}%"


def queue_summary(q: Queue, now: datetime) -> tuple[str, str, str, str]:
    """(count, title, brands, urgency) cells for one queue line; the title starts with
    the state's glyph (… pending, ✗ rejected), which reads without colour."""
    d = q.next_deadline
    if d is not None:
        left = d.seconds_left(now)
        urgency = "rejection due (est.)" if left <= 0 else f"rejects in ~{approx(left)} (est.)"
    else:
        age = q.oldest_age(now)
        urgency = f"oldest {format_duration(age)}" if age is not None else ""
    title = f"{info(q.state).glyph} {one_line(q.title)}"
    return str(q.count), title, one_line(q.brand_display), urgency


def board_lines(board: Board, width: int = 100) -> list[str]:
    """The board as text: a heading per actor, a line per queue."""
    lines = [f"Triage: {board.count()} of {board.total} vehicles need someone or are waiting"]
    if not board.queues:
        lines.append("Nothing to triage: no pending, rejected or changing vehicles.")
    for actor, queues in board.by_actor():
        lines += ["", f"{ACTOR_TITLES[actor]} ({sum(q.count for q in queues)})"]
        for q in queues:
            count, title, brands, urgency = queue_summary(q, board.now)
            head = f"  {count:>5}  {title}"
            tail = f"  {urgency}" if urgency else ""
            room = width - len(head) - len(tail) - 4
            brand_text = f"  [{brands}]" if room > 6 else ""
            if len(brand_text) > room > 6:
                brand_text = brand_text[: room - 1] + "…]"
            lines.append((head + brand_text + tail)[:width])
            if q.fix is not None:
                lines.append(f"         fix: {one_line(q.fix.text)}"[:width])
    return lines


def _name(brand: str) -> str:
    return one_line(brand_info(brand).display if brand else "?")[:13]


def stats_lines(stats: Stats, width: int = 100) -> list[str]:
    """Daily transitions, pending ages, then one line per brand: time from added to
    approved (median, p90 and a bar of the p90) and approved / rejected counts and rates."""
    lines: list[str] = []
    totals = [sum(c.values()) for _, c in stats.daily]
    lines.append(f"Transitions per day, last {stats.days} days (oldest left, one cell a day)")
    if stats.daily:
        first, last = stats.daily[0][0], stats.daily[-1][0]
        lines.append(
            f"  {'all':<11}{sparkline(totals)}  {sum(totals)} total, "
            f"max {max(totals, default=0)}/day"
        )
        for state, mark in (
            ("approved", "✓"),
            ("rejected", "✗"),
            ("pending", "…"),
            ("revoked", "⊘"),
            ("canceled", "–"),
        ):
            series = [c.get(state, 0) for _, c in stats.daily]
            if any(series):
                lines.append(f"  {mark} {state:<9}{sparkline(series)}  {sum(series)} total")
        lines.append(f"  {'':<11}{first:%d %b}{' ' * max(1, len(totals) - 12)}{last:%d %b}")
    bar_w = max(6, min(24, width - 62))
    lines += ["", "Pending vehicles by age"]
    most_age = max((n for _, n in stats.pending_ages), default=0)
    for label, n in stats.pending_ages:
        lines.append(f"  {label:<8} {n:>6}  {bar(n, most_age, bar_w)}")
    lines += [
        "",
        f"Per brand (from {stats.source}): added → approved, and verdicts",
        f"  {'brand':<13} {'median':>7} {'p90':>7}  {'':<{bar_w}}  "
        f"{'✓ approved':>11}  {'✗ rejected':>11}",
    ]
    most = max((b.p90 or 0 for b in stats.brands), default=0)
    if not stats.brands:
        lines.append("  (no approvals or rejections seen yet)")
    for b in stats.brands:
        median = format_duration(b.median) if b.median is not None else "–"
        p90 = format_duration(b.p90) if b.p90 is not None else "–"
        lines.append(
            f"  {_name(b.brand):<13} {median:>7} {p90:>7}  "
            f"{bar(b.p90 or 0, most, bar_w):<{bar_w}}  "
            f"{b.approved:>5} {pct(b.approval_rate):>5}  "
            f"{b.rejected:>5} {pct(b.rejection_rate):>5}"
        )
    if stats.data:
        lines += [
            "",
            "After approval: approved → first data (estimate: checks are spaced "
            "out), and approved cars with data",
            f"  {'brand':<13} {'median':>7} {'p90':>7}  {'':<{bar_w}}  {'with data':>15}",
        ]
        most_d = max((b.p90 or 0 for b in stats.data), default=0)
        for d in stats.data:
            median = format_duration(d.median) if d.median is not None else "–"
            p90 = format_duration(d.p90) if d.p90 is not None else "–"
            lines.append(
                f"  {_name(d.brand):<13} {median:>7} {p90:>7}  "
                f"{bar(d.p90 or 0, most_d, bar_w):<{bar_w}}  "
                f"{d.with_data:>5}/{d.approved:<5} {pct(d.share):>5}"
            )
    return [line[:width] for line in lines]
