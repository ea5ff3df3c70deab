"""Query limits: the text's size and tokens (at parse time), then depth, aliases, root fields, and the
fields of any one selection set.

A refused query is a GraphQL error with `extensions.code = LIMIT_EXCEEDED`. Each limit counts as if
fragments were expanded, yet costs time linear in the document: every fragment is measured once, and
a spread adds its fragment's measure (numbers stop growing past the limits). Introspection fields count
as aliases and root fields like any other; their subtrees do not count towards depth, so GraphiQL
and standard clients keep working.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)
from graphql.validation import ASTValidationRule
from strawberry.extensions import SchemaExtension

from server.config import Limits
from server.documents import Documents, too_large


@dataclass(frozen=True)
class Shape:
    """What the limits measure of a selection set, fragments expanded (each count capped at `cap`)."""

    depth: int = 0  # fields nested below, introspection subtrees not counted (bounded by the text's size)
    aliases: int = 0
    fields: int = 0  # fields at this level (for an operation: its root fields)
    breadth: int = 0  # the most fields of any one selection set at or below this one


_EMPTY = Shape()


def _capped(value: int, cap: int) -> int:
    return value if value < cap else cap


def _spreads(selection_set: SelectionSetNode | None) -> Iterator[str]:
    """The names of fragments spread anywhere under a selection set."""
    stack = [selection_set]
    while stack:
        current = stack.pop()
        if current is None:
            continue
        for node in current.selections:
            if isinstance(node, FragmentSpreadNode):
                yield node.name.value
            elif isinstance(node, (FieldNode, InlineFragmentNode)):
                stack.append(node.selection_set)


def _measure(selection_set: SelectionSetNode | None, fragments: dict[str, Shape], cap: int) -> Shape:
    """One pass over a selection set; spreads take their fragment's shape (unknown ones count nothing)."""
    if selection_set is None:
        return _EMPTY
    depth = aliases = fields = breadth = 0
    for node in selection_set.selections:
        if isinstance(node, FieldNode):
            child = _measure(node.selection_set, fragments, cap)
            aliases += (node.alias is not None) + child.aliases
            fields += 1
            breadth = max(breadth, child.breadth)
            if not node.name.value.startswith("__"):
                depth = max(depth, 1 + child.depth)
        elif isinstance(node, (InlineFragmentNode, FragmentSpreadNode)):
            if isinstance(node, InlineFragmentNode):
                child = _measure(node.selection_set, fragments, cap)
            else:
                child = fragments.get(node.name.value, _EMPTY)
            depth, aliases, fields = max(depth, child.depth), aliases + child.aliases, fields + child.fields
            breadth = max(breadth, child.breadth)
        aliases, fields = _capped(aliases, cap), _capped(fields, cap)
    return Shape(depth=depth, aliases=aliases, fields=fields, breadth=max(breadth, fields))


def fragment_shapes(document: DocumentNode, cap: int) -> dict[str, Shape]:
    """Every fragment's shape, each measured once, after the fragments it spreads (cycles count nothing:
    the standard NoFragmentCycles rule reports them)."""
    definitions = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    shapes: dict[str, Shape] = {}
    visiting: set[str] = set()
    for root in definitions:
        stack: list[tuple[str, Iterator[str]]] = []
        if root not in shapes:
            visiting.add(root)
            stack.append((root, _spreads(definitions[root].selection_set)))
        while stack:
            name, pending = stack[-1]
            child = next(pending, None)
            if child is None:
                stack.pop()
                visiting.discard(name)
                shapes[name] = _measure(definitions[name].selection_set, shapes, cap)
            elif child in definitions and child not in shapes and child not in visiting:
                visiting.add(child)
                stack.append((child, _spreads(definitions[child].selection_set)))
    return shapes


def operation_shapes(document: DocumentNode, cap: int) -> list[tuple[OperationDefinitionNode, Shape]]:
    fragments = fragment_shapes(document, cap)
    return [
        (op, _measure(op.selection_set, fragments, cap))
        for op in document.definitions
        if isinstance(op, OperationDefinitionNode)
    ]


def _refusal(message: str, node: OperationDefinitionNode) -> GraphQLError:
    return GraphQLError(message, node, extensions={"code": "LIMIT_EXCEEDED"})


@lru_cache(maxsize=16)
def shape_rule(max_depth: int, max_aliases: int, max_root_fields: int, max_selections: int) -> type[ASTValidationRule]:
    cap = max(max_depth, max_aliases, max_root_fields, max_selections) + 1

    class DocumentShapeLimits(ASTValidationRule):
        def enter_document(self, node: DocumentNode, *_: Any) -> Any:
            for operation, shape in operation_shapes(node, cap):
                if shape.depth > max_depth:
                    message = f"query depth {shape.depth} exceeds the limit of {max_depth}"
                    self.report_error(_refusal(message, operation))
                if shape.aliases > max_aliases:
                    message = f"the query uses more than {max_aliases} aliases (fragments expanded)"
                    self.report_error(_refusal(message, operation))
                if shape.fields > max_root_fields:
                    message = f"the operation asks for more than {max_root_fields} root fields (fragments expanded)"
                    self.report_error(_refusal(message, operation))
                if shape.breadth > max_selections:
                    # graphql-core compares every pair of same-named fields in a selection set: keep them few
                    message = f"a selection set asks for more than {max_selections} fields (fragments expanded)"
                    self.report_error(_refusal(message, operation))
            return self.BREAK

    return DocumentShapeLimits


class DocumentLimits(SchemaExtension):
    """Parse through the server's bounded parser; add the shape rule to validation."""

    def __init__(self, limits: Limits, documents: Documents) -> None:
        super().__init__()
        self.limits = limits
        self.documents = documents

    def on_operation(self) -> Iterator[None]:
        ctx = self.execution_context
        limits = self.limits
        ctx.validation_rules = (
            *ctx.validation_rules,
            shape_rule(limits.max_depth, limits.max_aliases, limits.max_root_fields, limits.max_selections),
        )
        yield

    async def on_parse(self) -> AsyncIterator[None]:
        ctx = self.execution_context
        if ctx.graphql_document is None and ctx.query:
            ctx.graphql_document = await self.documents.parse_off_loop(ctx.query)
        yield


__all__ = ["DocumentLimits", "Shape", "fragment_shapes", "operation_shapes", "shape_rule", "too_large"]
