"""``fleettui serve``: the monitor in a browser, through textual-serve, behind a login token.

Textual-free (it starts ``fleettui`` processes, it never imports the UI) and optional: it
needs the ``web`` extra (``pip install 'fleettui[web]'``: textual-serve, aiohttp).

- :mod:`fleettui.web.environment` — each session's command line and clean environment
- :mod:`fleettui.web.access`      — token, cookie, Origin and Host checks (middleware)
- :mod:`fleettui.web.session`     — one monitor process per browser tab
- :mod:`fleettui.web.server`      — routes, session limit, idle timeout, ending sessions
- :mod:`fleettui.web.run`         — bind, print the URL, serve until SIGTERM/SIGINT
- :mod:`fleettui.web.logs`        — access log without query strings, secrets redacted
"""
