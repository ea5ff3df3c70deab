"""server/services/job_feast_repo.py: what of the server's configuration a job's Feast repo may carry."""

from __future__ import annotations

from pathlib import Path

import yaml
from feast.infra.data_sources.contrib.iceberg_catalog.iceberg_source import IcebergSource
from feast.infra.offline_stores.contrib.trino_offline_store.trino_source import TrinoSource
from feast.protos.feast.core.Registry_pb2 import Registry

from server.config import load_settings
from server.services.job_feast_repo import job_catalog_uri, job_registry, without_password, write_job_repo

SERVER_CATALOG = "postgresql+psycopg://iceberg:s3cret@db.internal:5432/catalog"


def _iceberg(name: str, uri: str) -> IcebergSource:
    return IcebergSource(
        name=name,
        warehouse="s3://warehouse/",
        namespace="gold",
        table="orders",
        catalog_type="sql",
        catalog_name="iceberg",
        catalog_properties={"uri": uri, "s3.endpoint": "http://s3.internal"},
        timestamp_field="ts",
        credential_vending=False,
    )


def test_without_password():
    assert without_password(SERVER_CATALOG) == "postgresql+psycopg://iceberg@db.internal:5432/catalog"
    assert without_password("postgresql://:only@h/db") == "postgresql://h/db"
    assert without_password("postgresql://h/db?sslmode=require&password=x") == "postgresql://h/db?sslmode=require"
    assert without_password("http://nessie:19120/iceberg/") == "http://nessie:19120/iceberg/"
    assert without_password("sqlite:////data/gold_catalog.db") == "sqlite:////data/gold_catalog.db"


def test_the_jobs_catalog_uri_is_the_configured_one_or_the_servers_without_its_password(tmp_path):
    settings = load_settings(env={}, data_dir=tmp_path, catalog_uri=SERVER_CATALOG).resolved()
    assert job_catalog_uri(settings) == "postgresql+psycopg://iceberg@db.internal:5432/catalog"
    readonly = "postgresql+psycopg://reader:r@db.internal:5432/catalog"
    configured = load_settings(env={"ASGARD_JOB_CATALOG_URI": readonly}, data_dir=tmp_path, catalog_uri=SERVER_CATALOG)
    assert job_catalog_uri(configured.resolved()) == readonly


def test_every_iceberg_source_wherever_nested_gets_the_jobs_uri_and_other_projects_are_dropped():
    from feast import Entity, FeatureService, FeatureView, Field
    from feast.types import Int64

    def view(name: str, project_source: IcebergSource) -> FeatureView:
        customer = Entity(name="customer", join_keys=["customer_id"])
        return FeatureView(name=name, entities=[customer], schema=[Field(name="n", dtype=Int64)], source=project_source)

    ours, theirs = view("ours", _iceberg("a", SERVER_CATALOG)), view("theirs", _iceberg("b", SERVER_CATALOG))
    registry = Registry()
    registry.data_sources.append(_iceberg("a", SERVER_CATALOG).to_proto())
    registry.data_sources[0].project = "asgard"
    trino = TrinoSource(name="t", table="iceberg.gold.orders", timestamp_field="ts").to_proto()
    trino.project = "asgard"
    registry.data_sources.append(trino)
    for item, project in ((ours, "asgard"), (theirs, "other-team")):
        proto = item.to_proto()
        proto.spec.project = project
        registry.feature_views.append(proto)
        service = FeatureService(name=f"{item.name}_service", features=[item]).to_proto()
        service.spec.project = project
        registry.feature_services.append(service)  # Feast keeps a copy of the view's source in it
    registry.infra.infra_objects.add().infra_object_class_type = "sqlite:////data/online_store.db"
    assert registry.SerializeToString().count(b"s3cret") >= 4

    rewritten = Registry.FromString(job_registry(registry.SerializeToString(), "sqlite:////job/catalog.db", "asgard"))
    text = rewritten.SerializeToString()
    assert b"s3cret" not in text and b"online_store.db" not in text and b"other-team" not in text
    assert [v.spec.name for v in rewritten.feature_views] == ["ours"]
    assert [f.spec.name for f in rewritten.feature_services] == ["ours_service"]
    first = IcebergSource.from_proto(rewritten.data_sources[0])
    assert first.catalog_properties == {"uri": "sqlite:////job/catalog.db", "s3.endpoint": "http://s3.internal"}
    projected = rewritten.feature_services[0].spec.features[0].batch_source
    assert IcebergSource.from_proto(projected).catalog_properties["uri"] == "sqlite:////job/catalog.db"
    assert rewritten.data_sources[1] == trino


def test_the_repo_reads_a_file_registry_and_names_no_database_or_online_store(tmp_path):
    settings = load_settings(
        env={},
        data_dir=tmp_path / "data",
        registry_url="postgresql://feast:pw@db.internal/registry",
        online_store="redis://:redispw@cache.internal:6379",
    ).resolved()
    repo = write_job_repo(settings, Registry().SerializeToString(), tmp_path / "job" / "feast")
    config = yaml.safe_load((repo / "feature_store.yaml").read_text())
    assert config["registry"] == {
        "registry_type": "file",
        "path": str(Path(repo) / "registry.pb"),
        "cache_ttl_seconds": 0,
    }
    assert config["online_store"] == {"type": "sqlite", "path": ":memory:"}
    text = (repo / "feature_store.yaml").read_text()
    assert "pw@" not in text and "db.internal" not in text and "cache.internal" not in text


def test_the_jobs_s3_keys_go_together(tmp_path):
    import pytest

    from server.config import ConfigError

    with pytest.raises(ConfigError, match="go together"):
        load_settings(env={"ASGARD_JOB_AWS_ACCESS_KEY_ID": "reader"}, data_dir=tmp_path)
    keys = {"ASGARD_JOB_AWS_ACCESS_KEY_ID": "reader", "ASGARD_JOB_AWS_SECRET_ACCESS_KEY": "r-secret"}
    settings = load_settings(env=keys, data_dir=tmp_path)
    assert "r-secret" not in repr(settings)


def test_with_trino_a_job_queries_as_its_own_user(tmp_path):
    env = {"ASGARD_OFFLINE_ENGINE": "trino", "ASGARD_TRINO_URL": "http://trino.internal:8080"}
    settings = load_settings(env=env, data_dir=tmp_path / "data").resolved()
    repo = write_job_repo(settings, Registry().SerializeToString(), tmp_path / "job")
    offline = yaml.safe_load((repo / "feature_store.yaml").read_text())["offline_store"]
    assert offline["type"] == "trino" and offline["user"] == "asgard-job" != settings.trino_user
    mine = load_settings(env={**env, "ASGARD_JOB_TRINO_USER": "reader"}, data_dir=tmp_path / "data").resolved()
    assert (
        write_job_repo(mine, Registry().SerializeToString(), tmp_path / "job2")
        .joinpath("feature_store.yaml")
        .read_text()
        .count("user: reader")
        == 1
    )
