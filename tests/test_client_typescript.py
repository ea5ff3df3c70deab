"""The TypeScript client (clients/typescript): its generated documents stay true to schema.graphql and the
operations, it compiles with `tsc --strict`, and it drives a real `asgard serve --demo` from Node: a query,
a mutation answered with typed userErrors, a training job followed over graphql-transport-ws to its end."""

from __future__ import annotations

import filecmp
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.server import ServerProcess, asgard_command

ROOT = Path(__file__).resolve().parent.parent
CLIENT = ROOT / "clients" / "typescript"
BIN = CLIENT / "node_modules" / ".bin"


@pytest.fixture(scope="module")
def tools() -> Path:
    if not (BIN / "tsc").exists() or not shutil.which("node"):
        pytest.fail("the TypeScript client's tools are not installed: run `make test` (npm ci in clients/typescript)")
    return BIN


def _run(args: list[str], **kwargs) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASGARD_")} | kwargs.pop("env", {})
    return subprocess.run(args, cwd=CLIENT, capture_output=True, text=True, timeout=300, env=env, **kwargs)


def test_the_generated_documents_match_the_schema_and_operations(tools, tmp_path):
    out = tmp_path / "gql"
    done = _run(
        [str(tools / "graphql-codegen"), "--config", "codegen.ts", "--silent"], env={"ASGARD_CODEGEN_OUT": f"{out}/"}
    )
    assert done.returncode == 0, done.stdout + done.stderr
    committed = CLIENT / "src" / "gql"
    compared = filecmp.dircmp(committed, out)
    drift = compared.diff_files + compared.left_only + compared.right_only
    assert drift == [], f"clients/typescript/src/gql is stale ({drift}): run `make client`"


@pytest.fixture(scope="module")
def compiled(tools, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("ts-dist")
    done = _run([str(tools / "tsc"), "-p", "tsconfig.json", "--strict", "--outDir", str(out)])
    assert done.returncode == 0, done.stdout + done.stderr
    # Node resolves the packages from the client's node_modules: the compiled files sit where dist would
    (out / "package.json").write_text((CLIENT / "package.json").read_text())
    (out / "node_modules").symlink_to(CLIENT / "node_modules")
    return out


def test_it_compiles_with_strict_checks(compiled):
    assert (compiled / "client.js").exists() and (compiled / "gql" / "graphql.d.ts").exists()


def test_a_node_program_queries_mutates_and_follows_a_job_to_its_end(compiled, tmp_path):
    server = ServerProcess(
        tmp_path / "data", "--demo", "--log-level", "WARNING", env={"ASGARD_PERSISTED_QUERIES": "auto"}
    ).start()
    try:
        done = subprocess.run(
            ["node", str(compiled / "e2e.js"), f"{server.url}/graphql"], capture_output=True, text=True, timeout=300
        )
    finally:
        server.stop()
    assert done.returncode == 0, done.stdout + done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["statuses"][-1] == "SUCCEEDED" and "RUNNING" in seen["statuses"]
    assert [e["code"] for e in seen["userErrors"]] == ["UNKNOWN_TABLE"]
    assert seen["userErrors"][0]["field"] == ["source", "table"]
    # persisted: "auto": the hash, then (PERSISTED_QUERY_NOT_FOUND) the text with it once, then the hash alone
    assert seen["automatic"] == ["hash", "text+hash", "hash"]


def test_in_trusted_documents_mode_the_client_sends_hashes_only(compiled, tmp_path):
    """The manifest GraphQL Code Generator wrote beside the documents is what the server trusts."""
    data = tmp_path / "data"
    manifest = CLIENT / "src" / "gql" / "persisted-documents.json"
    created = subprocess.run(
        [*asgard_command(), "token", "create", "--name", "ts-reader", "--role", "reader", "--data-dir", str(data)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip().splitlines()[-1]
    server = ServerProcess(data, "--demo", "--log-level", "WARNING", env={"ASGARD_TRUSTED_DOCUMENTS": str(manifest)})
    server.start()
    try:
        env = {**os.environ, "ASGARD_E2E_TRUSTED": "1", "ASGARD_TOKEN": token}
        done = subprocess.run(
            ["node", str(compiled / "e2e.js"), f"{server.url}/graphql"],
            capture_output=True,
            text=True,
            timeout=300,
            env=env,
        )
    finally:
        server.stop()
    assert done.returncode == 0, done.stdout + done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    # a refused token closes the socket with 4403: a typed error at once, not graphql-ws's minute of retries
    refused = seen.pop("badToken")
    assert (refused["status"], refused["codes"]) == (4403, ["FORBIDDEN"]) and refused["seconds"] < 15, refused
    assert seen == {
        "trusted": True,
        "views": 1,
        "refused": ["FORBIDDEN"],
        "refusedOverSocket": ["FORBIDDEN"],
        "followed": ["NOT_FOUND"],
    }
