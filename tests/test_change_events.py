"""featureViewChanged and modelVersionChanged on a real `asgard serve` over websockets: this replica's writes
arrive at once, another writer's (MLflow's own client on the same store) within a poll, each change once."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator

import pytest
import websockets

from tests.support.graphql import customer_view_input
from tests.support.server import ServerProcess

POLL = 0.5
VIEWS = """subscription($names: [String!]) {
  featureViewChanged(names: $names) { kind name at featureView { name description } } }"""
MODELS = """subscription($model: String) {
  modelVersionChanged(model: $model) { kind model version alias tagKey modelVersion { version aliases } } }"""
REGISTER = "mutation($i: RegisterFeatureViewInput!) { registerFeatureView(input: $i) { change userErrors { code } } }"


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[ServerProcess]:
    process = ServerProcess(tmp_path_factory.mktemp("changes"), "--demo", env={"ASGARD_CHANGE_POLL_SECONDS": str(POLL)})
    process.start()
    yield process
    process.stop()


class Subscription:
    """One graphql-transport-ws subscription; `next_events(n)` waits for n payloads (at most `timeout`)."""

    def __init__(self, server: ServerProcess, query: str, variables: dict) -> None:
        self.url = server.url.replace("http", "ws") + "/graphql"
        self.query, self.variables = query, variables

    async def __aenter__(self) -> Subscription:
        self.ws = await websockets.connect(self.url, subprotocols=["graphql-transport-ws"])
        await self.ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        assert json.loads(await self.ws.recv())["type"] == "connection_ack"
        payload = {"query": self.query, "variables": self.variables}
        await self.ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
        await asyncio.sleep(0.5)  # the subscription takes its first reading of the registries
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.ws.close()

    async def next_events(self, n: int, timeout: float = 15) -> list[dict]:
        events = []
        async with asyncio.timeout(timeout):
            while len(events) < n:
                message = json.loads(await self.ws.recv())
                if message["type"] == "ping":
                    await self.ws.send(json.dumps({"type": "pong"}))
                    continue
                assert message["type"] == "next" and "errors" not in message["payload"], message
                events.append(next(iter(message["payload"]["data"].values())))
        return events

    async def nothing_more(self, wait: float) -> None:
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(wait):
                message = json.loads(await self.ws.recv())
                raise AssertionError(f"unexpected {message}")


async def _in_thread(fn, *args):
    return await asyncio.to_thread(fn, *args)


def test_a_views_changes_arrive_in_order_and_once(server):
    async def scenario() -> None:
        name = "changing_view"
        async with Subscription(server, VIEWS, {"names": [name]}) as sub:
            started = time.monotonic()
            await _in_thread(server.post, REGISTER, {"i": customer_view_input(name)})
            await _in_thread(server.post, REGISTER, {"i": customer_view_input("another_view")})  # not asked for
            await _in_thread(server.post, REGISTER, {"i": customer_view_input(name, description="second")})
            await _in_thread(server.post, REGISTER, {"i": customer_view_input(name, description="second")})  # same
            events = await sub.next_events(2)
            assert [(e["kind"], e["name"], e["featureView"]["description"]) for e in events] == [
                ("REGISTERED", name, "Customer aggregates"),
                ("UPDATED", name, "second"),
            ]
            assert time.monotonic() - started < POLL * 4  # at once, not a poll later
            started_at = "2025-12-31T00:00:00+00:00"
            materialize = """mutation($i: MaterializeInput!) { materialize(input: $i) { operation { id } } }"""
            window = {"featureViews": [name], "start": started_at, "end": "2026-01-08T00:00:00+00:00"}
            await _in_thread(server.post, materialize, {"i": window})
            (loaded,) = await sub.next_events(1, timeout=120)
            assert loaded["kind"] == "MATERIALIZED"
            delete = "mutation($n: String!) { deleteFeatureView(name: $n) { name } }"
            await _in_thread(server.post, delete, {"n": name})
            (deleted,) = await sub.next_events(1)
            assert deleted["kind"] == "DELETED" and deleted["featureView"] is None
            await sub.nothing_more(POLL * 3)

    asyncio.run(scenario())


def test_model_versions_changed_by_the_api_and_by_mlflows_own_client(server):
    from mlflow import MlflowClient

    mlflow = MlflowClient(f"sqlite:///{server.data_dir / 'mlflow.db'}")
    model = "changing_model"

    def register_elsewhere() -> None:  # another writer: no kick, found by the poll
        mlflow.create_registered_model(model)
        run = mlflow.create_run(mlflow.create_experiment("changes_exp"))
        mlflow.create_model_version(model, (server.data_dir / "nowhere").as_uri(), run_id=run.info.run_id)

    async def scenario() -> None:
        server.post("{ registeredModels { totalCount } }")  # MLflow opened, so the first reading is quick
        async with Subscription(server, MODELS, {"model": model}) as sub:
            await _in_thread(register_elsewhere)
            (created,) = await sub.next_events(1)
            assert (created["kind"], created["model"], created["version"]) == ("CREATED", model, 1)
            alias = "mutation($i: SetModelAliasInput!) { setModelAlias(input: $i) { userErrors { code } } }"
            await _in_thread(server.post, alias, {"i": {"model": model, "alias": "champion", "version": 1}})
            tag = "mutation($i: SetModelVersionTagInput!) { setModelVersionTag(input: $i) { userErrors { code } } }"
            await _in_thread(server.post, tag, {"i": {"model": model, "version": 1, "key": "stage", "value": "ok"}})
            events = await sub.next_events(2)
            assert [(e["kind"], e["alias"], e["tagKey"]) for e in events] == [
                ("ALIAS_MOVED", "champion", None),
                ("TAG_SET", None, "stage"),
            ]
            assert events[1]["modelVersion"] == {"version": 1, "aliases": ["champion"]}
            await _in_thread(mlflow.delete_registered_model_alias, model, "champion")
            (removed,) = await sub.next_events(1)
            assert (removed["kind"], removed["alias"]) == ("ALIAS_REMOVED", "champion")

    asyncio.run(scenario())


def test_too_many_names_are_refused(server):
    async def scenario() -> None:
        async with websockets.connect(
            server.url.replace("http", "ws") + "/graphql", subprotocols=["graphql-transport-ws"]
        ) as ws:
            await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
            await ws.recv()
            payload = {"query": VIEWS, "variables": {"names": [f"v{i}" for i in range(101)]}}
            await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
            async with asyncio.timeout(15):
                message = json.loads(await ws.recv())
            errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
            assert errors[0]["extensions"]["code"] == "LIMIT_EXCEEDED"

    asyncio.run(scenario())
