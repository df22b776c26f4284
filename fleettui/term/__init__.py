"""The terminal itself, without Textual: noticing that it went away (SSH drop, SIGHUP,
stdin closed)."""
