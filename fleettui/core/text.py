"""Strings from the API are data: the two ways fleettui makes them safe to show.

`sanitize` is for the terminal UI: escape sequences removed, control characters dropped,
line breaks and tabs turned into spaces (or kept, for multi-line notices). `one_line` is
for a single line of plain output (CLI tables, error messages): control, zero-width and
bidi-override characters become spaces, runs of white space fold, long text is cut.
"""

from __future__ import annotations

import re

_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b.?")
_CONTROL = {i: None for i in (*range(0x20), 0x7F, *range(0x80, 0xA0))}
_CONTROL.update({0x09: " ", 0x0A: " ", 0x0D: " "})
_CONTROL_KEEP_LINES = {**_CONTROL, 0x0A: "\n", 0x0D: None}
_INVISIBLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]+")


def sanitize(text: str, *, keep_newlines: bool = False) -> str:
    """Safe to put on a terminal: no escapes, no control characters."""
    if text.isprintable():
        return text
    table = _CONTROL_KEEP_LINES if keep_newlines else _CONTROL
    return _ESCAPES.sub("", text).translate(table)


def one_line(value: object, limit: int | None = None) -> str:
    """One plain line: invisible and control characters as spaces, white space folded,
    cut to `limit` characters with an ellipsis."""
    if value is None:
        return ""
    text = " ".join(_INVISIBLE.sub(" ", str(value)).split())
    if limit is not None and len(text) > limit:
        text = text[: max(1, limit - 1)].rstrip() + "…"
    return text


def clean(value: object, *, keep_newlines: bool = False) -> str:
    """Any value (None as '') as :func:`sanitize`d text: what the monitor puts in
    notifications, dialogs and the header."""
    return sanitize("" if value is None else str(value), keep_newlines=keep_newlines)
