"""Edit config.toml in place: what the user wrote (comments, order, blank lines) stays as
written, and only the keys and profiles that changed are touched.

`edit(text, old, new)` turns `text` (which parses to `old`) into a text that parses to
`new`: a changed top-level or profile key has its line's value rewritten (its comment
kept), a new key gets one line, a removed profile loses its table (and the comment lines
attached to it), a new profile is appended as a table. Values are written by tomli-w.
The result is checked by parsing it; anything this does not understand (a multi-line
value, dotted keys, profiles written as inline tables) gives None, and the caller writes
the whole file instead.
"""

from __future__ import annotations

import re
import tomllib
from typing import Any

import tomli_w

_HEADER = re.compile(r"^\s*\[(?!\[)(?P<path>[^\]]*)\]\s*(?:#.*)?$")
_ARRAY_HEADER = re.compile(r"^\s*\[\[")
_KEY_LINE = re.compile(r"^\s*(?P<key>(?:\"(?:[^\"\\]|\\.)*\"|'[^']*'|[A-Za-z0-9_-]+))\s*=")


class _Unsupported(Exception):
    """The text has a shape the line editor does not handle."""


def _path_of(header: str) -> tuple[str, ...] | None:
    try:
        data = tomllib.loads(f"[{header}]")
    except tomllib.TOMLDecodeError:
        return None
    path: list[str] = []
    while isinstance(data, dict) and len(data) == 1:
        key, data = next(iter(data.items()))
        path.append(key)
    return tuple(path)


def _key_of(line: str) -> str | None:
    found = _KEY_LINE.match(line)
    if not found:
        return None
    try:
        data = tomllib.loads(f"{found.group('key')} = 0")
    except tomllib.TOMLDecodeError:
        return None
    return next(iter(data))


def _blank_or_comment(line: str) -> bool:
    text = line.strip()
    return not text or text.startswith("#")


def _sections(lines: list[str]) -> list[tuple[tuple[str, ...] | None, int, int]]:
    """(table path or None for the root/array tables, first line, end) per section."""
    out: list[tuple[tuple[str, ...] | None, int, int]] = []
    start = 0
    path: tuple[str, ...] | None = ()
    for i, line in enumerate(lines):
        header = _HEADER.match(line)
        if header or _ARRAY_HEADER.match(line):
            out.append((path, start, i))
            start = i
            path = _path_of(header.group("path")) if header else None
            if header and path is None:
                raise _Unsupported
    out.append((path, start, len(lines)))
    return out


def _value_text(key: str, value: Any) -> str:
    line = tomli_w.dumps({key: value}).rstrip("\n")
    if "\n" in line:
        raise _Unsupported
    return line


def _comment_of(line: str) -> str:
    """The trailing `# comment` of a one-line `key = value`, with its spacing."""
    body = line.rstrip("\n")
    for at in [m.start() for m in re.finditer(r"\s*#", body)]:
        try:
            tomllib.loads(body[:at])
        except tomllib.TOMLDecodeError:
            continue
        return body[at:]
    try:
        tomllib.loads(body)
    except tomllib.TOMLDecodeError:
        raise _Unsupported from None  # a value that goes on over more lines
    return ""


def _edit_keys(lines: list[str], start: int, end: int, old: dict, new: dict) -> list[str]:
    """The section lines[start:end] with its scalar keys turned from `old` into `new`."""
    section = lines[start:end]
    where: dict[str, int] = {}
    for i, line in enumerate(section):
        key = _key_of(line)
        if key is not None:
            where[key] = i
    drop: set[int] = set()
    added: list[str] = []
    for key in dict.fromkeys([*old, *new]):
        if isinstance(old.get(key), dict) or isinstance(new.get(key), dict):
            if old.get(key) != new.get(key):
                raise _Unsupported
            continue
        if key in old and key in new and old[key] == new[key]:
            continue
        at = where.get(key)
        if key not in new:
            if at is None:
                raise _Unsupported
            _comment_of(section[at])
            drop.add(at)
        elif at is None:
            added.append(_value_text(key, new[key]) + "\n")
        else:
            comment = _comment_of(section[at])
            indent = section[at][: len(section[at]) - len(section[at].lstrip())]
            section[at] = indent + _value_text(key, new[key]) + comment + "\n"
    kept = [line for i, line in enumerate(section) if i not in drop]
    if added:
        keys_at = [i for i, line in enumerate(kept) if _key_of(line) is not None]
        if keys_at:
            pos = keys_at[-1] + 1
        elif kept and _HEADER.match(kept[0]):
            pos = 1
        else:  # the root, with no key yet: above the comments that introduce a table
            pos = len(kept)
            while pos > 0 and kept[pos - 1].strip().startswith("#"):
                pos -= 1
            added.append("\n")
        kept[pos:pos] = added
    return kept


def _drop_table(lines: list[str], start: int, end: int) -> tuple[int, int]:
    """The lines to remove for a table from `start` (its header) to `end`: its body, the
    comments directly above its header, but not the comments that introduce the next."""
    while start > 0 and lines[start - 1].strip().startswith("#"):
        start -= 1
    tail = end
    while tail > start and _blank_or_comment(lines[tail - 1]):
        tail -= 1
    # Lines after the body: blank lines go; a comment block separated from the body by a
    # blank line belongs to what follows.
    cut = tail
    while cut < end and lines[cut].strip().startswith("#"):
        cut += 1
    while cut < end and not lines[cut].strip():
        cut += 1
    return start, cut


def edit(text: str, old: dict[str, Any], new: dict[str, Any]) -> str | None:
    """`text` (parsing to `old`) edited to parse to `new`; None when it cannot be done
    line by line."""
    try:
        result = _edit(text, old, new)
    except _Unsupported:
        return None
    if new.get("profiles") == {}:  # no profile left: no [profiles] table either
        new = {k: v for k, v in new.items() if k != "profiles"}
    try:
        if tomllib.loads(result) != new:
            return None
    except tomllib.TOMLDecodeError:
        return None
    return result


def _lines(text: str) -> list[str]:
    # TOML ends lines with LF or CRLF only; str.splitlines would also break inside a
    # value at U+0085, U+2028, form feed... (found by the property test).
    lines = text.replace("\r\n", "\n").split("\n")
    lines = [line + "\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    return lines


def _edit(text: str, old: dict[str, Any], new: dict[str, Any]) -> str:
    old_profiles = old.get("profiles", {})
    new_profiles = new.get("profiles", {})
    if not isinstance(old_profiles, dict) or not isinstance(new_profiles, dict):
        raise _Unsupported
    # The top-level keys first, then (on the text that gives) the tables, so no two
    # edits ever overlap.
    lines = _lines(text)
    root_old = {k: v for k, v in old.items() if k != "profiles"}
    root_new = {k: v for k, v in new.items() if k != "profiles"}
    if root_old != root_new:
        _, s, e = _sections(lines)[0]
        lines[s:e] = _edit_keys(lines, s, e, root_old, root_new)
    tables = [(path, s, e) for path, s, e in _sections(lines) if path and path[0] == "profiles"]
    if any(len(path) == 1 for path, _, _ in tables):
        raise _Unsupported  # a [profiles] table of inline tables or dotted keys
    edits: list[tuple[int, int, list[str]]] = []
    for name in dict.fromkeys([*old_profiles, *new_profiles]):
        own = [(s, e) for path, s, e in tables if path[1] == name]
        before, after = old_profiles.get(name), new_profiles.get(name)
        if before == after or before is None:
            continue  # unchanged, or new (appended below)
        if after is None:
            edits += [(*_drop_table(lines, s, e), []) for s, e in own]
            continue
        main = [(s, e) for path, s, e in tables if path == ("profiles", name)]
        if len(main) != 1 or len(own) != 1:
            raise _Unsupported
        s, e = main[0]
        while e > s + 1 and _blank_or_comment(lines[e - 1]):
            e -= 1  # the comments after the body may introduce the next table
        edits.append((s, e, _edit_keys(lines, s, e, before, after)))
    edits.sort(key=lambda x: x[0])
    for (_, end, _), (start, _, _) in zip(edits, edits[1:], strict=False):
        if start < end:
            raise _Unsupported
    for s, e, replacement in reversed(edits):
        lines[s:e] = replacement
    for name, data in new_profiles.items():
        if name not in old_profiles:
            if lines and lines[-1].strip():
                lines.append("\n")
            lines.append(tomli_w.dumps({"profiles": {name: data}}))
    return "".join(lines)
