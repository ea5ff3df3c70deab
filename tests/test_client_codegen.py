"""The published operations and the typed Python client generated from them stay true to schema.graphql."""

from __future__ import annotations

import difflib
import os
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
from graphql import NoUnusedFragmentsRule, build_schema, parse, specified_rules, validate
from graphql.language import DocumentNode, FragmentDefinitionNode, OperationDefinitionNode

ROOT = Path(__file__).resolve().parent.parent
OPERATIONS = ROOT / "clients" / "operations"
CONFIG = "clients/python/ariadne-codegen.toml"
SETTINGS = tomllib.loads((ROOT / CONFIG).read_text())["tool"]["ariadne-codegen"]
PACKAGE = Path(SETTINGS["target_package_path"]) / SETTINGS["target_package_name"]
# What ariadne-codegen reads, at the relative paths its config names (they appear in the generated comments).
INPUTS = (CONFIG, SETTINGS["schema_path"], SETTINGS["queries_path"], *SETTINGS.get("files_to_include", ()))
# The flows the issue promises a client for, as operation names.
MAIN_FLOWS = {
    "PlatformStatus",
    "GoldTables",
    "GoldTable",
    "RegisterFeatureView",
    "FeatureViews",
    "CreateFeatureService",
    "Materialize",
    "Materialization",
    "OnlineFeatures",
    "SubmitTrainingJob",
    "TrainingJob",
    "FollowTrainingJob",
    "RegisteredModels",
    "ModelVersion",
    "Predict",
}


def _operation_files() -> list[Path]:
    return sorted(OPERATIONS.glob("*.graphql"))


def test_every_operation_validates_against_the_current_schema():
    schema = build_schema((ROOT / "schema.graphql").read_text())
    documents = {path.name: parse(path.read_text()) for path in _operation_files()}
    fragments = [d for doc in documents.values() for d in doc.definitions if isinstance(d, FragmentDefinitionNode)]
    # Each file with the shared fragments, so an error names its file; a file uses only some of the fragments.
    rules = [rule for rule in specified_rules if rule is not NoUnusedFragmentsRule]
    problems = []
    for name, doc in documents.items():
        own = [d for d in doc.definitions if not isinstance(d, FragmentDefinitionNode)]
        errors = validate(schema, DocumentNode(definitions=(*own, *fragments)), rules)
        problems += [f"{name}: {error.message}" for error in errors]
    # All files together are what the generator reads: operation and fragment names must be unique across them.
    whole = DocumentNode(definitions=tuple(d for doc in documents.values() for d in doc.definitions))
    problems += [f"(all files): {error.message}" for error in validate(schema, whole)]
    assert problems == [], "\n".join(problems)


def test_the_operations_cover_the_main_flows():
    names = {
        definition.name.value
        for path in _operation_files()
        for definition in parse(path.read_text()).definitions
        if isinstance(definition, OperationDefinitionNode) and definition.name is not None
    }
    assert not MAIN_FLOWS - names, f"no operation for {MAIN_FLOWS - names}"


def _codegen() -> Path:
    configured = os.environ.get("ASGARD_TEST_CODEGEN")
    if configured:
        path = Path(configured) if Path(configured).is_absolute() else ROOT / configured
        assert path.exists(), f"ASGARD_TEST_CODEGEN={configured} does not exist: run `make .venv-codegen/.installed`"
        return path
    default = ROOT / ".venv-codegen" / "bin" / "ariadne-codegen"
    if not default.exists():
        pytest.skip("no ariadne-codegen venv: `make test` builds it (.venv-codegen)")
    return default


def _files(package: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(package)): path.read_bytes()
        for path in sorted(package.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def _describe_drift(committed: dict[str, bytes], fresh: dict[str, bytes]) -> str:
    lines = [f"{PACKAGE} is out of date; run `make client`. Differing files:"]
    for name in sorted(committed.keys() | fresh.keys()):
        if committed.get(name) == fresh.get(name):
            continue
        lines.append(f"--- {name}")
        old = (committed.get(name) or b"").decode().splitlines()
        new = (fresh.get(name) or b"").decode().splitlines()
        lines.extend(list(difflib.unified_diff(old, new, "committed", "generated", lineterm=""))[:40])
    return "\n".join(lines)


def test_the_committed_client_is_what_the_generator_makes(tmp_path):
    codegen = _codegen()
    for name in INPUTS:
        source, target = ROOT / name, tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copy2(source, target)
    result = subprocess.run(
        [str(codegen), "--config", CONFIG],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    committed, fresh = _files(ROOT / PACKAGE), _files(tmp_path / PACKAGE)
    assert "client.py" in fresh
    if committed != fresh:
        pytest.fail(_describe_drift(committed, fresh))


def test_the_generated_client_needs_only_httpx_and_pydantic():
    # The main venv's graphql-core (3.3) is not the generator's (3.2): the client must not import it at all.
    # (websockets, for subscriptions, is imported only if installed.)
    imported = {
        line.split()[1].split(".")[0]
        for path in (ROOT / PACKAGE).glob("*.py")
        for line in path.read_text().splitlines()
        if line.startswith(("import ", "from ")) and not line.startswith("from .")
    }
    assert imported <= {"asyncio", "collections", "datetime", "enum", "json", "typing", "uuid"} | {
        "httpx",
        "pydantic",
        "pydantic_core",
    }, imported
