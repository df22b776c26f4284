"""Plausible VINs for generated fleets: real alphabet, a WMI per brand, a valid check digit.

Every generated VIN passes the strict North American check (position 9) even for European
manufacturers, so a client that validates it never complains about simulator data.
"""

from __future__ import annotations

import operator
import random

#: The 33 characters a VIN may contain (no I, O, Q).
VIN_ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
_DIGITS = "0123456789"

_TRANSLIT = {
    **{d: int(d) for d in _DIGITS},
    "A": 1,
    "B": 2,
    "C": 3,
    "D": 4,
    "E": 5,
    "F": 6,
    "G": 7,
    "H": 8,
    "J": 1,
    "K": 2,
    "L": 3,
    "M": 4,
    "N": 5,
    "P": 7,
    "R": 9,
    "S": 2,
    "T": 3,
    "U": 4,
    "V": 5,
    "W": 6,
    "X": 7,
    "Y": 8,
    "Z": 9,
}
_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
#: Maps each VIN character to the ASCII digit of its transliterated value.
_TO_DIGIT = str.maketrans({c: str(v) for c, v in _TRANSLIT.items()})
_ZERO_TOTAL = ord("0") * sum(_WEIGHTS)

#: World manufacturer identifiers, several per brand where the maker uses several.
WMI: dict[str, tuple[str, ...]] = {
    "volkswagen": ("WVW", "WV1", "WV2"),
    "audi": ("WAU", "WUA"),
    "skoda": ("TMB",),
    "seat": ("VSS",),
    "cupra": ("VSS",),
    "porsche": ("WP0", "WP1"),
    "bmw": ("WBA", "WBY"),
    "mini": ("WMW",),
    "mercedes-benz": ("W1K", "WDD", "W1N"),
    "ford": ("WF0", "WF1"),
    "renault": ("VF1",),
    "dacia": ("UU1",),
    "peugeot": ("VF3",),
    "citroen": ("VF7",),
    "ds": ("VR1",),
    "opel": ("W0L", "W0V"),
    "vauxhall": ("W0V",),
    "fiat": ("ZFA",),
    "alfaromeo": ("ZAR",),
    "jeep": ("1C4", "ZAC"),
    "maserati": ("ZAM",),
    "toyota": ("SB1", "JTD", "VNK"),
    "lexus": ("JTH",),
    "kia": ("U5Y", "KNA"),
    "nissan": ("SJN", "JN1"),
    "tesla": ("LRW", "XP7", "5YJ"),
    "volvo-cars": ("YV1", "LVY"),
    "polestar": ("LPS", "YSM"),
    "sandbox": ("SBX",),
}

#: Model-year codes (position 10) for 2018–2026.
_YEARS = "JKLMNPRST"
#: Lookup tables so one random draw yields several VIN characters (start-up speed at 100k).
_PAIRS = tuple(a + b for a in VIN_ALPHABET for b in VIN_ALPHABET)
_TRIPLES = tuple(a + b for a in VIN_ALPHABET for b in _PAIRS)
_YEAR_PLANT = tuple(y + p for y in _YEARS for p in _LETTERS)
_VDS_SPACE = len(_TRIPLES) * len(_PAIRS)


def check_digit(vin: str) -> str:
    """The position-9 check digit of a 17-character VIN ('X' stands for 10)."""
    if len(vin) != 17:
        raise ValueError("a VIN has 17 characters")
    digits = vin.upper().translate(_TO_DIGIT).encode("ascii")
    total = sum(map(operator.mul, digits, _WEIGHTS)) - _ZERO_TOTAL
    rem = total % 11
    return "X" if rem == 10 else str(rem)


def make_vin(brand: str, rng: random.Random) -> str:
    """One plausible VIN for a brand (unknown brands get a neutral European WMI)."""
    r = rng.random
    wmis = WMI.get(brand, ("VF9",))
    wmi = wmis[int(r() * len(wmis))]
    hi, lo = divmod(int(r() * _VDS_SPACE), len(_PAIRS))
    vds = _TRIPLES[hi] + _PAIRS[lo]
    year_plant = _YEAR_PLANT[int(r() * len(_YEAR_PLANT))]
    serial = f"{int(r() * 1_000_000):06d}"
    draft = f"{wmi}{vds}0{year_plant}{serial}"
    return draft[:8] + check_digit(draft) + draft[9:]


def unique_vins(brands: list[str], rng: random.Random, taken: set[str] | None = None) -> list[str]:
    """A distinct VIN for each brand in the list, avoiding VINs already taken."""
    seen = set(taken or ())
    out = []
    for brand in brands:
        vin = make_vin(brand, rng)
        while vin in seen:
            vin = make_vin(brand, rng)
        seen.add(vin)
        out.append(vin)
    return out
