"""The `add --file` format: one vehicle per line, ``vin,brand[,key=value...]``.

Blank lines, ``#`` comments and a ``vin,brand`` header line are skipped. Refused lines
are written back out exactly as they were read, each after a ``# line N: why`` comment,
so a rejects file can be fixed and fed straight back to `fleettui add --file`.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from fleettui.core.brands import normalise_brand
from fleettui.core.text import sanitize
from fleettui.core.vehicle_lines import parse_tag, read_text_file, split_fields, tag_problem
from fleettui.core.vin import normalise_vin

MAX_FILE_BYTES = 50_000_000
#: Said of a line that names no brand.
NO_BRAND = "no brand: the line must be vin,brand[,key=value...]"


@dataclass
class VehicleLine:
    number: int  # 1-based line number in the file (0 for the command line)
    raw: str  # the line as read, written back out when refused
    vin: str
    brand: str
    tags: dict[str, str] = field(default_factory=dict)
    #: What reading the line found (tags that are not key=value); the VIN, brand and
    #: tag rules are checked with it by `fleet_write` (every problem of a line told).
    problems: list[str] = field(default_factory=list)


def format_line(vin: str, brand: str, tags: dict[str, str]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow(
        [vin, brand, *(f"{k}={v}" for k, v in tags.items())]
    )
    return buf.getvalue()


def parse_line(number: int, raw: str) -> VehicleLine:
    fields = split_fields(raw)
    vin = normalise_vin(fields[0]) if fields else ""
    brand = normalise_brand(fields[1]) if len(fields) > 1 else ""
    line = VehicleLine(number, raw, vin, brand)
    for extra in fields[2:]:
        if not extra:
            continue
        tag = parse_tag(extra)
        if tag is None:
            line.problems.append(f"{sanitize(extra, mark=True)!r} is not a tag (key=value)")
            continue
        problem = tag_problem(*tag)
        if problem is not None:
            line.problems.append(problem)
        else:
            line.tags[tag[0]] = tag[1]
    return line


def parse_text(text: str) -> list[VehicleLine]:
    out: list[VehicleLine] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if (
            stripped.lower().replace(" ", "").startswith(("vin,brand", "vin;brand"))
            or stripped.lower() == "vin"
        ):
            continue
        out.append(parse_line(number, raw.rstrip("\r\n")))
    return out


def read_file(path: Path) -> list[VehicleLine]:
    """Parse a file; OSError/ValueError carry a message a person can act on."""
    return parse_text(read_text_file(path, MAX_FILE_BYTES))


def write_rejects(rejects: list[tuple[VehicleLine, str]], stream: IO[str]) -> None:
    """Each refused line after its reason. Hidden characters (controls, escapes, bidi)
    are left out, also from the line itself: they never reach a terminal, and they are
    what the fixed line must not have."""
    for line, why in rejects:
        where = f"line {line.number}" if line.number else "command line"
        stream.write(f"# {where}: {' '.join(sanitize(why).split())}\n{sanitize(line.raw)}\n")
