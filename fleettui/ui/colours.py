"""How many colours the terminal really has, and what fleettui does about it.

Textual renders its theme in RGB and, on a 16-colour terminal, squeezes every colour to
the nearest ANSI one: yellow "pending" came out bright red and "rejected" and "revoking"
both magenta. With NO_COLOR it turns colours to greys, which made red text on a dark
background all but invisible. On such terminals fleettui uses Textual's ANSI theme with
native ANSI colours instead: states keep the 16 colours they were chosen in, and with
NO_COLOR everything is drawn in the terminal's own foreground, with bold and reverse to
mark the cursor and headings, so glyph and label carry the state.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

ANSI_THEME = "ansi-dark"
_FEW_COLOURS = ("standard", "windows")


def wants_native_ansi(environ: Mapping[str, str] | None = None) -> bool:
    """True for NO_COLOR and for terminals with only the 16 ANSI colours."""
    env = os.environ if environ is None else environ
    if "NO_COLOR" in env:
        return True
    forced = env.get("TEXTUAL_COLOR_SYSTEM", "auto").strip().lower()
    if forced in _FEW_COLOURS:
        return True
    if forced not in ("", "auto"):
        return False
    # Textual's own detection (via Rich): truecolor when COLORTERM says so, 256 colours
    # when TERM says so, else the 16 standard ones (plain `xterm`, `screen`, `linux`).
    if env.get("COLORTERM", "").lower() in ("truecolor", "24bit"):
        return False
    term = env.get("TERM", "").lower()
    if not term or term == "dumb":
        return False  # not a terminal we draw on (tests, pipes): keep the default theme
    return "256color" not in term and "truecolor" not in term and "direct" not in term
