"""Query limits: each with a query that just passes and one that just fails."""

from __future__ import annotations

import pytest

from tests.conftest import app_with_limits, gql

# featureServices > featureViews > featureView > entities > tags > key: depth 6 (the deepest
# this schema allows, so the default limit of 10 is tested with a lower one)
DEEP = "{ featureServices { featureViews { featureView { entities { tags { key } } } } } }"


def _aliases(n: int) -> str:
    fields = " ".join(f"a{i}: name" for i in range(n))
    return f"query {{ entities {{ ...F }} }} fragment F on Entity {{ {fields} }}"


@pytest.fixture(scope="module")
def limited(settings, services):
    with app_with_limits(settings, services, max_depth=5, max_aliases=5, max_tokens=60, max_body_bytes=4096) as c:
        yield c


def test_depth_limit(limited):
    five = "{ featureServices { featureViews { featureView { entities { name } } } } }"
    assert gql(limited, five).errors == []
    result = gql(limited, DEEP, errors=True)
    assert result.codes() == ["LIMIT_EXCEEDED"]
    assert "depth 6" in result.errors[0]["message"]


def test_depth_limit_counts_through_fragments(limited):
    query = """
    query { featureViews { ...Page } }
    fragment Page on FeatureViewConnection { edges { node { ...View } } }
    fragment View on FeatureView { entities { %s } }
    """
    assert gql(limited, query % "name").errors == []
    assert gql(limited, query % "tags { key }", errors=True).codes() == ["LIMIT_EXCEEDED"]
    inline = "{ featureViews { edges { node { ... on FeatureView { entities { tags { key } } } } } } }"
    assert gql(limited, inline, errors=True).codes() == ["LIMIT_EXCEEDED"]


def test_introspection_does_not_count_towards_depth(limited):
    query = "{ __schema { types { fields { type { ofType { ofType { name } } } } } } }"
    assert gql(limited, query).errors == []


def test_alias_limit_counts_fragment_spreads(limited):
    assert gql(limited, _aliases(5)).errors == []
    result = gql(limited, _aliases(6), errors=True)
    assert result.codes() == ["LIMIT_EXCEEDED"]
    # a fragment's aliases count once per spread: 1 + 2 * 2 passes, 1 + 2 * 3 does not
    query = "query { entities { ...F } x: entities { ...F } } fragment F on Entity { %s }"
    assert gql(limited, query % "a: name b: name").errors == []
    assert gql(limited, query % "a: name b: name c: name", errors=True).codes() == ["LIMIT_EXCEEDED"]


def test_token_limit(limited):
    fields = " ".join(["name"] * 60)
    assert gql(limited, "{ entities { " + " ".join(["name"] * 40) + " } }").errors == []
    result = gql(limited, "{ entities { " + fields + " } }", errors=True)
    assert result.codes() == ["LIMIT_EXCEEDED"]
    assert "tokens" in result.errors[0]["message"]


def test_body_limit_is_413(limited):
    ok = limited.post("/graphql", json={"query": "{ entities { name } }", "variables": {"p": "x" * 3000}})
    assert ok.status_code == 200
    big = limited.post("/graphql", json={"query": "{ entities { name } }", "variables": {"p": "x" * 5000}})
    assert big.status_code == 413


def test_streamed_body_over_the_cap_is_413(limited):
    def chunks():
        for _ in range(10):
            yield b"x" * 1000

    response = limited.post("/graphql", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413


def test_default_limits_are_the_documented_ones(client):
    assert gql(client, DEEP).errors == []
    assert gql(client, _aliases(15)).errors == []
    assert gql(client, _aliases(16), errors=True).codes() == ["LIMIT_EXCEEDED"]
    many = "{ entities { " + " ".join(["name"] * 2100) + " } }"
    assert gql(client, many, errors=True).codes() == ["LIMIT_EXCEEDED"]
