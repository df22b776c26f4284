"""`list --json` lines straight from the answer's own text, for the usual, plain vehicles.

`fleettui.api.list_stream` parses most of a list answer as runs of whole vehicle
objects (``{"vin":...},{"vin":...}``), one `json.loads` each, and hands on each run's
text with its objects (`list_stream.Batch`). When that text shows that every vehicle of
the run is plain, each line is one %-template (one per shape of vehicle: how many tags,
which history entries have a reason) filled with the vehicle's strings as the parse
holds them: no dict is built and nothing goes through the encoder.

The text vouches for the objects (`read_run`; anything else: None, and the caller takes
the objects the one-pass way, `list_items.fast_parts`):

- ASCII, no backslash (so no string holds a quote, a backslash or a control, and `"%s"`
  is how the encoder writes each), no DEL (nothing for `json_safe` to do);
- one precompiled pattern matches the whole run: objects with exactly the keys vin,
  status, brand, tags, changelog in that order; string tag values; history entries of
  exactly timestamp, status (and a reason that is not blank) in that order; known
  states; timestamps of the forms `...THH:MM:SS`, with an optional fraction and Z (the
  template keeps their first 19 characters and adds Z, as the one-pass read does);
- per vehicle, from its objects: a plain brand, real dates in order (the same checks as
  `fast_parts`, the same datetime parse); the state's start and reason.

What the lines hold then equals the compact JSON of the one-pass object
(`fleettui.core.json_codec.compact`) byte for byte (the
tests check it on Hypothesis' odd and hostile vehicles and on simulator fleets).
"""

from __future__ import annotations

import re
from datetime import datetime
from itertools import accumulate, chain, compress, count, islice, repeat
from operator import gt, itemgetter, methodcaller
from typing import Any

from fleettui.cli.list_items import PLAIN_BRANDS as _PLAIN
from fleettui.cli.list_items import STATES, plain_brand

_fromiso = datetime.fromisoformat
_LOG = itemgetter("changelog")

_STATE = "(?:" + "|".join(sorted(STATES)) + ")"
#: A string: no quote inside (there is no backslash in the run).
_TEXT = r'"[^"]*"'
_STAMP = r'"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,6})?Z?"'
#: A history entry's reason with some non-space (a blank one is left out of the output:
#: such a run goes the one-pass way). The non-space is asserted by a lookahead, so the
#: string itself has one way to match: `"[^"]*[^"\s][^"]*"` had one per character, and a
#: run that failed at its end backtracked through the product of them (a 30-entry run
#: held `fleettui list --json` for minutes, found by Hypothesis).
_WHY = r'"(?=[^"]*[^"\s])[^"]*"'
_ENTRY = rf'\{{"timestamp":{_STAMP},"status":"{_STATE}"(?:,"reason":{_WHY})?\}}'
_TAGS = rf"\{{(?:{_TEXT}:{_TEXT}(?:,{_TEXT}:{_TEXT})*)?\}}"
_VEHICLE = (
    rf'\{{"vin":"[0-9A-Za-z]+","status":"{_STATE}","brand":{_TEXT},"tags":{_TAGS},'
    rf'"changelog":\[(?:{_ENTRY}(?:,{_ENTRY})*)?\]\}}'
)
_RUN = re.compile(rf"{_VEHICLE}(?:,{_VEHICLE})*")

_HEAD = itemgetter("vin", "status", "brand", "tags", "changelog")
_values = methodcaller("values")
_chain = chain.from_iterable
#: The line of a vehicle by its shape: (how its state began: _WHY_SINCE, _SINCE or
#: _NOT_KNOWN; tags; fields of each history entry).
_TEMPLATES: dict[tuple[int, ...], str] = {}
_MOST_TEMPLATES = 2_000
_WHY_SINCE, _SINCE, _NOT_KNOWN = range(3)
_ENDS = (
    ',"reason":"%s","state_since":"%.19sZ"',
    ',"reason":null,"state_since":"%.19sZ"',
    ',"reason":null,"state_since":null',
)


def _template(shape: tuple[int, ...]) -> str:
    """The line of a vehicle of this shape after its `{"vin":`, up to its seconds in
    state, as a %-template of its strings in the order the parse holds them (all are
    plain, see the module), then its reason and state's start when known."""
    tags = ",".join(['"%s":"%s"'] * shape[1])
    entries = ",".join(
        '{"timestamp":"%.19sZ","status":"%s"' + (',"reason":"%s"}' if n == 3 else "}")
        for n in shape[2:]
    )
    return (
        '"%s","status":"%s","brand":"%s","tags":{'
        + tags
        + '},"changelog":['
        + entries
        + "]"
        + _ENDS[shape[0]]
    )


def read_run(text: str, items: list[Any]) -> tuple[list[str | None], list[datetime | None]] | None:
    """For each vehicle of the run (`text` and its parse `items`): its output line after
    its opening `{"vin":` and up to its state's start (without `,"seconds_in_state":N}`,
    as `json_lines.JsonLines` keeps it), None for a vehicle to read the one-pass way; and
    the naive UTC time its current state began. None: the run's text cannot be used (see
    the module)."""
    if not text.isascii() or "\\" in text or "\x7f" in text or _RUN.fullmatch(text) is None:
        return None
    logs = list(map(_LOG, items))
    stamps = [e["timestamp"] for log in logs for e in log]
    try:
        whens = list(map(_fromiso, map(str.rstrip, stamps, repeat("Z"))))
    except ValueError:
        return None  # not a real date: the exact way says so
    # A time earlier than the one before it must start a vehicle's history.
    starts = set(accumulate(map(len, logs), initial=0))
    unsorted = set(compress(count(1), map(gt, whens, islice(whens, 1, None)))) - starts
    lines: list[str | None] = []
    began: list[datetime | None] = []
    add, add_began = lines.append, began.append
    templates, plain = _TEMPLATES, _PLAIN
    pos = 0
    for obj in items:
        vin, status, brand, tags, log = _HEAD(obj)
        n = len(log)
        if (unsorted and any(pos < k < pos + n for k in unsorted)) or (
            brand not in plain and not plain_brand(brand)
        ):
            add(None)
            add_began(None)
            pos += n
            continue
        values = (vin, status, brand, *_chain(tags.items()), *_chain(map(_values, log)))
        k = n - 1
        if n and log[k]["status"] == status:
            why = log[k].get("reason")
            while k and log[k - 1]["status"] == status:
                k -= 1
            if why:
                kind, values = _WHY_SINCE, (*values, why, stamps[pos + k])
            else:
                kind, values = _SINCE, (*values, stamps[pos + k])
            add_began(whens[pos + k])
        else:
            kind = _NOT_KNOWN
            add_began(None)
        shape = (kind, len(tags), *map(len, log))
        template = templates.get(shape)
        if template is None:
            template = _template(shape)
            if len(templates) < _MOST_TEMPLATES:  # a hostile answer's shapes are not kept
                templates[shape] = template
        add(template % values)
        pos += n
    return lines, began
