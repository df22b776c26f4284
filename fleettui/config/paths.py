"""Where fleettui keeps its files: config, cache and logs.

Directories come from platformdirs for the app name ``fleettui``; each one can be moved
with an environment variable (tests isolate the machine this way, and people use it to
keep several setups apart):

- ``FLEETTUI_CONFIG_DIR`` — holds ``config.toml``
- ``FLEETTUI_CACHE_DIR``  — the last fleet snapshot per profile
- ``FLEETTUI_LOG_DIR``    — ``audit.jsonl``, the record of every write
- ``FLEETTUI_DATA_DIR``   — local databases: the history of state changes per profile
  (``history/``), the webhook receiver's (``webhooks/<profile>.sqlite3``)
- ``FLEETTUI_EXPORT_DIR`` — where the monitor's CSV exports go by default: the user's
  documents folder, ``fleettui`` in it (``~/Documents/fleettui`` on Linux and macOS),
  never the directory fleettui happened to be started in

The functions only compute paths; :func:`ensure_dir` creates a directory (mode 0700,
because the files in it hold fleet data or credentials).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "fleettui"
CONFIG_FILE_NAME = "config.toml"
AUDIT_FILE_NAME = "audit.jsonl"

ENV_CONFIG_DIR = "FLEETTUI_CONFIG_DIR"
ENV_CACHE_DIR = "FLEETTUI_CACHE_DIR"
ENV_LOG_DIR = "FLEETTUI_LOG_DIR"
ENV_DATA_DIR = "FLEETTUI_DATA_DIR"
ENV_EXPORT_DIR = "FLEETTUI_EXPORT_DIR"


def _override(var: str) -> Path | None:
    value = os.environ.get(var, "").strip()
    return Path(value).expanduser() if value else None


def config_dir() -> Path:
    return _override(ENV_CONFIG_DIR) or Path(
        platformdirs.user_config_dir(APP_NAME, appauthor=False)
    )


def cache_dir() -> Path:
    return _override(ENV_CACHE_DIR) or Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def log_dir() -> Path:
    return _override(ENV_LOG_DIR) or Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def data_dir() -> Path:
    return _override(ENV_DATA_DIR) or Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def export_dir() -> Path:
    return _override(ENV_EXPORT_DIR) or Path(platformdirs.user_documents_dir()) / APP_NAME


def config_file() -> Path:
    return config_dir() / CONFIG_FILE_NAME


def audit_file() -> Path:
    return log_dir() / AUDIT_FILE_NAME


def ensure_dir(path: Path) -> Path:
    """Create ``path`` (and parents) if missing; new directories are private (0700)."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path
