"""Lines typed, pasted or loaded into the add form, parsed and checked before sending.

Each line is `vin[,brand[,key=value...]]` (the CSV format too; a `vin,brand` header is
skipped). A line without a brand takes the form's brand; the form's tags apply to every
line unless the line sets the same key. Nothing Textual here, so it is tested directly.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from fleettui.core.brands import VW_CUSTOMER_TAG, brand_info, normalise_brand
from fleettui.core.rules import check_new_vehicle
from fleettui.core.text import sanitize
from fleettui.core.vehicle_lines import parse_tag, read_text_file, split_fields, tag_problem
from fleettui.core.vin import normalise_vin

MAX_CSV_BYTES = 20_000_000


@dataclass
class AddLine:
    raw: str
    vin: str
    brand: str
    tags: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class AddDraft:
    """What was in the form when it was closed with Escape; the next `a` restores it."""

    vin: str = ""
    brand: str = ""
    customer: str = ""
    tags: str = ""
    many: str = ""

    @property
    def empty(self) -> bool:
        return not any(
            v.strip() for v in (self.vin, self.brand, self.customer, self.tags, self.many)
        )

    @property
    def line_count(self) -> int:
        rows = [r for r in self.many.splitlines() if r.strip() and not r.strip().startswith("#")]
        return len(rows) + (1 if self.vin.strip() else 0)


def parse_tags(text: str) -> tuple[dict[str, str], list[str]]:
    """`k=v, k2=v2` (commas or semicolons) → tags, problems."""
    tags: dict[str, str] = {}
    problems: list[str] = []
    for part in text.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        tag = parse_tag(part)
        if tag is None:
            problems.append(f"tag {sanitize(part, mark=True)!r} is not key=value")
            continue
        problem = tag_problem(*tag)  # a control or invisible character: refused, not sent
        if problem is not None:
            problems.append(problem)
            continue
        tags[tag[0]] = tag[1]
    return tags, problems


def needs_customer_name(brand: str) -> bool:
    return VW_CUSTOMER_TAG in brand_info(brand).required_tags


def parse_line(
    raw: str,
    default_brand: str = "",
    default_tags: dict[str, str] | None = None,
    customer: str = "",
) -> AddLine:
    """`customer` (the form's Customer field) is added only to VW-group lines."""
    fields = split_fields(raw)
    vin = normalise_vin(fields[0]) if fields else ""
    brand = (
        normalise_brand(fields[1])
        if len(fields) > 1 and fields[1]
        else normalise_brand(default_brand)
    )
    tags = dict(default_tags or {})
    problems: list[str] = []
    for extra in fields[2:]:
        if not extra:
            continue
        line_tags, tag_problems = parse_tags(extra)
        tags.update(line_tags)
        problems += tag_problems
    if customer and brand and needs_customer_name(brand):
        tags.setdefault(VW_CUSTOMER_TAG, customer)
    checked = check_new_vehicle(
        vin, brand, tags, no_brand="no brand: add ,brand to the line or fill the Brand field"
    )
    return AddLine(raw=raw, vin=vin, brand=brand, tags=tags, problems=checked + problems)


def customer_wanted(brand: str, many: str) -> bool:
    """Should the form show its Customer field: the Brand field, or a line of the block
    (its own brand), is a brand that needs the customer name. A triage fix fills only
    the block, and says "check the customer name": the field must be there to check."""
    if needs_customer_name(brand):
        return True
    seen: set[str] = set()
    for raw in many.splitlines():
        if raw.lstrip().startswith("#"):
            continue
        _, sep, rest = raw.partition(",")
        own = normalise_brand(rest.partition(",")[0]) if sep else ""
        if own and own not in seen:
            if needs_customer_name(own):
                return True
            seen.add(own)
    return False


def has_own_brand(raw: str) -> bool:
    """Does the line name its brand (rather than taking the form's Brand field)?"""
    fields = split_fields(raw)
    return len(fields) > 1 and bool(fields[1])


def is_header(raw: str) -> bool:
    fields = [f.lower() for f in split_fields(raw)]
    return len(fields) >= 1 and fields[0] == "vin"


def parse_block(
    text: str,
    default_brand: str = "",
    default_tags: dict[str, str] | None = None,
    customer: str = "",
) -> list[AddLine]:
    """Every non-blank, non-comment, non-header line, parsed and checked."""
    out: list[AddLine] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or is_header(line):
            continue
        out.append(parse_line(line, default_brand, default_tags, customer))
    return out


def read_csv_file(path: Path) -> str:
    """The file's lines, ready for the paste area. Raises OSError/ValueError with a
    message a person can act on."""
    text = read_text_file(path, MAX_CSV_BYTES)
    rows = csv.reader(io.StringIO(text))
    return "\n".join(",".join(r) for r in rows if any(c.strip() for c in r))
