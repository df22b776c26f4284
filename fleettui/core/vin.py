"""VIN checks done before anything is sent to the provider.

A VIN is 17 characters from A-Z and 0-9, never I, O or Q (they look like 1 and 0).
Each refusal names exactly what is wrong and where (positions count from 1). The check
digit at position 9 is binding only for North American VINs (first character 1-5), and
even there a mismatch is only a warning: the provider, not us, has the last word.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

VIN_LENGTH = 17
ALLOWED = frozenset("ABCDEFGHJKLMNPRSTUVWXYZ0123456789")
NEVER_USED = frozenset("IOQ")
#: How many kinds of bad character are listed one by one before summarising the rest.
#: The same character at several positions is one problem ("letter O at positions 5, 7").
MAX_CHAR_PROBLEMS = 5

_TRANSLIT = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


@dataclass(frozen=True, slots=True)
class VinCheck:
    vin: str  # normalised input
    ok: bool  # True when there are no problems
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line: the problems, or 'ok' (warnings appended after a semicolon)."""
        parts = self.problems or ["ok"]
        return "; ".join(parts + self.warnings)


_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def normalise_vin(value: str) -> str:
    """Trim surrounding whitespace and upper-case a-z; nothing else is changed (so 'ß' is
    reported as it was typed rather than silently becoming 'SS')."""
    return value.strip().translate(_ASCII_UPPER)


def _describe_char(ch: str) -> str:
    if ch == " ":
        return "a space"
    if ch.isspace() or unicodedata.category(ch).startswith("C"):
        return f"control character U+{ord(ch):04X}"
    return f"'{ch}'"


def _positions(positions: list[int]) -> str:
    """'position 5', 'positions 5 and 9', 'positions 1-4, 7 and 9' (runs of 3+ joined)."""
    if len(positions) == 1:
        return f"position {positions[0]}"
    runs: list[list[int]] = []
    for p in positions:
        if runs and p == runs[-1][-1] + 1:
            runs[-1].append(p)
        else:
            runs.append([p])
    parts: list[str] = []
    for run in runs:
        parts += [f"{run[0]}-{run[-1]}"] if len(run) >= 3 else [str(p) for p in run]
    if len(parts) == 1:
        return f"positions {parts[0]}"
    return f"positions {', '.join(parts[:-1])} and {parts[-1]}"


def _char_problem(ch: str, positions: list[int]) -> str:
    """One sentence for one bad character, naming every position it is at."""
    where = _positions(positions)
    if ch in NEVER_USED:
        return f"letter {ch} at {where} is never used in VINs"
    what = _describe_char(ch)
    if ch.isalnum():
        return f"{what} at {where} is not a letter A-Z or digit 0-9"
    return f"{what} at {where} is not a letter or digit"


def check_digit(vin: str) -> str | None:
    """The expected position-9 check digit ('0'-'9' or 'X'); None if the VIN can't have one."""
    if len(vin) != VIN_LENGTH or any(c not in _TRANSLIT for c in vin):
        return None
    total = sum(_TRANSLIT[c] * w for c, w in zip(vin, _WEIGHTS, strict=True))
    rem = total % 11
    return "X" if rem == 10 else str(rem)


def is_north_american(vin: str) -> bool:
    return bool(vin) and vin[0] in "12345"


def check_vin(value: str) -> VinCheck:
    """Check a VIN as typed; see the module docstring for the rules."""
    if not isinstance(value, str):
        return VinCheck("", False, ["not text; a VIN is 17 letters and digits"])
    vin = normalise_vin(value)
    problems: list[str] = []
    warnings: list[str] = []
    if not vin:
        return VinCheck(vin, False, ["empty; a VIN has 17 characters"])
    if len(vin) != VIN_LENGTH:
        n = len(vin)
        problems.append(f"{n} character{'s' if n != 1 else ''}, need {VIN_LENGTH}")
    bad: dict[str, list[int]] = {}  # each bad character once, with all its positions
    for i, c in enumerate(vin, start=1):
        if c not in ALLOWED:
            bad.setdefault(c, []).append(i)
    kinds = list(bad.items())
    for ch, positions in kinds[:MAX_CHAR_PROBLEMS]:
        problems.append(_char_problem(ch, positions))
    if len(kinds) > MAX_CHAR_PROBLEMS:
        rest = sum(len(p) for _, p in kinds[MAX_CHAR_PROBLEMS:])
        problems.append(f"and {rest} more characters that are not allowed")
    if not problems and is_north_american(vin):
        expected = check_digit(vin)
        if expected is not None and vin[8] != expected:
            warnings.append(
                f"check digit at position 9 is {vin[8]} but the rest of the VIN gives "
                f"{expected}; North American VINs normally match, so look for a typo"
            )
    return VinCheck(vin, not problems, problems, warnings)
