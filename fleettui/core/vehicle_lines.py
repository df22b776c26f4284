"""The pieces of the `vin,brand[,key=value...]` line format that the command line
(`fleettui add --file`) and the monitor's add form share: splitting a line into fields,
reading a `key=value` tag, and reading a file of such lines."""

from __future__ import annotations

import csv
from pathlib import Path


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
    size = path.stat().st_size
    if size > max_bytes:
        raise ValueError(f"{path} is {size} bytes; split it into files under "
                         f"{max_bytes // 1_000_000} MB")
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError(f"{path} is not UTF-8 text") from None
