"""Strings from outside (the provider, local files, pastes) are data: the one sanitiser
every sink uses before text reaches a terminal, a file or a spreadsheet.

- `sanitize` (the terminal UI: table, detail, toasts, dialogs): whole escape sequences
  removed (CSI, OSC, DCS, SOS, PM, APC, in their 7- and 8-bit forms), other C0/C1
  controls and DEL dropped, line breaks and tabs turned into spaces (or newlines kept,
  for multi-line notices), bidi overrides/isolates/marks and zero-width or other
  invisible format characters dropped, lone surrogates (which no terminal can encode)
  replaced. `mark=True` puts a visible `�` where something was removed, for values where
  a hidden character matters (a VIN, a tag key): the value cannot pass for another.
- `one_line` (plain one-line output: CLI tables, error messages): the same, white space
  folded, cut to a length.
- `csv_cell` (CSV written by the CLI and the monitor's export): sanitised, and a cell that
  a spreadsheet would run as a formula (starting `=`, `+`, `-`, `@`, tab, CR) is prefixed
  with `'`.

Printable text (the usual case) passes through `sanitize` untouched at the cost of one
`str.isprintable` call.
"""

from __future__ import annotations

import re
import unicodedata

MARK = "\ufffd"

# Escape sequences, removed whole. String sequences (OSC, DCS, SOS, PM, APC) run to their
# terminator (BEL or ST, 7- or 8-bit) or, unterminated, to the end of the text: a
# terminal would swallow that text too. CSI: parameters, intermediates, one final byte.
# Other ESC sequences: intermediates (0x20-0x2F) then one final character.
_ESCAPES = re.compile(
    r"(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c|(?=\x1b)|$)"
    r"|(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?"
    r"|\x1b[\x20-\x2f]*[\x30-\x7e]?"
)
#: Invisible format characters: soft hyphen, Arabic letter mark, Mongolian vowel
#: separator, zero-width space/joiners, LRM/RLM, bidi embeddings/overrides, word joiner
#: and invisible operators, bidi isolates and deprecated format controls, BOM,
#: interlinear annotations, tag characters; plus U+2028/2029 (line/paragraph separators).
_INVISIBLE_CHARS = (
    "\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f"
    "\ufeff\ufff9-\ufffb\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0000-\U000e007f\u2028\u2029"
)
_CONTROL_CHARS = "\x00-\x1f\x7f-\x9f"
_DROP = re.compile(f"[{_CONTROL_CHARS}{_INVISIBLE_CHARS}]")
_SPACES = re.compile(r"[\t\n\r\u2028\u2029\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_SURROGATES = re.compile("[\ud800-\udfff]")
_KEEP_LINES = re.compile(r"\r\n?|[\u2028\u2029]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def sanitize(text: str, *, keep_newlines: bool = False, mark: bool = False) -> str:
    """Safe to put on a terminal: no escapes, no control or invisible characters."""
    if text.isprintable():
        return text
    gone = MARK if mark else ""
    text = _ESCAPES.sub(gone, text)
    if keep_newlines:
        text = _KEEP_LINES.sub("\n", text)
        lines = text.split("\n")
        return "\n".join(_clean_line(line, gone) for line in lines)
    return _clean_line(text, gone)


def _clean_line(text: str, gone: str) -> str:
    text = _SPACES.sub(" ", text)
    text = _DROP.sub(gone, text)
    text = _SURROGATES.sub(MARK, text)
    if not text.isprintable():  # rare: other format characters (Cf) the list lacks
        text = "".join(gone if unicodedata.category(c) == "Cf" else c for c in text)
    return text


def one_line(value: object, limit: int | None = None, *, mark: bool = False) -> str:
    """One plain line: sanitised, white space folded, cut to `limit` characters with an
    ellipsis."""
    if value is None:
        return ""
    text = " ".join(sanitize(str(value), mark=mark).split())
    if limit is not None and len(text) > limit:
        text = text[: max(1, limit - 1)].rstrip() + "…"
    return text


def csv_cell(value: object) -> str:
    """A CSV cell from outside data: sanitised, and never a spreadsheet formula."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if text.startswith(_FORMULA_START):
        return "'" + sanitize(text)
    text = sanitize(text)
    return "'" + text if text.startswith(_FORMULA_START) else text


_JSON_HIDDEN = re.compile(f"[{_CONTROL_CHARS}{_INVISIBLE_CHARS}\ud800-\udfff]")


def _json_escape(found: re.Match[str]) -> str:
    code = ord(found.group())
    if code > 0xFFFF:
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def json_safe(text: str) -> str:
    """JSON text (from `json.dumps(..., ensure_ascii=False)`) with every control,
    invisible and bidi character inside its strings written as a \\u escape: the same
    data for a program, nothing a terminal acts on. Newlines between values stay."""
    return _JSON_HIDDEN.sub(lambda m: m.group() if m.group() == "\n" else _json_escape(m), text)


def clean(value: object, *, keep_newlines: bool = False) -> str:
    """Any value (None as '') as :func:`sanitize`d text: what the monitor puts in
    notifications, dialogs and the header."""
    return sanitize("" if value is None else str(value), keep_newlines=keep_newlines)


#: How far a wrapped line's continuation is indented past the line's own indent.
HANG = 4


def hang_wrap(text: str, width: int) -> str:
    """`text` with each line longer than `width` wrapped at spaces (a word longer than
    the rest of the line is cut), its continuations indented `HANG` past the line's own
    indent, so a wrapped entry still reads as one entry in a list. Short lines, blank
    lines and the final newline stay as they are."""
    import textwrap

    out: list[str] = []
    for line in text.split("\n"):
        if len(line) <= width:
            out.append(line)
            continue
        body = line.lstrip(" ")
        lead = " " * min(len(line) - len(body), width // 2)
        out += textwrap.wrap(
            body,
            width=max(width, len(lead) + HANG + 8),
            initial_indent=lead,
            subsequent_indent=lead + " " * HANG,
            break_on_hyphens=False,
            replace_whitespace=False,
        ) or [line[:width]]
    return "\n".join(out)


def char_cells(c: str) -> int:
    """Terminal cells of one character: two for a wide (CJK) one, else one."""
    return 2 if unicodedata.east_asian_width(c) in "WF" else 1


def text_cells(text: str) -> int:
    """Terminal cells of `text`: its length unless it holds non-ASCII characters."""
    if text.isascii():
        return len(text)
    return sum(map(char_cells, text))
