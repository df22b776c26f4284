"""The pieces of the `vin,brand[,key=value...]` line format that the command line
(`fleettui add --file`) and the monitor's add form share: splitting a line into fields,
reading a `key=value` tag, and reading a file of such lines."""

from __future__ import annotations

import csv
import unicodedata
from pathlib import Path

from fleettui.core.localfile import NotAFile, TooBig, read_regular
from fleettui.core.text import MARK, sanitize


def split_fields(raw: str) -> list[str]:
    """A line's comma-separated fields, stripped (CSV quoting honoured when it parses)."""
    try:
        row = next(csv.reader([raw]))
    except (csv.Error, StopIteration):
        row = raw.split(",")
    return [f.strip() for f in row]


def parse_tag(text: str) -> tuple[str, str] | None:
    """`key=value` → (key, value), stripped; None when it is not a tag."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        return None
    return key.strip(), value.strip()


def read_text_file(path: Path, max_bytes: int) -> str:
    """A UTF-8 file's text (a BOM is dropped). Raises OSError, or ValueError with a
    message a person can act on (too big, not UTF-8)."""
    try:
        raw = read_regular(path, max_bytes)
    except TooBig:
        raise ValueError(
            f"{path} is more than {max_bytes:,} bytes; split it into files "
            f"under {max_bytes // 1_000_000} MB"
        ) from None
    except NotAFile as e:
        raise ValueError(f"{path} is {e.strerror}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError(f"{path} is not UTF-8 text") from None


def hidden_character(text: str) -> tuple[int, str] | None:
    """(1-based position, 'U+001B') of the first control, escape, bidi or invisible
    character in `text`; None when there is none."""
    if text.isprintable():
        return None
    for i, ch in enumerate(text, start=1):
        if _hidden(ch):
            return i, f"U+{ord(ch):04X}"
    return None


def _hidden(ch: str) -> bool:
    """A character no one sees (spaces of any width are seen as spaces)."""
    return sanitize(ch) != ch and unicodedata.category(ch) != "Zs"


def tag_problem(key: str, value: str) -> str | None:
    """Why a tag cannot be sent, or None: a key is needed, and neither key nor value may
    hold a control, escape, bidi or invisible character (the provider would store it
    and every screen that shows the tag would have to hide it)."""
    if not key:
        return "a tag needs a key before '='"
    for what, text in (("key", key), ("value", value)):
        found = hidden_character(text)
        if found is not None:
            where, code = found
            shown = "".join(MARK if _hidden(c) else c for c in text)
            return (
                f"tag {what} {shown!r} holds a hidden control "
                f"character ({code} at position {where}); remove it"
            )
    return None
