"""Strings from the API are data: strip control characters and escape sequences before
they reach the terminal, and never interpret them as markup."""

from __future__ import annotations

import re

from rich.text import Text

_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b.")
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(value: object, *, keep_newlines: bool = False) -> str:
    """Printable text only: escape sequences removed, other control characters dropped."""
    text = "" if value is None else str(value)
    text = _ESCAPES.sub("", text)
    if not keep_newlines:
        text = text.replace("\n", " ").replace("\t", " ")
    return _CONTROLS.sub("", text)


def data_text(value: object, style: str = "") -> Text:
    """A rich Text of API data: literal (no markup), cleaned."""
    return Text(clean(value), style=style)
