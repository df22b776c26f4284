"""The line format shared by `fleettui add --file` and the add form."""

import pytest

from fleettui.core.vehicle_lines import parse_tag, read_text_file, split_fields


def test_fields_are_split_stripped_and_honour_csv_quotes():
    assert split_fields(' WBA1 , bmw ,"note=a, b"') == ["WBA1", "bmw", "note=a, b"]
    assert split_fields('WBA1,"unclosed') == ["WBA1", "unclosed"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("depot=Berlin", ("depot", "Berlin")),
        (" k = v=w ", ("k", "v=w")),
        ("k=", ("k", "")),
        ("no-equals", None),
        ("=value", None),
    ],
)
def test_parse_tag(text, expected):
    assert parse_tag(text) == expected


def test_read_text_file_refuses_big_and_non_utf8_files(tmp_path):
    good = tmp_path / "ok.csv"
    good.write_bytes("\ufeffVF3AAAAAAAAAAAA11,peugeot\n".encode())
    assert read_text_file(good, 1_000_000) == "VF3AAAAAAAAAAAA11,peugeot\n"
    big = tmp_path / "big.csv"
    big.write_bytes(b"x" * 1_000_001)
    with pytest.raises(ValueError, match="split it into files under 1 MB"):
        read_text_file(big, 1_000_000)
    bad = tmp_path / "latin1.csv"
    bad.write_bytes(b"VIN,caf\xe9\n")
    with pytest.raises(ValueError, match="not UTF-8"):
        read_text_file(bad, 1_000_000)
