"""Placeholder: the monitor's command-line flags and entry point."""

from __future__ import annotations

import argparse


def add_monitor_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--demo", action="store_true", help="open the monitor on a built-in simulator")


def run_monitor(args: argparse.Namespace) -> int:
    print("the monitor is not built yet")
    return 2
