# Two commands on a fresh machine: `make serve` and `make test`. Both create .venv when missing
# and install the exact versions pinned in constraints.txt.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
# Full MLflow (for a real `mlflow server` in the remote-tracking tests) pins graphql-core < 3.3,
# which Strawberry cannot use: it lives in a venv of its own, used only by the tests.
MLFLOW_SERVER_VENV ?= .venv-mlflow-server
# ariadne-codegen, which generates the typed Python client, pins graphql-core < 3.3 as well: a venv of its
# own, used by `make client` and by the test that fails when the committed client drifts from its inputs.
CODEGEN_VENV ?= .venv-codegen
# Feast 0.67's REST registry server (a peer in the registry benchmark) cannot start with the server's FastAPI:
# a venv of its own pinned to a FastAPI that still accepts it, used only by `make bench`.
FEAST_REGISTRY_VENV ?= .venv-feast-registry
# The TypeScript client's tools (GraphQL Code Generator, tsc, graphql-ws), exactly as package-lock.json pins them.
TS_CLIENT ?= clients/typescript
PORT ?= 8000
HOST ?= 127.0.0.1
DATA_DIR ?= .asgard-data

.PHONY: install bytecode serve services test bench-smoke lint typecheck schema client bench constraints clean

$(BIN)/.installed: pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $@

install: $(BIN)/.installed

# Bytecode of the server's own modules. An editable install has none, and where PYTHONDONTWRITEBYTECODE is set
# (these machines) every process compiled them afresh: ~0.3 s of each `asgard serve` start and of each test
# worker. compileall rewrites only what changed since; __pycache__ is ignored by git.
bytecode: install
	$(BIN)/python -m compileall -q -j 0 server

$(MLFLOW_SERVER_VENV)/.installed: tests/support/mlflow-server-constraints.txt
	test -x $(MLFLOW_SERVER_VENV)/bin/python || $(PYTHON) -m venv $(MLFLOW_SERVER_VENV)
	$(MLFLOW_SERVER_VENV)/bin/python -m pip install --quiet --upgrade "pip>=24"
	$(MLFLOW_SERVER_VENV)/bin/python -m pip install --quiet -r tests/support/mlflow-server-constraints.txt
	touch $@

$(CODEGEN_VENV)/.installed: clients/codegen-constraints.txt
	test -x $(CODEGEN_VENV)/bin/python || $(PYTHON) -m venv $(CODEGEN_VENV)
	$(CODEGEN_VENV)/bin/python -m pip install --quiet --upgrade "pip>=24"
	$(CODEGEN_VENV)/bin/python -m pip install --quiet -r clients/codegen-constraints.txt
	touch $@

$(TS_CLIENT)/node_modules/.installed: $(TS_CLIENT)/package.json $(TS_CLIENT)/package-lock.json
	cd $(TS_CLIENT) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(FEAST_REGISTRY_VENV)/.installed: bench/feast-registry-constraints.txt
	test -x $(FEAST_REGISTRY_VENV)/bin/python || $(PYTHON) -m venv $(FEAST_REGISTRY_VENV)
	$(FEAST_REGISTRY_VENV)/bin/python -m pip install --quiet --upgrade "pip>=24"
	$(FEAST_REGISTRY_VENV)/bin/python -m pip install --quiet -r bench/feast-registry-constraints.txt
	touch $@

serve: bytecode
	$(BIN)/asgard serve --demo --host $(HOST) --port $(PORT) --data-dir $(DATA_DIR)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy server

# Three workers on two cores: with two, a third of the machine sat idle while tests waited on servers, jobs
# and sockets (pytest 586 s -> 518 s and 502 s here, the cores then busy 98% of the run). A test file's tests
# on the same worker, files in the order tests/conftest.py gives (the longest first, not xdist's
# most-tests-first); the benchmark's smoke run is its own step.
PYTEST_WORKERS ?= 3
# What the tests need is made side by side: once .venv exists, lint, mypy and the bytecode run beside the helper
# venvs' and npm's installs and the servers' start (their downloads and Trino's start-up overlap the CPU work).
TEST_NEEDS := lint typecheck bytecode $(MLFLOW_SERVER_VENV)/.installed $(CODEGEN_VENV)/.installed \
	$(TS_CLIENT)/node_modules/.installed services
test:
	$(MAKE) --no-print-directory -j $(words $(TEST_NEEDS)) $(TEST_NEEDS)
	eval "$$(bash scripts/test-services)" && \
	  ASGARD_TEST_MLFLOW_SERVER=$(MLFLOW_SERVER_VENV)/bin/mlflow ASGARD_TEST_CODEGEN=$(CODEGEN_VENV)/bin/ariadne-codegen \
	  $(BIN)/pytest -q -m "not bench" -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder --durations=25

# PostgreSQL, Redis and the lakehouse, started (or found running) by scripts/test-services; `test` runs it again
# for the variables it prints, which then finds every server up.
services:
	bash scripts/test-services >/dev/null

# The benchmark harness end to end in its tiny smoke mode, its parts in three groups side by side (a few
# minutes, ~4 one after another): CI runs it after `make test`.
bench-smoke: bytecode
	eval "$$(bash scripts/test-services)" && $(BIN)/pytest -q -m bench -n 3 --durations=5

bench: bytecode $(FEAST_REGISTRY_VENV)/.installed
	ASGARD_BENCH_FEAST_REGISTRY=$(FEAST_REGISTRY_VENV)/bin/feast $(BIN)/python -m bench --out bench-results.json

schema: install
	$(BIN)/asgard export-schema -o schema.graphql

# Regenerate the typed clients from schema.graphql and clients/operations (after `make schema`): Python, TypeScript.
client: $(CODEGEN_VENV)/.installed $(TS_CLIENT)/node_modules/.installed
	rm -rf clients/python/asgard_client
	$(CODEGEN_VENV)/bin/ariadne-codegen --config clients/python/ariadne-codegen.toml
	rm -rf $(TS_CLIENT)/src/gql
	cd $(TS_CLIENT) && npx graphql-codegen --config codegen.ts --silent

# Upgrade the pinned set on purpose: resolve the ranges in pyproject.toml afresh.
constraints:
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet --upgrade "pip>=24" && .venv-lock/bin/pip install --quiet -e ".[dev]"
	.venv-lock/bin/pip freeze --exclude-editable > constraints.txt && rm -rf .venv-lock

clean:
	find server -name __pycache__ -prune -exec rm -rf {} +
	rm -rf $(VENV) $(MLFLOW_SERVER_VENV) $(CODEGEN_VENV) $(FEAST_REGISTRY_VENV) $(DATA_DIR) .pytest_cache .mypy_cache .ruff_cache \
	  $(TS_CLIENT)/node_modules $(TS_CLIENT)/dist
