"""Query limits: tokens (at parse time), depth and aliases (validation rules, fragments expanded).

A refused query is a GraphQL error with `extensions.code = LIMIT_EXCEEDED`. Introspection fields
do not count towards depth, so GraphiQL and standard clients keep working.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSyntaxError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    parse,
)
from graphql.validation import ASTValidationContext, ASTValidationRule
from strawberry.extensions import SchemaExtension

from server.config import Limits

LIMIT_EXCEEDED = {"code": "LIMIT_EXCEEDED"}


def _walk(
    selection_set: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
    seen: frozenset[str],
) -> Iterator[tuple[FieldNode, int]]:
    """Every field under a selection set with its depth (1 = top), fragments expanded."""
    if selection_set is None:
        return
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            if selection.name.value.startswith("__"):
                continue
            yield selection, 1
            for child, depth in _walk(selection.selection_set, fragments, seen):
                yield child, depth + 1
        elif isinstance(selection, InlineFragmentNode):
            yield from _walk(selection.selection_set, fragments, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is not None and name not in seen:  # cycles are reported by another rule
                yield from _walk(fragment.selection_set, fragments, seen | {name})


def _fragments(context: ASTValidationContext) -> dict[str, FragmentDefinitionNode]:
    return {d.name.value: d for d in context.document.definitions if isinstance(d, FragmentDefinitionNode)}


@lru_cache(maxsize=16)
def depth_rule(max_depth: int) -> type[ASTValidationRule]:
    class DepthLimit(ASTValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            fragments = _fragments(self.context)
            depth = max((d for _, d in _walk(node.selection_set, fragments, frozenset())), default=0)
            if depth > max_depth:
                self.report_error(
                    GraphQLError(
                        f"query depth {depth} exceeds the limit of {max_depth}",
                        node,
                        extensions=dict(LIMIT_EXCEEDED),
                    )
                )

    return DepthLimit


@lru_cache(maxsize=16)
def alias_rule(max_aliases: int) -> type[ASTValidationRule]:
    class AliasLimit(ASTValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            fragments = _fragments(self.context)
            aliases = 0
            for field, _depth in _walk(node.selection_set, fragments, frozenset()):
                if field.alias is not None:
                    aliases += 1
                    if aliases > max_aliases:
                        break
            if aliases > max_aliases:
                self.report_error(
                    GraphQLError(
                        f"the query uses more than {max_aliases} aliases (fragments expanded)",
                        node,
                        extensions=dict(LIMIT_EXCEEDED),
                    )
                )

    return AliasLimit


@lru_cache(maxsize=16)
def root_field_rule(max_fields: int) -> type[ASTValidationRule]:
    class RootFieldLimit(ASTValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            fragments = _fragments(self.context)
            roots = sum(1 for _, depth in _walk(node.selection_set, fragments, frozenset()) if depth == 1)
            if roots > max_fields:
                self.report_error(
                    GraphQLError(
                        f"the operation asks for {roots} root fields; the limit is {max_fields}",
                        node,
                        extensions=dict(LIMIT_EXCEEDED),
                    )
                )

    return RootFieldLimit


@lru_cache(maxsize=4)
def _cached_parser(maxsize: int) -> Any:
    @lru_cache(maxsize=maxsize)
    def cached_parse(query: str, max_tokens: int) -> Any:
        return parse(query, max_tokens=max_tokens)

    return cached_parse


class DocumentLimits(SchemaExtension):
    """Parse through a bounded cache with the token limit; add the depth and alias rules."""

    def __init__(self, limits: Limits) -> None:
        super().__init__()
        self.limits = limits
        self.parse = _cached_parser(limits.document_cache_size)

    def on_operation(self) -> Iterator[None]:
        ctx = self.execution_context
        ctx.validation_rules = (
            *ctx.validation_rules,
            depth_rule(self.limits.max_depth),
            alias_rule(self.limits.max_aliases),
            root_field_rule(self.limits.max_root_fields),
        )
        yield

    def on_parse(self) -> Iterator[None]:
        ctx = self.execution_context
        if ctx.graphql_document is None and ctx.query:
            try:
                ctx.graphql_document = self.parse(ctx.query, self.limits.max_tokens)
            except GraphQLSyntaxError as error:
                if "tokens" in error.message:
                    raise GraphQLError(
                        f"the query has more than {self.limits.max_tokens} tokens",
                        extensions=dict(LIMIT_EXCEEDED),
                    ) from None
                raise
        yield
