"""An executor that completes plain parts of a result without graphql-core's per-field bookkeeping.

graphql-core spends about 9 µs on every field it completes: a resolve-info object, argument handling,
awaitable checks, a path, the completion of the value by its type. Most fields of a large answer need none
of it: a page of 100 feature views with their features is ~5,000 fields, nearly all of them an attribute
of a record (Strawberry's default resolver) holding a string, a number or an enum.

A selection is *plain* when every field in it, recursively, is such an attribute read (Strawberry's basic
resolver of a `StrawberryField` whose `get_result` is Strawberry's own: no resolver function, extension or
permission, no arguments, no directive but @skip/@include, which field collection has already applied) and
every type in it is a leaf, a list, a non-null wrapper or a concrete object type. For a plain selection the
executor compiles, once per request and selection, a function from the value to its completed result, and
runs that instead of completing field by field.

Anything unusual on the way (a null where the schema promises a value, a value a scalar refuses, an
awaitable, something that is not a list where a list is due, an exception) abandons the compiled attempt,
and graphql-core completes that value as always, all of it: no compiled attempt is made again inside it, so
a value whose completion fails is read twice at most (the attempt reads attributes and coerces leaves,
nothing else), and the answer, errors included, is graphql-core's. Fields with resolvers, abstract types,
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
from strawberry.types.field import StrawberryField

Complete = Callable[[Any], Any]  # a value -> its completed result; raises to hand the value back
IsAwaitable = Callable[[Any], bool]
COLLECTION_DIRECTIVES = frozenset({"skip", "include"})  # applied while fields are collected
PRIMITIVES = frozenset({str, int, float, bool})  # never awaitable, never an exception


class NotPlain(Exception):
    """The value is not what the compiled function completes: graphql-core completes it."""


class PlainExecutor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's executor with compiled completion of plain selections (see the module's docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        manager = self.middleware_manager  # Strawberry passes one always; empty unless an extension resolves
        self._compiling = manager is None or not manager.middlewares
        self._fresh_memos()

    def _fresh_memos(self) -> None:
        # By (type, identity of the field group), the group kept alive so its id is not reused meanwhile.
        self._values: dict[tuple[GraphQLOutputType, int], tuple[FieldDetailsList, Complete | None]] = {}
        self._fields: dict[tuple[GraphQLObjectType, int], tuple[FieldDetailsList, Complete | None]] = {}
        self._handed_back = 0  # > 0 while graphql-core completes a value a compiled attempt gave up on

    def build_per_event_executor(self, payload: Any) -> Any:
        """A subscription's event collects its fields afresh: its compiled functions are its own (shared,
        they would pile up, one set per event, for the subscription's life)."""
        executor = super().build_per_event_executor(payload)
        assert isinstance(executor, PlainExecutor)  # a copy of this one
        executor._fresh_memos()
        return executor

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
    ) -> Any:
        if position_context is None and self._compiling and not self._handed_back:
            complete = self._field(parent_type, field_details_list)
            if complete is not None:
                try:
                    return complete(source)
                except Exception:  # graphql-core completes it, and words any error (outside this handler:
                    pass  # its errors are not to carry this attempt's as their context)
                return self._hand_back(
                    super().execute_field, parent_type, source, field_details_list, path, position_context
                )
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
        if position_context is None and self._compiling and not self._handed_back:
            complete = self._value(return_type, field_details_list)
            if complete is not None:
                try:
                    return complete(result)
                except Exception:  # as in execute_field
                    pass
                return self._hand_back(
                    super().complete_value, return_type, field_details_list, info, path, result, position_context
                )
        return super().complete_value(return_type, field_details_list, info, path, result, position_context)

    def _hand_back(self, complete: Callable[..., Any], *args: Any) -> Any:
        """graphql-core's completion of a value a compiled attempt gave up on, with no attempt inside it. The
        call is synchronous (a plain selection has no resolvers); an awaitable it returns runs later, outside."""
        self._handed_back += 1
        try:
            return complete(*args)
        finally:
            self._handed_back -= 1

    # ---- compiling ------------------------------------------------------------------------------------

    def _field(self, parent_type: GraphQLObjectType, group: FieldDetailsList) -> Complete | None:
        key = (parent_type, id(group))
        found = self._fields.get(key)
        if found is None:
            found = self._fields[key] = (group, self._compile_field(parent_type, group))
        return found[1]

    def _value(self, type_: GraphQLOutputType, group: FieldDetailsList) -> Complete | None:
        key = (type_, id(group))
        found = self._values.get(key)
        if found is None:
            try:
                compiled = self._compile_value(type_, group)
            except Exception:  # a type this module does not foresee: graphql-core's path, as for any other
                compiled = None
            found = self._values[key] = (group, compiled)
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
            return _enum(type_, self.is_awaitable)
        if is_leaf_type(type_):
            return _leaf(type_.coerce_output_value, self.is_awaitable)
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
            complete = self._field(type_, sub)
            if complete is None:
                return None
            fields.append((key, complete))
        return _object(fields, is_type_of, self.is_awaitable)


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
    handlers), `_get_basic_result`, of a field whose `get_result` is StrawberryField's own (a subclass may
    mask or check what it returns), is a plain attribute read."""
    if getattr(field.resolve, "__name__", None) != "_get_basic_result" or field.args:
        return None
    definition = (field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if not isinstance(definition, StrawberryField) or not definition.is_basic_field:
        return None
    if type(definition).get_result is not StrawberryField.get_result:
        return None
    name = definition.python_name
    default = definition.default_resolver
    if not isinstance(name, str):
        return None
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


def _leaf(coerce: Callable[[Any], Any], is_awaitable: IsAwaitable) -> Complete:
    def complete(value: Any) -> Any:
        if value is None or value is Undefined:
            return None
        if value.__class__ not in PRIMITIVES and (isinstance(value, Exception) or is_awaitable(value)):
            raise NotPlain  # graphql-core raises the exception, or awaits the value first
        coerced = coerce(value)
        if coerced is None or coerced is Undefined:
            raise NotPlain
        return coerced

    return complete


def _enum(type_: CustomGraphQLEnumType, is_awaitable: IsAwaitable) -> Complete:
    """Strawberry's enum coercion (a member becomes the first name whose value equals the member's) by one
    lookup instead of a scan of the values, where that is the same thing: values that are all strings or
    integers (a dict finds by hash and identity, the scan by ==). Anything but a member is coerced as
    Strawberry does."""
    coerce = _leaf(type_.coerce_output_value, is_awaitable)
    values = [value.value for value in type_.values.values()]
    if not all(v.__class__ in (str, int) for v in values):
        return coerce
    names: dict[Any, str] = {}
    for name, value in zip(type_.values, values, strict=True):
        names.setdefault(value, name)
    members = type_.wrapped_cls

    def complete(value: Any) -> Any:
        if isinstance(value, members):
            return names[value.value]  # a member without a name: KeyError, and graphql-core words it
        return coerce(value)

    return complete


def _object(fields: list[tuple[str, Complete]], is_type_of: Any, is_awaitable: IsAwaitable) -> Complete:
    def complete(value: Any) -> Any:
        if value is None or value is Undefined:
            return None
        if isinstance(value, Exception) or is_awaitable(value):
            raise NotPlain  # graphql-core raises the exception, or awaits the value first
        if is_type_of is not None and is_type_of(value, None) is not True:
            raise NotPlain
        return {key: field(value) for key, field in fields}

    return complete
