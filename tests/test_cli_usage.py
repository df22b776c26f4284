"""Usage errors from argparse: one line, `fleettui: <problem> (see fleettui <cmd> --help)`, exit 2."""

from __future__ import annotations

import pytest

from fleettui.cli.main import build_parser
from tests.cli_helpers import run


@pytest.mark.parametrize(("argv", "problem", "see"), [
    (["list", "--state", "sleeping"], "argument --state: 'sleeping' is not a state; use one of: pending", "fleettui list"),
        (["list", "--state", "pendng"], "argument --state: 'pendng' is not a state; did you mean pending?", "fleettui list"),
    (["list", "--json", "--csv"], "argument --csv: not allowed with argument --json", "fleettui list"),
    (["show"], "the following arguments are required: vin", "fleettui show"),
    (["profile"], "the following arguments are required: ACTION", "fleettui profile"),
    (["profile", "add", "x", "--zzz"], "unrecognized arguments: --zzz", "fleettui profile add"),
    (["list", "--bogus", "1"], "unrecognized arguments: --bogus 1", "fleettui list"),
    (["--nope"], "unrecognized arguments: --nope", "fleettui"),
    (["nosuchcommand"], "argument COMMAND: invalid choice: 'nosuchcommand'", "fleettui"),
])
def test_usage_errors_are_one_line_with_the_help_to_read(capsys, argv, problem, see):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1, err
    assert err.startswith(f"fleettui: {problem}") and err.endswith(f" (see {see} --help)\n")
    assert "usage:" not in err and ": error:" not in err


def test_help_is_unchanged(capsys):
    code, out, err = run(capsys, "list", "--help")
    assert code == 0 and err == ""
    assert out.startswith("usage: fleettui list [-h]") and "--state S" in out
    code, out, _ = run(capsys, "profile", "add", "--help")
    assert code == 0 and out.startswith("usage: fleettui profile add [-h]")


def test_parsed_arguments_carry_no_bookkeeping():
    args = build_parser().parse_args(["list", "--json"])
    assert args.json is True and not any(k.startswith("_fleettui") for k in vars(args))
