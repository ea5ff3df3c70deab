"""The layers of server/ import one way, without cycles (module-level imports; TYPE_CHECKING aside).

- services, jobs and auth (the domain) know no GraphQL: no strawberry, graphql, schema, resolvers;
- schema types reach resolvers only from the root types that wire them (query, mutation, subscription)
  and the module that assembles the schema;
- nothing is imported only for its side effects (`# noqa: F401`).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

SERVER = Path(__file__).resolve().parent.parent / "server"
DOMAIN = ("server.services", "server.jobs", "server.auth")
GRAPHQL = ("strawberry", "graphql", "server.schema", "server.resolvers", "server.rest", "server.app",
           "server.online_fast_path", "server.graphql_ws", "server.loaders", "server.context")  # fmt: skip
ROOTS = {"server.schema.query", "server.schema.mutation", "server.schema.subscription", "server.schema.build"}


def _modules() -> dict[str, Path]:
    found = {}
    for path in SERVER.rglob("*.py"):
        if "static" in path.parts:
            continue
        name = ".".join(path.relative_to(SERVER.parent).with_suffix("").parts).removesuffix(".__init__")
        found[name] = path
    return found


def _imports(path: Path) -> set[str]:
    """What a module imports when it is imported: module level, `if TYPE_CHECKING:` blocks left out."""
    names: set[str] = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: {n for n in _imports(path) if n in modules and n != name} for name, path in modules.items()}


def _within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def test_the_domain_knows_no_graphql():
    bad = []
    for name, path in _modules().items():
        if _within(name, DOMAIN):
            bad += [f"{name} -> {n}" for n in sorted(_imports(path)) if _within(n, GRAPHQL)]
    assert bad == []


def test_schema_types_call_no_resolver():
    bad = []
    for name, deps in _graph().items():
        if _within(name, ("server.schema",)) and name not in ROOTS:
            bad += [
                f"{name} -> {d}" for d in sorted(deps) if _within(d, ("server.resolvers", "server.rest", "server.app"))
            ]
    assert bad == []


def test_no_import_cycles():
    graph = _graph()
    cycles: list[list[str]] = []
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for dep in sorted(graph[node]):
            if state.get(dep) == 1:
                cycles.append([*trail[trail.index(dep) :], dep])
            elif dep not in state:
                visit(dep, [*trail, dep])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert cycles == []


def test_nothing_is_imported_for_its_side_effects():
    assert [str(p) for p in SERVER.rglob("*.py") if "noqa: F401" in p.read_text()] == []


def test_the_check_sees_a_cycle_and_a_forbidden_import(tmp_path, monkeypatch):
    """The rules above can fail: a tree with a cycle and a service importing strawberry is refused."""
    package = tmp_path / "server"
    (package / "services").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "services" / "__init__.py").write_text("")
    (package / "services" / "a.py").write_text("import strawberry\nfrom server.services import b\n")
    (package / "services" / "b.py").write_text("from server.services import a\n")
    monkeypatch.setattr(sys.modules[__name__], "SERVER", package)
    import pytest

    with pytest.raises(AssertionError):
        test_no_import_cycles()
    with pytest.raises(AssertionError):
        test_the_domain_knows_no_graphql()
