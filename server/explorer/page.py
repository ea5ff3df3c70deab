"""The explorer's HTML page and the headers that keep it to this server's own files."""

from __future__ import annotations

import re
import secrets
from html import escape

from starlette.requests import Request
from starlette.responses import HTMLResponse

from server.explorer.assets import asset_base

# A Host header worth repeating in the policy: a name or an IP literal, and a port.
_HOST = re.compile(r"^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$")

_PAGE = """<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Asgard · GraphiQL</title>
    <link rel="icon" type="image/svg+xml" href="{base}/favicon.svg">
    <link rel="stylesheet" href="{base}/vendor/graphiql/graphiql.min.css">
    <link rel="stylesheet" href="{base}/vendor/plugin-explorer/style.css">
    <link rel="stylesheet" href="{base}/explorer.css">
    <script defer src="{base}/vendor/react/react.production.min.js"></script>
    <script defer src="{base}/vendor/react-dom/react-dom.production.min.js"></script>
    <script defer src="{base}/vendor/graphiql/graphiql.min.js"></script>
    <script defer src="{base}/vendor/plugin-explorer/index.umd.js"></script>
    <script defer src="{base}/explorer.js"></script>
  </head>
  <body>
    <div id="graphiql" data-auth-required="{auth_required}" data-style-nonce="{nonce}">Loading GraphiQL…</div>
    <noscript>GraphiQL needs JavaScript. Without it, POST GraphQL requests to this URL.</noscript>
  </body>
</html>
"""


def content_security_policy(host: str | None, style_nonce: str) -> str:
    """Only this server: its scripts, styles, images and fonts (GraphiQL inlines fonts as data: URLs),
    and GraphQL over HTTP and websockets to the same host. GraphiQL's dialogs add one <style> element
    at run time, which carries the nonce (explorer.js hands it over)."""
    sockets = f" ws://{host} wss://{host}" if host and _HOST.match(host) else ""
    return (
        f"default-src 'none'; script-src 'self'; style-src 'self' 'nonce-{style_nonce}'; img-src 'self' data:; "
        f"font-src 'self' data:; connect-src 'self'{sockets}; base-uri 'none'; form-action 'none'; "
        "frame-ancestors 'none'"
    )


def explorer_html(root_path: str, *, auth_required: bool, style_nonce: str) -> str:
    return _PAGE.format(
        base=escape(asset_base(root_path)),
        auth_required="true" if auth_required else "false",
        nonce=style_nonce,
    )


def explorer_response(request: Request, *, auth_required: bool) -> HTMLResponse:
    """The page; `auth_required` tells it to ask for a token before sending any operation."""
    nonce = secrets.token_urlsafe(18)
    html = explorer_html(request.scope.get("root_path", ""), auth_required=auth_required, style_nonce=nonce)
    headers = {
        "Content-Security-Policy": content_security_policy(request.headers.get("host"), nonce),
        "Cache-Control": "no-cache",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
    }
    return HTMLResponse(html, headers=headers)
