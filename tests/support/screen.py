"""The screen as plain text lines, for tests and probes that read what a user sees."""

from __future__ import annotations


def screen_lines(app) -> list[str]:  # noqa: ANN001 - a running textual App
    update = app.screen._compositor.render_full_update()
    out = []
    for strip in update.strips:
        out.append("".join(seg.text for seg in strip))
    return out
