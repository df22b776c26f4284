"""Strings from the API are data: strip control characters and escape sequences before
they reach the terminal, and never interpret them as markup."""

from __future__ import annotations

from rich.text import Text

from fleettui.core.text import sanitize


def clean(value: object, *, keep_newlines: bool = False) -> str:
    """Printable text only: escape sequences removed, other control characters dropped
    (the same rules as the table's, see fleettui.core.text)."""
    return sanitize("" if value is None else str(value), keep_newlines=keep_newlines)


def data_text(value: object, style: str = "") -> Text:
    """A rich Text of API data: literal (no markup), cleaned."""
    return Text(clean(value), style=style)
