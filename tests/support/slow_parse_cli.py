"""`fleettui ARGS` with every parse of outside text made endlessly slow (CPU-bound, pure
Python): the vehicle list, error bodies and webhook events. It writes "parsing" to the
file named by SLOW_PARSE_MARKER once it is inside such a parse, so a test can send its
signal then. Used by tests/unit/test_stop_signals.py."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import Any


def slow_parse(*_args: Any, **_kwargs: Any) -> Any:
    Path(os.environ["SLOW_PARSE_MARKER"]).write_text("parsing")
    spins = 0
    while True:  # a parse that never ends, holding the interpreter between bytecodes
        spins += 1


def main() -> int:
    from fleettui.api import errors, list_stream, wire
    from fleettui.webhooks import request_verdict

    wire.parse_json_list = slow_parse
    list_stream.ListStream.feed = slow_parse  # the list parsed while it downloads
    errors.parse_error_body = slow_parse
    request_verdict.parse_event = slow_parse
    from fleettui.cli.main import main as cli_main

    # As a terminal starts it: a suite run under `nohup` (or a CI runner ignoring SIGINT)
    # hands its children those signals ignored, and `list` relies on their defaults.
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    sys.argv = ["fleettui", *sys.argv[1:]]
    return cli_main()  # as the `fleettui` command runs it (its own process's end)


if __name__ == "__main__":
    sys.exit(main())
