"""Usage errors from argparse: one line, `fleettui: <problem> (see fleettui <cmd> --help)`, exit 2."""

from __future__ import annotations

import argparse

import pytest

from fleettui.cli.main import COMMANDS, build_parser
from tests.support.cli import run


@pytest.mark.parametrize(
    ("argv", "problem", "see"),
    [
        (
            ["list", "--state", "sleeping"],
            "argument --state: 'sleeping' is not a state; use one of: pending",
            "fleettui list",
        ),
        (
            ["list", "--state", "pendng"],
            "argument --state: 'pendng' is not a state; did you mean pending?",
            "fleettui list",
        ),
        (
            ["list", "--json", "--csv"],
            "argument --csv: not allowed with argument --json",
            "fleettui list",
        ),
        (["show"], "the following arguments are required: vin", "fleettui show"),
        (["profile"], "the following arguments are required: ACTION", "fleettui profile"),
        (["profile", "add", "x", "--zzz"], "unrecognized arguments: --zzz", "fleettui profile add"),
        (["list", "--bogus", "1"], "unrecognized arguments: --bogus 1", "fleettui list"),
        (["--nope"], "unrecognized arguments: --nope", "fleettui"),
        (["nosuchcommand"], "argument COMMAND: invalid choice: 'nosuchcommand'", "fleettui"),
    ],
)
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


def _commands(parser):
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return [(c.dest, c.help) for c in sub._choices_actions]


def test_the_command_table_is_what_the_modules_register(capsys):
    # main imports only the asked command's module and names the rest from COMMANDS
    full = build_parser()
    assert _commands(full) == [c for _, cmds in COMMANDS for c in cmds]
    for module, _ in COMMANDS:
        assert _commands(build_parser(module)) == _commands(full)
    code, out, _ = run(capsys, "--help")
    assert code == 0 and out == full.format_help()
    assert all(f"    {name} " in out for _, cmds in COMMANDS for name, _ in cmds)


def test_an_option_value_that_names_a_command_still_parses(capsys):
    # the guess (`list` is a command) is wrong: `list` is the monitor's profile here
    code, out, _ = run(capsys, "--profile", "list", "profile", "list", "--help")
    assert code == 0 and out.startswith("usage: fleettui profile list")
    code, _, err = run(capsys, "--profile", "list", "explain", "--bogus")
    assert code == 2 and "unrecognized arguments: --bogus" in err and "fleettui explain" in err
