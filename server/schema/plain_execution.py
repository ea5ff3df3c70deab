"""An executor that completes plain parts of a result without graphql-core's per-field bookkeeping.

graphql-core spends about 9 µs on every field it completes: a resolve-info object, argument handling,
awaitable checks, a path, the completion of the value by its type. Most fields of a large answer need none
of it: a page of 100 feature views with their features is ~5,000 fields, nearly all of them an attribute
of a record (Strawberry's default resolver) holding a string, a number or an enum.

A selection is *plain* when every field in it, recursively, is such an attribute read (no resolver of our
own, no arguments, no directive but @skip/@include, which field collection has already applied) and every
type in it is a leaf, a list, a non-null wrapper or a concrete object type. For a plain selection the
executor compiles, once per request and selection, a function from the value to its completed result, and
runs that instead of completing field by field. Anything unusual on the way (a null where the schema
promises a value, a value a scalar refuses, something that is not a list where a list is due, an
exception) abandons the compiled attempt for that field, and graphql-core completes it as always: the
compiled function has no side effects (it reads attributes and coerces leaves), so running the field
again gives exactly the errors and nulls graphql-core gives. Fields with resolvers, abstract types,
@defer and @stream, and middleware (none is installed today) always take graphql-core's path.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Any

from graphql import (
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    Undefined,
    is_leaf_type,
)
from graphql.execution.collect_fields import FieldDetailsList
from graphql.pyutils import AwaitableOrValue, Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import CustomGraphQLEnumType, GraphQLCoreConverter

Complete = Callable[[Any], Any]  # a value -> its completed result; raises to hand the value back
COLLECTION_DIRECTIVES = frozenset({"skip", "include"})  # applied while fields are collected


class NotPlain(Exception):
    """The value is not what the compiled function completes: graphql-core completes it."""


class PlainExecutor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's executor with compiled completion of plain selections (see the module's docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        manager = self.middleware_manager  # Strawberry passes one always; empty unless an extension resolves
        self._compiling = manager is None or not manager.middlewares
        # By (type, identity of the field group), the group kept alive so its id is not reused meanwhile.
        self._values: dict[tuple[GraphQLOutputType, int], tuple[FieldDetailsList, Complete | None]] = {}
        self._fields: dict[tuple[GraphQLObjectType, int], tuple[FieldDetailsList, Complete | None]] = {}

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
    ) -> Any:
        if position_context is None and self._compiling:
            key = (parent_type, id(field_details_list))
            found = self._fields.get(key)
            if found is None:
                found = (field_details_list, self._compile_field(parent_type, field_details_list))
                self._fields[key] = found
            complete = found[1]
            if complete is not None:
                try:
                    return complete(source)
                except Exception:  # graphql-core completes it, and words any error
                    pass
        return super().execute_field(parent_type, source, field_details_list, path, position_context)

    def complete_value(
        self,
        return_type: GraphQLOutputType,
        field_details_list: FieldDetailsList,
        info: GraphQLResolveInfo[Any],
        path: Path,
        result: Any,
        position_context: Any,
    ) -> AwaitableOrValue[Any]:
        if position_context is None and self._compiling:
            complete = self._value(return_type, field_details_list)
            if complete is not None:
                try:
                    return complete(result)
                except Exception:  # graphql-core completes it, and words any error
                    pass
        return super().complete_value(return_type, field_details_list, info, path, result, position_context)

    # ---- compiling ------------------------------------------------------------------------------------

    def _value(self, type_: GraphQLOutputType, group: FieldDetailsList) -> Complete | None:
        key = (type_, id(group))
        found = self._values.get(key)
        if found is None:
            found = (group, self._compile_value(type_, group))
            self._values[key] = found
        return found[1]

    def _compile_field(self, parent_type: GraphQLObjectType, group: FieldDetailsList) -> Complete | None:
        """The whole field (the attribute read and its completion), or None when it is not plain."""
        name = group[0].node.name.value
        if name == "__typename":
            typename = parent_type.name
            return lambda _source: typename
        field = self.schema.get_field(parent_type, name)
        if field is None or not _plain_nodes(group):
            return None
        read = _attribute(field)
        complete = self._value(field.type, group) if read is not None else None
        if read is None or complete is None:
            return None
        return lambda source: complete(read(source))

    def _compile_value(self, type_: GraphQLOutputType, group: FieldDetailsList) -> Complete | None:
        if isinstance(type_, GraphQLNonNull):
            return _non_null(self._value(type_.of_type, group))
        if isinstance(type_, GraphQLList):
            if not _plain_nodes(group):  # @stream
                return None
            return _list(self._value(type_.of_type, group))
        if isinstance(type_, CustomGraphQLEnumType):
            return _enum(type_)
        if is_leaf_type(type_):
            return _leaf(type_.coerce_output_value)
        if isinstance(type_, GraphQLObjectType):
            return self._compile_object(type_, group)
        return None  # interfaces and unions: graphql-core resolves the concrete type

    def _compile_object(self, type_: GraphQLObjectType, group: FieldDetailsList) -> Complete | None:
        is_type_of = type_.is_type_of
        if is_type_of is not None and not getattr(is_type_of, "__module__", "").startswith("strawberry."):
            return None  # a check of our own may want the resolve info; Strawberry's reads only the value
        grouped, deferred, _ = self.collect_subfields(type_, group)
        if deferred:
            return None
        fields: list[tuple[str, Complete]] = []
        for key, sub in grouped.items():
            complete = self._compile_field(type_, sub)
            if complete is None:
                return None
            fields.append((key, complete))
        return _object(fields, is_type_of)


# ---- the compiled functions ---------------------------------------------------------------------------


def _plain_nodes(group: FieldDetailsList) -> bool:
    for details in group:
        node = details.node
        if node.arguments or any(d.name.value not in COLLECTION_DIRECTIVES for d in node.directives or ()):
            return False
    return True


def _attribute(field: GraphQLField) -> Complete | None:
    """The field's value read as Strawberry's default resolver reads it; None for any other resolver.

    Strawberry marks every resolver of a field without a resolver function `_is_default`, also those that
    run field extensions (permission classes among them): only its basic one (no extensions, no exception
    handlers), `_get_basic_result`, is a plain attribute read."""
    if getattr(field.resolve, "__name__", None) != "_get_basic_result" or field.args:
        return None
    definition = (field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    name = getattr(definition, "python_name", None)
    if not isinstance(name, str) or not definition.is_basic_field:  # type: ignore[union-attr]
        return None
    default = definition.default_resolver  # type: ignore[union-attr]
    if default is getattr:
        return attrgetter(name)
    return lambda source: default(source, name)


def _non_null(inner: Complete | None) -> Complete | None:
    if inner is None:
        return None

    def complete(value: Any) -> Any:
        completed = inner(value)
        if completed is None:
            raise NotPlain  # graphql-core raises the non-null error, at its path
        return completed

    return complete


def _list(item: Complete | None) -> Complete | None:
    if item is None:
        return None

    def complete(value: Any) -> Any:
        if value is None or value is Undefined:
            return None
        if not isinstance(value, list | tuple):
            raise NotPlain  # an iterable of another kind, an async one, an exception, a wrong type
        return [item(v) for v in value]

    return complete


def _leaf(coerce: Callable[[Any], Any]) -> Complete:
    def complete(value: Any) -> Any:
        if value is None or value is Undefined:
            return None
        if isinstance(value, Exception):
            raise NotPlain
        coerced = coerce(value)
        if coerced is None or coerced is Undefined:
            raise NotPlain
        return coerced

    return complete


def _enum(type_: CustomGraphQLEnumType) -> Complete:
    """Strawberry's enum coercion (a member becomes the first name whose value equals the member's) by one
    lookup instead of a scan of the values; anything but a member of the enum is coerced as Strawberry does."""
    names: dict[Any, str] = {}
    for name, value in type_.values.items():
        names.setdefault(value.value, name)
    members, coerce = type_.wrapped_cls, _leaf(type_.coerce_output_value)

    def complete(value: Any) -> Any:
        if isinstance(value, members):
            return names[value.value]  # a member without a name: KeyError, and graphql-core words it
        return coerce(value)

    return complete


def _object(fields: list[tuple[str, Complete]], is_type_of: Any) -> Complete:
    def complete(value: Any) -> Any:
        if value is None or value is Undefined:
            return None
        if isinstance(value, Exception) or (is_type_of is not None and is_type_of(value, None) is not True):
            raise NotPlain
        return {key: field(value) for key, field in fields}

    return complete
