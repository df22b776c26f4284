"""`fleettui list --csv` and the table give, for any text, exactly what the sanitiser gives
cell by cell (`csv_cell` then csv.writer; `plain`, padded to terminal cells), whether a
batch of lines takes the column-wise way or the exact one."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from fleettui.cli.common import plain
from fleettui.cli.list_text import TABLE_HEADERS, write_table
from fleettui.core.fleet_csv import COLUMNS, tags_text
from fleettui.core.fleet_csv import write_fleet as write_csv
from fleettui.core.text import csv_cell
from fleettui.core.text import text_cells as width
from fleettui.core.timefmt import format_duration

NOW = datetime(2026, 11, 2, 12, 0, 0, 500_000, tzinfo=UTC)
_TEXT = st.text(
    alphabet=st.sampled_from(list("ab  ,\"=-+@|'\t\n\x1b\u202e\u200b車é") + ["x"] * 8), max_size=12
)
_PLAIN = st.sampled_from(["pending", "approved", "WBA00000000000001", "bmw", "no data yet"])
_EDGE = st.sampled_from(
    [
        "-1",
        "+x",
        "@a",
        "=b",
        "a,b",
        'a"b',
        "a  b",
        " a",
        "a ",
        "x" * 61,
        "a b",
        "é",
        "車両",
        "",
        "\x7f",
        "a|b",
    ]
)
_CELL = st.one_of(_PLAIN, _PLAIN, _PLAIN, _EDGE, _TEXT)
_ITEM = st.fixed_dictionaries(
    {
        "vin": _CELL,
        "brand": _CELL,
        "status": _CELL,
        "reason": st.one_of(st.none(), _CELL),
        "state_since": st.sampled_from(
            [
                None,
                "2026-11-01T12:00:00Z",
                "2026-11-02T11:59:59Z",
                "2026-09-01T00:00:00Z",
                # two texts in one hour under a day; a day and an hour; just under
                # 30 days; in the future (shown as 0s)
                "2026-11-02T09:30:00Z",
                "2026-11-02T09:59:00Z",
                "2026-11-01T10:59:59Z",
                "2026-10-03T12:00:01Z",
                "2026-11-03T00:00:00Z",
            ]
        ),
        # (a list as a tag's value: not hashable, so not looked up by the set of tags)
        "tags": st.one_of(
            st.dictionaries(st.sampled_from(["fleet", "a,b", "=k"]), _CELL, max_size=2),
            st.just({"fleet": ["x", "y"]}),
        ),
        "seconds_in_state": st.one_of(st.none(), st.integers(-(10**6), 10**9)),
    }
)
#: Mostly plain fleets, some with one odd vehicle, some with many.
_ITEMS = st.one_of(
    st.lists(_ITEM, max_size=6),
    st.builds(
        lambda n, odd, at: [*_plain_fleet(n)[:at], odd, *_plain_fleet(n)[at:]],
        st.integers(0, 1200),
        _ITEM,
        st.integers(0, 1200),
    ),
)


def _plain_fleet(n: int) -> list[dict]:
    return [
        {
            "vin": f"WBA{i:014d}",
            "brand": "bmw",
            "status": "pending",
            "reason": "waiting for OTA update" if i % 3 else None,
            "state_since": "2026-11-01T12:00:00Z",
            "tags": {"fleet": "north"},
        }
        for i in range(n)
    ]


def _csv_reference(items: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for i in items:
        seconds = i.get("seconds_in_state")
        writer.writerow(
            [
                csv_cell(i["vin"]),
                csv_cell(i["brand"]),
                csv_cell(i["status"]),
                csv_cell(i["reason"]),
                csv_cell(i["state_since"]),
                csv_cell(tags_text(i["tags"])),
                "" if seconds is None else seconds,
            ]
        )
    return out.getvalue()


def _table_reference(items: list[dict]) -> str:
    rows = []
    for i in items:
        since = i["state_since"]
        seconds = (
            None
            if since is None
            else (NOW - datetime.fromisoformat(since[:19]).replace(tzinfo=UTC)).total_seconds()
        )
        rows.append(
            (
                plain(i["vin"]),
                plain(i["brand"]),
                plain(i["status"] or "?"),
                plain(i["reason"] or "", 60),
                format_duration(seconds),
            )
        )
    pads = [max([width(h), *(width(r[c]) for r in rows)]) for c, h in enumerate(TABLE_HEADERS[:-1])]
    return "".join(
        "  ".join(
            [*(c + " " * (w - width(c)) for c, w in zip(r, pads, strict=False)), r[-1]]
        ).rstrip()
        + "\n"
        for r in [TABLE_HEADERS, *rows]
    )


@settings(max_examples=150, deadline=None)
@given(_ITEMS)
def test_csv_is_the_sanitisers_cell_by_cell(items):
    out = io.StringIO()
    write_csv(items, out)
    assert out.getvalue() == _csv_reference(items)
    text = out.getvalue()
    assert "\x1b" not in text and "\u202e" not in text and "\u200b" not in text


@settings(max_examples=150, deadline=None)
@given(_ITEMS)
def test_the_table_is_the_sanitisers_cell_by_cell(items):
    out = io.StringIO()
    write_table(items, NOW, out, plain)
    assert out.getvalue() == _table_reference(items)
    text = out.getvalue()
    assert "\x1b" not in text and "\u202e" not in text and "\t" not in text


def test_a_formula_or_a_comma_in_a_plain_fleet_is_still_caught():
    fleet = _plain_fleet(1000)
    fleet[700]["reason"] = "=HYPERLINK(1)"
    fleet[10]["tags"] = {"depot": "Berlin, Mitte"}
    out = io.StringIO()
    write_csv(fleet, out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[701][3] == "'=HYPERLINK(1)" and rows[11][5] == "depot=Berlin, Mitte"
    assert len(rows) == 1001 and rows[500] == next(csv.reader([",".join(rows[500])]))


def test_one_odd_cell_in_any_column_of_a_plain_fleet_is_what_the_sanitiser_makes_of_it():
    for value in [*_EDGE.elements, "\x1b[2J", "\u202e", "a\tb"]:  # type: ignore[attr-defined]
        for column in ("vin", "brand", "status", "reason"):
            fleet = _plain_fleet(800)
            fleet[600][column] = value
            fleet[601]["tags"] = {"k": value}
            out, table = io.StringIO(), io.StringIO()
            write_csv(fleet, out)
            write_table(fleet, NOW, table, plain)
            assert out.getvalue() == _csv_reference(fleet), (column, value)
            assert table.getvalue() == _table_reference(fleet), (column, value)


def _long_reasons() -> list[dict]:
    fleet = _plain_fleet(3)
    fleet[0].update(brand="mercedes-benz", status="canceling", state_since="2025-11-01T12:00:00Z")
    fleet[1]["reason"] = "activation timeout: no data received from the car in time"
    fleet[2]["reason"] = "privacy mode is enabled"
    return fleet


def test_on_an_80_column_terminal_every_line_fits():
    # The reason column took up to 60 cells: at 80 columns every row wrapped onto two lines.
    out = io.StringIO()
    write_table(_long_reasons(), NOW, out, plain, line_cells=80)
    lines = out.getvalue().splitlines()
    assert max(map(width, lines)) <= 79, lines
    assert "activation timeout: no…" in lines[2]  # cut, said with an ellipsis
    assert "privacy mode is enabled" in lines[3]  # a short one is whole
    assert lines[1].endswith("366d")


def test_a_pipe_or_a_file_keeps_every_reason_whole():
    fleet = _long_reasons()
    piped, wide = io.StringIO(), io.StringIO()
    write_table(fleet, NOW, piped, plain)
    write_table(fleet, NOW, wide, plain, line_cells=200)
    assert piped.getvalue() == wide.getvalue() == _table_reference(fleet)
    assert "no data received from the car in time" in piped.getvalue()


def test_a_narrow_terminal_still_shows_some_of_the_reason():
    out = io.StringIO()
    write_table(_long_reasons(), NOW, out, plain, line_cells=40)
    assert "activation time…" in out.getvalue()  # 16 cells at least


def test_list_asks_for_the_width_only_of_a_terminal(monkeypatch, tmp_path):
    from fleettui.cli.common import terminal_width

    monkeypatch.setenv("COLUMNS", "80")
    with open(tmp_path / "out", "w") as f:
        assert terminal_width(f) is None
    assert terminal_width(io.StringIO()) is None

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert terminal_width(Tty()) == 80


def test_on_an_80_column_terminal_a_reason_of_wide_characters_fits_too():
    # The cut counted characters: 28 CJK characters are 56 cells, and each such line
    # wrapped onto two at 80 columns, as every line did before the cut.
    fleet = _long_reasons()
    fleet[1]["reason"] = "车辆" * 30  # 60 characters, 120 cells
    fleet[2]["reason"] = "x" * 20 + "数据" * 5  # fits by characters, not by cells
    out = io.StringIO()
    write_table(fleet, NOW, out, plain, line_cells=80)
    lines = out.getvalue().splitlines()
    assert max(map(width, lines)) <= 79, lines
    assert lines[2].endswith("…") or "…  " in lines[2]  # cut, said with an ellipsis
    assert "车辆车辆" in lines[2] and "xxxx" in lines[3]
