"""The API's brand list, the groups the provider's rules speak of, and per-brand rules.

Two published lists matter besides ours: the clearance spec's brand enum (`published`:
newer prose also names `nissan`, which the enum lacks, so the provider may refuse it with
"The brand is invalid"; it is kept, marked), and the much shorter list the eligibility
API covers (`ELIGIBILITY_BRANDS`, from hm-eligibility-v1.yml).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

VW_CUSTOMER_TAG = "vw-group-customer-name"


@dataclass(frozen=True, slots=True)
class Brand:
    code: str  # the API value, e.g. "mercedes-benz"
    display: str  # e.g. "Mercedes-Benz"
    group: str  # e.g. "Stellantis"; the reason catalogue uses these names
    cancelable: bool  # a pending clearance may be cancelled through the API
    required_tags: tuple[str, ...] = ()
    known: bool = True
    #: In the clearance spec's published brand enum.
    published: bool = True

    @property
    def eligibility_check(self) -> bool:
        """Whether the eligibility API can check VINs of this brand."""
        return self.code in ELIGIBILITY_BRANDS

    @property
    def note(self) -> str | None:
        """A caveat to show next to the brand, or None."""
        if self.known and not self.published:
            return (
                f"{self.code} is not in the provider's published brand list; the "
                "provider may refuse it ('The brand is invalid')"
            )
        return None


STELLANTIS = "Stellantis"
VW_GROUP = "VW Group"
BMW_GROUP = "BMW Group"
TOYOTA_GROUP = "Toyota Group"
RENAULT_GROUP = "Renault Group"

_VW_TAGS = (VW_CUSTOMER_TAG,)

BRANDS: dict[str, Brand] = {
    b.code: b
    for b in (
        Brand("bmw", "BMW", BMW_GROUP, False),
        Brand("mini", "MINI", BMW_GROUP, False),
        Brand("alfaromeo", "Alfa Romeo", STELLANTIS, True),
        Brand("citroen", "Citroën", STELLANTIS, True),
        Brand("ds", "DS", STELLANTIS, True),
        Brand("fiat", "Fiat", STELLANTIS, True),
        Brand("jeep", "Jeep", STELLANTIS, True),
        Brand("maserati", "Maserati", STELLANTIS, True),
        Brand("opel", "Opel", STELLANTIS, True),
        Brand("peugeot", "Peugeot", STELLANTIS, True),
        Brand("vauxhall", "Vauxhall", STELLANTIS, True),
        Brand("mercedes-benz", "Mercedes-Benz", "Mercedes-Benz", True),
        Brand("ford", "Ford", "Ford", False),
        Brand("renault", "Renault", RENAULT_GROUP, False),
        Brand("dacia", "Dacia", RENAULT_GROUP, False),
        Brand("toyota", "Toyota", TOYOTA_GROUP, False),
        Brand("lexus", "Lexus", TOYOTA_GROUP, False),
        Brand("porsche", "Porsche", "Porsche", False),
        Brand("kia", "Kia", "Kia", False),
        Brand("nissan", "Nissan", "Nissan", False, published=False),
        Brand("tesla", "Tesla", "Tesla", False),
        Brand("volvo-cars", "Volvo Cars", "Volvo Cars", False),
        Brand("polestar", "Polestar", "Polestar", False),
        Brand("volkswagen", "Volkswagen", VW_GROUP, True, _VW_TAGS),
        Brand("audi", "Audi", VW_GROUP, True, _VW_TAGS),
        Brand("skoda", "Škoda", VW_GROUP, True, _VW_TAGS),
        Brand("seat", "SEAT", VW_GROUP, True, _VW_TAGS),
        Brand("cupra", "Cupra", VW_GROUP, True, _VW_TAGS),
        Brand("sandbox", "Sandbox", "Sandbox", False),
    )
}

BRAND_CODES: tuple[str, ...] = tuple(sorted(BRANDS))

#: Brands the eligibility API (`POST /v1/eligibility`) covers.
ELIGIBILITY_BRANDS: frozenset[str] = frozenset(
    {
        "mercedes-benz",
        "ford",
        "bmw",
        "mini",
        "citroen",
        "peugeot",
        "opel",
        "vauxhall",
        "ds",
        "jeep",
        "fiat",
        "alfaromeo",
        "renault",
        "toyota",
        "lexus",
        "volvo-cars",
        "sandbox",
    }
)

GROUPS: dict[str, tuple[str, ...]] = {}
for _b in BRANDS.values():
    GROUPS.setdefault(_b.group, ())
    GROUPS[_b.group] += (_b.code,)


def normalise_brand(value: str) -> str:
    return value.strip().lower()


def brand_info(code: str) -> Brand:
    """Rules for a brand code; an unknown code gets a conservative stand-in (no cancel)."""
    key = normalise_brand(code) if isinstance(code, str) else ""
    found = BRANDS.get(key)
    if found is not None:
        return found
    return Brand(key or "?", key or "?", "Other", False, (), known=False)


def is_known_brand(code: str) -> bool:
    return normalise_brand(code) in BRANDS


def suggest_brands(text: str, limit: int = 8) -> list[str]:
    """Brand codes for type-ahead: prefix matches on code or display name first, then substrings."""
    t = normalise_brand(text)
    if not t:
        return list(BRAND_CODES[:limit])
    prefix = [c for c in BRAND_CODES if c.startswith(t) or BRANDS[c].display.lower().startswith(t)]
    inner = [
        c for c in BRAND_CODES if c not in prefix and (t in c or t in BRANDS[c].display.lower())
    ]
    return (prefix + inner)[:limit]


def brand_group_key(name: str) -> str:
    """A group's short key for filters: 'VW Group' -> 'vw', 'Mercedes-Benz' -> 'mercedesbenz'."""
    key = name.lower().replace(" group", "")
    return "".join(ch for ch in key if ch.isalnum())


def similar_brands(text: str, limit: int = 4) -> list[str]:
    """Brand codes a mistyped brand probably meant: prefix or substring matches first,
    then close spellings ('bmww' -> bmw, 'volkswagon' -> volkswagen). Empty if none."""
    t = normalise_brand(text)
    if len(t) < 2:
        return []
    found = [c for c in suggest_brands(t, limit) if c != t]
    names = {c: c for c in BRAND_CODES} | {BRANDS[c].display.lower(): c for c in BRAND_CODES}
    for name in difflib.get_close_matches(t, list(names), n=limit, cutoff=0.7):
        if names[name] not in found:
            found.append(names[name])
    return found[:limit]


def missing_required_tags(code: str, tags: dict[str, str]) -> list[str]:
    """Tags the brand needs that are absent or blank."""
    return [t for t in brand_info(code).required_tags if not str(tags.get(t, "")).strip()]
