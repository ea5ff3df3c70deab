"""The `asgard` command: serve the API, export the schema."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from server.config import load_settings


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from server.app import create_app, create_services

    settings = load_settings(host=args.host, port=args.port, data_dir=Path(args.data_dir) if args.data_dir else None)
    log = logging.getLogger("asgard")
    log.info("data dir %s", settings.data_dir)
    services = create_services(settings)
    if args.demo:
        from server.services.demo import demo_feature_view, load_demo_gold_layer

        written = load_demo_gold_layer(services.gold)
        log.info("demo gold layer: %s", ", ".join(written) or "already loaded")
        _, change = services.registry.register_feature_view(demo_feature_view())
        log.info("demo feature view order_features: %s", change.value)
    app = create_app(settings, services)
    log.info("serving GraphQL on http://%s:%s/graphql", settings.host, settings.port)
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level=args.log_level.lower(),
        access_log=False,
        ws="websockets-sansio",
    )
    return 0


def _export_schema(args: argparse.Namespace) -> int:
    from server.schema import schema_sdl

    sdl = schema_sdl()
    if args.output:
        Path(args.output).write_text(sdl)
    else:
        sys.stdout.write(sdl)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="asgard", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the GraphQL API")
    serve.add_argument("--host", help="address to bind (default 127.0.0.1, env ASGARD_HOST)")
    serve.add_argument("--port", type=int, help="port (default 8000, env ASGARD_PORT)")
    serve.add_argument("--data-dir", help="embedded backends' directory (env ASGARD_DATA_DIR)")
    serve.add_argument("--demo", action="store_true", help="load the demo gold layer first")
    serve.add_argument("--log-level", default="INFO", help="DEBUG, INFO, WARNING or ERROR")
    serve.set_defaults(run=_serve)
    export = sub.add_parser("export-schema", help="print the GraphQL SDL")
    export.add_argument("--output", "-o", help="write to this file instead of stdout")
    export.set_defaults(run=_export_schema)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    level = getattr(args, "log_level", "WARNING").upper()
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    return int(args.run(args))


if __name__ == "__main__":
    raise SystemExit(main())
