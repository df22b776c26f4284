"""The triage desk, Textual-free: who must act on what and by when, the message each
queue needs, the statistics, and what changed since the last look.

- `queues` — `build_board(rows, now)`: queues by who acts, reason (and brand), urgency.
- `messages` — paste-ready text and CSV per queue.
- `stats` — approval times, rates, pending ages, daily transitions.
- `since` — the since-last-look summary.
- `render` — plain-text bars, sparklines and listings (reads without colour).
"""
