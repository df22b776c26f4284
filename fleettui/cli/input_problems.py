"""A command's input, checked: its problems said on one line (each once, a shared prefix
once), a VIN's problems with the VIN named, and `--tag key=value` pairs read (a bad pair
is bad usage, exit 2).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from fleettui.cli.common import UsageError, plain
from fleettui.core.vehicle_lines import tag_problem
from fleettui.core.vin import VinCheck


def join_problems(problems: Iterable[str]) -> str:
    """Problems as one line, each once, a shared short prefix said once:
    ``["VIN: 27 characters", "VIN: letter O at 5"]`` -> ``VIN: 27 characters; letter O at 5``."""
    out: list[str] = []
    last_prefix: str | None = None
    for problem in dict.fromkeys(" ".join(str(p).split()) for p in problems):
        if not problem:
            continue
        prefix, sep, rest = problem.partition(": ")
        is_prefix = bool(sep) and bool(rest) and len(prefix) <= 24
        if is_prefix and prefix == last_prefix:
            out.append(rest)
            continue
        out.append(problem)
        last_prefix = prefix if is_prefix else None
    return "; ".join(out)


def vin_problem(check: VinCheck) -> str:
    """``VIN 'BADVIN': 6 characters, need 17`` — one line naming the VIN and every problem."""
    return f"VIN {plain(check.vin)!r}: " + join_problems(check.problems)


def parse_tags(items: Sequence[str] | None) -> dict[str, str]:
    """``["k=v", ...]`` to a dict; a pair without '=' or with an empty key is bad usage."""
    tags: dict[str, str] = {}
    for item in items or ():
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"tag {plain(item)!r} must look like key=value")
        problem = tag_problem(key.strip(), value.strip())
        if problem is not None:
            raise UsageError(f"{problem}; nothing was sent")
        tags[key.strip()] = value.strip()
    return tags
