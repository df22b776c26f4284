"""The monitor's Textual-free half: what it connects to (accounts), connection health and
back-off, write outcomes, the add form's line parsing, and the controller that owns the
session's state and decisions. Never imports textual, rich, fleettui.ui or fleettui.cli
(an import-linter contract in pyproject.toml checks it)."""
