"""Running the CLI in-process, as the CLI tests and the setup screen's tests do."""

from __future__ import annotations

from fleettui.cli.main import main

SECRET_VAR = "FLEETTUI_TEST_SIM_SECRET"


def run(capsys, *argv: str) -> tuple[int, str, str]:  # noqa: ANN001 - pytest's capsys
    """Run the CLI in-process; (exit code, stdout, stderr). Argparse exits count too."""
    try:
        code = main(list(argv))
    except SystemExit as e:
        code = int(e.code or 0)
    out, err = capsys.readouterr()
    return code, out, err
