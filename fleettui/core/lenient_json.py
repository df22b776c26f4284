"""Reading a JSON answer whose few bad values must not cost the rest of it.

The fast parsers (`json.loads`, `fleettui.core.memory.parse_json_list`) fail the whole
text for one bad spot: bytes that are not UTF-8 (one tag written in Latin-1), or a number
of more digits than Python turns into an int (its limit, 4,300 digits, raises
ValueError). When they fail, `loads_marked` reads the text again with both mended where
they are: each bad byte sequence becomes U+FFFD (the mark the screen shows for removed
characters) and each over-long number becomes a text saying what it was, so only the
values concerned look wrong and every other entry is read as it came. Deep nesting
(RecursionError) is not mended: such a text is not data of any expected shape.
"""

from __future__ import annotations

import codecs
import json
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

#: The longest run of digits read as a number (Python's own limit for int(str)).
MAX_DIGITS = sys.get_int_max_str_digits() or 4300

_counts = threading.local()


def _count_bad_bytes(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    _counts.bad_text = getattr(_counts, "bad_text", 0) + 1
    return "\ufffd", error.end


codecs.register_error("fleettui-mark", _count_bad_bytes)


@dataclass
class Mended:
    """How many values `loads_marked` had to mark."""

    bad_text: int = 0
    long_numbers: int = 0

    def __bool__(self) -> bool:
        return bool(self.bad_text or self.long_numbers)

    def describe(self) -> str:
        """One sentence for the user (empty when nothing was mended)."""
        parts = []
        if self.bad_text:
            parts.append(
                f"{self.bad_text} piece(s) of text that were not valid UTF-8 (shown as \ufffd)"
            )
        if self.long_numbers:
            parts.append(
                f"{self.long_numbers} number(s) too long to read (shown as text saying so)"
            )
        return (
            (
                "the provider's answer held "
                + " and ".join(parts)
                + "; the rest of it was read as it came"
            )
            if parts
            else ""
        )


def decode_marked(raw: bytes | bytearray | str, mended: Mended) -> str:
    """Text from bytes, each invalid UTF-8 sequence turned into U+FFFD and counted."""
    if isinstance(raw, str):
        return raw
    if raw[:3] == b"\xef\xbb\xbf":
        raw = raw[3:]
    _counts.bad_text = 0
    text = bytes(raw).decode("utf-8", "fleettui-mark")
    mended.bad_text += _counts.bad_text
    return text


def loads_marked(
    raw: bytes | bytearray | str, each: Callable[[Any], Any] | None = None
) -> tuple[Any, Mended]:
    """(the parsed value, what was marked). Raises json.JSONDecodeError for text that is
    not JSON at all and RecursionError for nesting too deep, as json.loads does."""
    mended = Mended()

    def number(digits: str) -> int | str:
        if len(digits) <= MAX_DIGITS:
            return int(digits)
        mended.long_numbers += 1
        return f"\ufffd(a number of {len(digits)} digits)"

    text = decode_marked(raw, mended)
    data = json.JSONDecoder(parse_int=number).decode(text)
    if each is not None and type(data) is list:
        data = [each(v) for v in data]
    return data, mended
