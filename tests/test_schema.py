"""The committed SDL matches the code, and the schema follows the house rules."""

from __future__ import annotations

import re
from pathlib import Path

from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLObjectType

from server.schema.build import build_schema, schema_sdl

ROOT = Path(__file__).resolve().parent.parent


def test_committed_schema_matches_the_code():
    committed = (ROOT / "schema.graphql").read_text()
    assert committed == schema_sdl(), "schema.graphql is stale: run `asgard export-schema -o schema.graphql`"


def _own_types():
    schema = build_schema()._schema
    return [t for name, t in schema.type_map.items() if not name.startswith("__")]


def test_every_type_and_field_has_a_description():
    missing = []
    for t in _own_types():
        if not getattr(t, "description", None) and t.name not in {"String", "Int", "Float", "Boolean", "ID"}:
            missing.append(t.name)
        if isinstance(t, (GraphQLObjectType, GraphQLInputObjectType)):
            missing += [f"{t.name}.{n}" for n, f in t.fields.items() if not f.description]
            if isinstance(t, GraphQLObjectType):
                for n, f in t.fields.items():
                    missing += [f"{t.name}.{n}({a})" for a, arg in f.args.items() if not arg.description]
        if isinstance(t, GraphQLEnumType):
            missing += [f"{t.name}.{n}" for n, v in t.values.items() if not v.description]
    assert missing == [], missing


def test_the_schema_enums_are_twins_of_the_domain_enums():
    """server/schema/enums.py repeats the domain's names and values (the domain enums stay undecorated)."""
    from server.auth.roles import Role
    from server.jobs.materializations import MaterializationStatus
    from server.jobs.records import JobStatus, LogStream
    from server.schema import enums
    from server.services.change_events import ModelEventKind, ViewEventKind
    from server.services.dtypes import FeatureDtype
    from server.services.errors import ErrorCode
    from server.services.exports import ExportFormat
    from server.services.lineage import EdgeKind, NodeKind
    from server.services.lineage_rules import LineageSource
    from server.services.push_rows import PushTarget
    from server.services.registry_records import Change
    from server.services.view_history import ViewChange

    pairs = [
        (enums.FeatureDtype, FeatureDtype),
        (enums.ErrorCode, ErrorCode),
        (enums.JobStatus, JobStatus),
        (enums.LogStream, LogStream),
        (enums.MaterializationStatus, MaterializationStatus),
        (enums.ExportFormat, ExportFormat),
        (enums.Role, Role),
        (enums.RegistrationChange, Change),
        (enums.PushTarget, PushTarget),
        (enums.FeatureViewChange, ViewChange),
        (enums.LineageSource, LineageSource),
        (enums.LineageNodeKind, NodeKind),
        (enums.LineageEdgeKind, EdgeKind),
        (enums.FeatureViewEventKind, ViewEventKind),
        (enums.ModelVersionEventKind, ModelEventKind),
    ]
    for twin, domain in pairs:
        assert [(m.name, m.value) for m in twin] == [(m.name, m.value) for m in domain], twin
        assert not hasattr(domain, "__strawberry_definition__"), domain  # nothing decorated the domain's


def test_names_follow_the_conventions():
    for t in _own_types():
        if isinstance(t, GraphQLEnumType):
            assert all(re.fullmatch(r"[A-Z][A-Z0-9_]*", v) for v in t.values), t.name
        if isinstance(t, (GraphQLObjectType, GraphQLInputObjectType)):
            assert all(re.fullmatch(r"[a-z][A-Za-z0-9]*", f) for f in t.fields), t.name


def _signature(type_name: str, field: str) -> str:
    f = build_schema()._schema.type_map[type_name].fields[field]
    args = ", ".join(f"{n}: {a.type}" for n, a in f.args.items())
    return f"{field}({args}): {f.type}"


def test_contract_names_exist():
    assert _signature("Mutation", "registerFeatureView") == (
        "registerFeatureView(input: RegisterFeatureViewInput!): RegisterFeatureViewPayload!"
    )
    assert _signature("Mutation", "deleteFeatureView") == "deleteFeatureView(name: String!): DeletePayload!"
    assert _signature("Mutation", "createFeatureService") == (
        "createFeatureService(input: CreateFeatureServiceInput!): FeatureServicePayload!"
    )
    assert _signature("Query", "featureViews") == (
        "featureViews(filter: FeatureViewFilter, first: Int, after: String): FeatureViewConnection!"
    )
    payload = build_schema()._schema.type_map["RegisterFeatureViewPayload"]
    assert set(payload.fields) == {"featureView", "change", "userErrors"}
    assert str(payload.fields["userErrors"].type) == "[UserError!]!"
    user_error = build_schema()._schema.type_map["UserError"]
    assert {n: str(f.type) for n, f in user_error.fields.items()} == {
        "field": "[String!]",
        "message": "String!",
        "code": "ErrorCode!",
    }
