"""The `asgard` command: serve the API, manage tokens, export the schema."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from server.config import ConfigError, Settings, load_settings
from server.safe_files import private_dir

if TYPE_CHECKING:
    from server.auth.tokens import TokenStore
    from server.context import Services


def _settings(args: argparse.Namespace, **extra: object) -> Settings:
    return load_settings(None, data_dir=Path(args.data_dir) if args.data_dir else None, **extra)


def _tokens(settings: Settings) -> TokenStore:
    from server.auth.tokens import TokenStore
    from server.jobs.store import make_engine

    private_dir(settings.data_dir)
    return TokenStore(make_engine(settings.jobs.db_url), settings.token_cache_seconds)


def _demo(services: Services) -> None:
    from server.services.demo import demo_feature_view, load_demo_gold_layer

    log = logging.getLogger("asgard")
    written = load_demo_gold_layer(services.gold)
    log.info("demo gold layer: %s", ", ".join(written) or "already loaded")
    _, change = services.registry.register_feature_view(demo_feature_view())
    log.info("demo feature view order_features: %s", change.value)


def _load_demo(settings: Settings) -> None:
    from server.app import create_services

    _demo(create_services(settings))


def _uvicorn(args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    """How uvicorn serves, one process or several."""
    return {
        "host": settings.host,
        "port": settings.port,
        "log_level": args.log_level.lower(),
        "access_log": False,
        "root_path": settings.root_path,
        "ws": "websockets-sansio",
        "loop": "server.event_loop:new_event_loop",  # uvloop's, in one stack chunk (server/event_loop.py)
    }


def _serve_workers(args: argparse.Namespace, settings: Settings) -> int:
    """N worker processes on one port (uvicorn's supervisor restarts one that dies). This process only
    supervises: the demo is loaded in a process of its own first, and each worker opens the backends."""
    import multiprocessing
    import os

    import uvicorn

    if args.demo:
        loader = multiprocessing.get_context("spawn").Process(target=_load_demo, args=(settings,))
        loader.start()
        loader.join()
        if loader.exitcode != 0:
            return 1
    # the workers read their settings from the environment: what the command line said goes there too
    os.environ.update(
        ASGARD_DATA_DIR=str(settings.data_dir),
        ASGARD_HOST=settings.host,
        ASGARD_PORT=str(settings.port),
        ASGARD_ROOT_PATH=settings.root_path,
        ASGARD_WORKERS=str(settings.workers),
        ASGARD_LOG_LEVEL=args.log_level.upper(),
    )
    logging.getLogger("asgard").info(
        "serving GraphQL on http://%s:%s/graphql with %d workers", settings.host, settings.port, settings.workers
    )
    uvicorn.run("server.app:app_from_environment", factory=True, workers=settings.workers, **_uvicorn(args, settings))
    return 0


def _serve(args: argparse.Namespace) -> int:
    import os

    import uvicorn

    from server import tracing
    from server.app import create_app, create_services, freeze_startup_objects

    settings = _settings(args, host=args.host, port=args.port, root_path=args.root_path, workers=args.workers)
    log = logging.getLogger("asgard")
    log.info("data dir %s", settings.data_dir)
    if settings.trusted_documents:  # a bad manifest stops the start before anything opens (ManifestError)
        from server.persisted_documents import load_manifest

        load_manifest(Path(settings.trusted_documents))
    if not _tokens(settings).any_active():
        if not settings.serves_loopback:
            print(
                f"refusing to serve on {settings.host} without tokens: whoever reaches it could run code.\n"
                f"Create a token first:  asgard token create --name admin --role admin --data-dir {settings.data_dir}",
                file=sys.stderr,
            )
            return 2
        log.warning("no tokens exist: serving on loopback only, where every caller is admin")
    if settings.workers > 1:
        return _serve_workers(args, settings)
    services = create_services(settings)
    if args.demo:
        _demo(services)
    tracing.configure_from_environment(os.environ)
    app = create_app(settings, services)
    freeze_startup_objects()
    log.info("serving GraphQL on http://%s:%s/graphql", settings.host, settings.port)
    uvicorn.run(app, **_uvicorn(args, settings))
    return 0


def _token(args: argparse.Namespace) -> int:
    from server.auth.roles import Role
    from server.auth.tokens import TokenError

    tokens = _tokens(_settings(args))
    try:
        if args.action == "create":
            token = tokens.create(args.name, Role(args.role))
            print(f"created token {args.name!r} with role {args.role}; it is shown only now:", file=sys.stderr)
            print(token)
        elif args.action == "revoke":
            tokens.revoke(args.name)
            print(f"revoked token {args.name!r}")
        else:
            for t in tokens.list():
                state = f"revoked {t.revoked_at:%Y-%m-%d %H:%M}" if t.revoked_at else "active"
                used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never"
                print(f"{t.name}\t{t.role.value}\tcreated {t.created_at:%Y-%m-%d %H:%M}\tlast used {used}\t{state}")
    except TokenError as error:
        print(f"asgard token {args.action}: {error}", file=sys.stderr)
        return 1
    return 0


def _export_schema(args: argparse.Namespace) -> int:
    from server.schema.build import schema_sdl

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
    serve.add_argument(
        "--root-path",
        help="path prefix a reverse proxy serves the API under, e.g. /asgard (env ASGARD_ROOT_PATH)",
    )
    serve.add_argument("--demo", action="store_true", help="load the demo gold layer first")
    serve.add_argument("--workers", type=int, help="server processes sharing the port (default 1, env ASGARD_WORKERS)")
    serve.add_argument("--log-level", default="INFO", help="DEBUG, INFO, WARNING or ERROR")
    serve.set_defaults(run=_serve)

    token = sub.add_parser("token", help="create, list and revoke API tokens")
    actions = token.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="create a token (printed once, alone on the last line)")
    create.add_argument("--name", required=True, help="who or what the token is for")
    create.add_argument("--role", required=True, choices=["reader", "editor", "trainer", "admin"])
    revoke = actions.add_parser("revoke", help="revoke a token by name")
    revoke.add_argument("name")
    listing = actions.add_parser("list", help="list tokens (never their secrets)")
    for action in (create, revoke, listing):
        action.add_argument("--data-dir", help="the server's data dir (env ASGARD_DATA_DIR)")
    token.set_defaults(run=_token)

    export = sub.add_parser("export-schema", help="print the GraphQL SDL")
    export.add_argument("--output", "-o", help="write to this file instead of stdout")
    export.set_defaults(run=_export_schema)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    level = getattr(args, "log_level", "WARNING").upper()
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    try:
        return int(args.run(args))
    except ConfigError as error:
        print(f"asgard: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
