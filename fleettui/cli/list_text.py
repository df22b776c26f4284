"""`fleettui list`'s table: a listing (:mod:`fleettui.cli.list_json`) as aligned lines
of text, written a batch of lines at a time (its CSV: :mod:`fleettui.core.fleet_csv`).

Text from the API is data: every cell is what `plain` makes of it. The usual fleet needs
none of that: its text is printable, has no doubled or outer spaces, and for such text
`plain` changes nothing. So each column is first checked as a whole (one join, a few
C-level searches); when every column passes, lines are put together column by column
(`str.ljust`) without a Python call per cell. A column that fails sends every cell the
exact way. Widths are counted by `len` unless the text is not ASCII.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from itertools import compress, count, repeat
from operator import floordiv, is_, itemgetter
from typing import IO, Any

from fleettui.core.fleet_csv import joined
from fleettui.core.text import char_cells, text_cells
from fleettui.core.timefmt import format_duration

TABLE_HEADERS = ("VIN", "BRAND", "STATE", "REASON", "IN STATE")
#: Lines handed to the stream per write.
_BATCH = 500
#: Longest reason shown in the table (cut with an ellipsis by `plain`).
_REASON_CELLS = 60
#: Shortest reason a narrow terminal still gets (the line wraps rather than show less).
MIN_REASON_CELLS = 16
#: Cells kept for the IN STATE column ("IN STATE", "23h 59m", "365d"): it comes last.
_SINCE_CELLS = 8

_fromiso = datetime.fromisoformat
_VIN, _BRAND, _STATUS = itemgetter("vin"), itemgetter("brand"), itemgetter("status")
_REASON, _SINCE = itemgetter("reason"), itemgetter("state_since")
_SECONDS = itemgetter(slice(0, 19))  # 'YYYY-MM-DDTHH:MM:SS' of a state_since


def _tidy(cells: Sequence[Any], *, spaces: bool) -> bool:
    """Printable ASCII cells; with `spaces`, none doubled or at either end, else none."""
    text = joined(cells)
    if text is None or not (text.isascii() and text.isprintable()):
        return False
    if not spaces:
        return " " not in text
    return not ("  " in text or "| " in text or " |" in text or text[:1] == " " or text[-1:] == " ")


#: A duration's text from a day on names its hour at most ('4d 07h', '31d'): each such
#: hour's text, made once.
_HOUR_TEXTS: dict[int, str] = {}
_MOST_HOUR_TEXTS = 100_000


def _duration_texts(seconds: Iterable[float]) -> list[str]:
    """format_duration of each, the usual (a day or more) looked up by the hour at C
    speed, the others one by one."""
    whole = list(map(int, seconds))
    texts: list[str | None] = list(map(_HOUR_TEXTS.get, map(floordiv, whole, repeat(3600))))
    for k in compress(count(), map(is_, texts, repeat(None))):
        text = texts[k] = format_duration(whole[k])
        if whole[k] >= 86_400 and len(_HOUR_TEXTS) < _MOST_HOUR_TEXTS:
            _HOUR_TEXTS[whole[k] // 3600] = text
    return texts  # type: ignore[return-value] # no None left


def _durations(items: Sequence[dict[str, Any]], now: datetime) -> list[str]:
    """How long each vehicle has been in its state at `now`, from its state_since."""
    at = now.astimezone(UTC).replace(tzinfo=None)  # naive UTC, as the times are read
    sinces = list(map(_SINCE, items))
    if None not in sinces:  # the usual batch: parsed and subtracted at C speed
        gone = map(at.__sub__, map(_fromiso, map(_SECONDS, sinces)))
        return _duration_texts(map(timedelta.total_seconds, gone))
    return [
        format_duration(None if since is None else (at - _fromiso(since[:19])).total_seconds())
        for since in sinces
    ]


def _cells(item: dict[str, Any], clean: Callable[..., str]) -> tuple[str, str, str, str]:
    vin, brand, status, reason = (
        item["vin"],
        item["brand"],
        item["status"] or "?",
        item["reason"] or "",
    )
    joined = vin + brand + status + reason
    if not (joined.isascii() and joined.isprintable()) or " " in status or " " in vin:
        return clean(vin), clean(brand), clean(status), clean(reason, _REASON_CELLS)
    if "  " in reason or reason[:1] == " " or reason[-1:] == " " or len(reason) > _REASON_CELLS:
        reason = clean(reason, _REASON_CELLS)
    if "  " in brand or brand[:1] == " " or brand[-1:] == " ":
        brand = clean(brand)
    return vin, brand, status, reason


def _fit(text: str, cells: int, plain: Callable[..., str]) -> str:
    """`plain(text, cells)`, but cut to `cells` terminal cells, not characters: a wide
    character (CJK) takes two, and a line cut by characters wrapped."""
    if text.isascii():
        return plain(text, cells)
    whole = plain(text)
    if text_cells(whole) <= cells:
        return whole
    used = 1  # the ellipsis
    for end, c in enumerate(whole):
        used += char_cells(c)
        if used > cells:
            return whole[: max(1, end)].rstrip() + "…"
    return whole


def reason_budget(line_cells: int | None, pads: Sequence[int]) -> int:
    """Cells the REASON column may take: 60, or less when every line must fit in
    `line_cells` (a terminal's width; None for a pipe or file, which get the full 60)."""
    if line_cells is None:
        return _REASON_CELLS
    others = sum(pads[:3]) + 2 * 4 + _SINCE_CELLS
    return max(MIN_REASON_CELLS, min(_REASON_CELLS, line_cells - 1 - others))


def write_table(
    items: Sequence[dict[str, Any]],
    now: datetime,
    stream: IO[str],
    plain: Callable[..., str],
    line_cells: int | None = None,
) -> None:
    """Aligned columns separated by two spaces; the last column is not padded. With
    `line_cells` (a terminal's width) a long reason is cut so that a line fits: at 80
    columns every row wrapped onto two lines (`fleettui show VIN` has the whole text)."""
    vins, brands = list(map(_VIN, items)), list(map(_BRAND, items))
    states = [s or "?" for s in map(_STATUS, items)]
    reasons = [r or "" for r in map(_REASON, items)]
    if not (
        _tidy(vins, spaces=False)
        and _tidy(states, spaces=False)
        and _tidy(brands, spaces=True)
        and _tidy(reasons, spaces=True)
        and max(map(len, reasons), default=0) <= _REASON_CELLS
    ):
        cells = [_cells(item, plain) for item in items]
        vins, brands, states, reasons = (
            (list(c) for c in zip(*cells, strict=True)) if cells else ([], [], [], [])
        )
    if line_cells is not None:
        cut = reason_budget(
            line_cells, [max(map(text_cells, c), default=0) for c in (vins, brands, states)]
        )
        if any(text_cells(r) > cut for r in reasons):
            reasons = [_fit(r, cut, plain) if text_cells(r) > cut else r for r in reasons]
    columns = [vins, brands, states, reasons]
    ascii_ = all("".join(c).isascii() for c in columns)
    pads = [
        max(len(h), max(map(len if ascii_ else text_cells, c), default=0))
        for h, c in zip(TABLE_HEADERS, columns, strict=False)
    ]
    write = stream.write
    if ascii_:

        def lines(cols: Sequence[Sequence[str]]) -> Iterable[str]:
            padded = [map(str.ljust, c, repeat(w)) for c, w in zip(cols, pads, strict=False)]
            return map(str.rstrip, map("  ".join, zip(*padded, cols[-1], strict=True)))
    else:

        def lines(cols: Sequence[Sequence[str]]) -> Iterable[str]:
            return (
                "  ".join(
                    [
                        *(c + " " * (w - text_cells(c)) for c, w in zip(row, pads, strict=False)),
                        row[-1],
                    ]
                ).rstrip()
                for row in zip(*cols, strict=True)
            )

    write("\n".join(lines([[h] for h in TABLE_HEADERS])) + "\n")
    for start in range(0, len(items), _BATCH):
        end = start + _BATCH  # the last column (not padded) is worked out batch by batch
        batch = [c[start:end] for c in columns]
        write("\n".join(lines([*batch, _durations(items[start:end], now)])) + "\n")
