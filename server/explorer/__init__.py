"""The GraphiQL explorer, served from this package: no CDN, so it works behind a firewall.

GraphiQL's browser bundles live in static/vendor (written by scripts/fetch-graphiql from pinned,
integrity-checked npm tarballs); static/explorer.js starts it against this server's /graphql.
"""

from server.explorer.assets import STATIC_DIR, asset_digest, static_routes
from server.explorer.page import explorer_response

__all__ = ["STATIC_DIR", "asset_digest", "explorer_response", "static_routes"]
