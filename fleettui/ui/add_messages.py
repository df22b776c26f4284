"""What the add form posts (its own module, so the app can handle them without loading
the form, which loads when first opened)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from fleettui.monitor.add_lines import AddLine


@dataclass
class AddSubmitted(Message):
    """The add form's lines that passed the local checks, to send."""

    lines: list[AddLine]


@dataclass
class EligibilityWanted(Message):
    """The add form wants to know whether these (vin, brand) can be activated."""

    pairs: list[tuple[str, str]]
