"""Compact JSON text, through a native encoder (`orjson`) when it is installed and gives
exactly the text Python's own encoder gives, and through Python's `json` otherwise.

Compact: `,` and `:` with no space after them, non-ASCII written as itself
(`ensure_ascii=False`), quotes, backslashes and C0 controls escaped the same way by both.
`compact` is Python's encoder; `native` is orjson's, or None when orjson is not installed,
when `FLEETTUI_PURE_JSON` is set (the tests run the listing both ways), or when it
cannot write the value the way `compact` does: a string with a lone surrogate, an
integer over 64 bits. orjson also writes floats in its own form (`1e-7` for Python's
`1e-07`) and NaN/Infinity as null, so `native` is exact only for values without floats:
callers hand it nothing else (the listing's objects hold text, None, small ints).

Why a native encoder at all: `fleettui list --json` at 100,000 vehicles writes 36 MB of
JSON made from ~3 million strings, and Python's encoder spends ~0.35 s of CPU on it
against orjson's ~0.06 s (bench/RESULTS.md).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

#: Set (to anything but empty) to use Python's encoder only: read at each use, so a
#: process forked after this module was imported (the tests' CLI runner) obeys it too.
PURE_VARIABLE = "FLEETTUI_PURE_JSON"
_NOT_LOADED: Any = object()
#: orjson's encoder once looked for (None: not installed); imported on first use, as the
#: CSV and the table never need it.
_dumps: Callable[[Any], bytes] | None = _NOT_LOADED


def _native_dumps() -> Callable[[Any], bytes] | None:
    global _dumps
    if _dumps is _NOT_LOADED:
        try:
            import orjson
        except ImportError:
            _dumps = None
        else:
            _dumps = orjson.dumps
    return None if os.environ.get(PURE_VARIABLE) else _dumps


#: Python's compact encoder. No cycle check: callers hand it parsed JSON (a tree), and
#: the check costs ~15% of the encoding.
compact: Callable[[Any], str] = json.JSONEncoder(
    ensure_ascii=False, check_circular=False, separators=(",", ":")
).encode


def native_available() -> bool:
    """Is the native encoder in use (installed, and not switched off)?"""
    return _native_dumps() is not None


def native(value: Any) -> str | None:
    """`compact(value)` made by the native encoder, for a value without floats; None when
    that encoder is not in use or cannot write the value the same way (the caller then
    uses `compact`)."""
    dumps = _native_dumps()
    if dumps is None:
        return None
    try:
        out = dumps(value)
    except TypeError:  # a lone surrogate, an int over 64 bits, a type it does not know
        return None
    return out.decode()
