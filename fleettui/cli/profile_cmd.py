"""Placeholder until its owner fills it in (see the issue being worked on)."""

from __future__ import annotations


def register(subparsers) -> None:  # noqa: ANN001
    return None
