"""The emulator's SDL is a subset of Railway's published schema: every type, field, argument (with its type),
input field and enum value it declares exists in ../shared/railway/schema.json with the same type, and
nothing Railway requires is missing from it. Skipped, with the reason, when the schema file is absent."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import graphql
import pytest

from testkit.fake_railway.exchange import Root
from testkit.fake_railway.server import emulator_schema
from tests.support.railway_schema import load_published_schema

Field = graphql.GraphQLField | graphql.GraphQLInputField
Fields = dict[str, graphql.GraphQLField] | dict[str, graphql.GraphQLInputField]


@pytest.fixture(scope="session")
def railway() -> graphql.GraphQLSchema:
    return load_published_schema()


def emulator_types() -> dict[str, graphql.GraphQLNamedType]:
    return {
        name: t
        for name, t in emulator_schema().type_map.items()
        if not name.startswith("__") and name not in graphql.specified_scalar_types
    }


def fields_of(t: graphql.GraphQLNamedType) -> Fields:
    if isinstance(
        t, graphql.GraphQLObjectType | graphql.GraphQLInterfaceType | graphql.GraphQLInputObjectType
    ):
        return t.fields
    return {}


def field_pairs(railway: graphql.GraphQLSchema) -> Iterator[tuple[str, str, Field, Field | None]]:
    """(type, field, the emulator's field, Railway's field of that name or None) for each emulator field."""
    for name, t in emulator_types().items():
        theirs = fields_of(railway.type_map[name])
        for field_name, field in fields_of(t).items():
            yield name, field_name, field, theirs.get(field_name)


def test_every_emulator_type_exists_in_railways_schema_with_the_same_kind(
    railway: graphql.GraphQLSchema,
) -> None:
    types = emulator_types()
    assert len(types) > 50
    wrong = [n for n, t in types.items() if type(railway.type_map.get(n)) is not type(t)]
    assert wrong == []


# What no emulator field may be, judged beside Railway's field of that name (None: Railway has none).
FIELD_FAULTS: dict[str, Callable[[Field, Field | None], bool]] = {
    "missing or of another type": lambda ours, theirs: theirs is None or str(theirs.type) != str(ours.type),
    "deprecated": lambda ours, theirs: bool(getattr(theirs, "deprecation_reason", None)),
}


@pytest.mark.parametrize("fault", FIELD_FAULTS)
def test_no_emulator_field_is_missing_from_railways_schema_of_another_type_or_deprecated(
    railway: graphql.GraphQLSchema, fault: str
) -> None:
    wrong = [
        f"{name}.{field_name}: {ours.type}"
        for name, field_name, ours, theirs in field_pairs(railway)
        if FIELD_FAULTS[fault](ours, theirs)
    ]
    assert wrong == []


def test_every_emulator_argument_exists_in_railways_schema_with_the_same_type_and_default(
    railway: graphql.GraphQLSchema,
) -> None:
    wrong = []
    for name, field_name, field, theirs in field_pairs(railway):
        their_args = getattr(theirs, "args", {})  # a missing field: reported above
        for arg_name, arg in getattr(field, "args", {}).items():
            their = their_args.get(arg_name)
            if their is None or (str(their.type), their.default_value) != (str(arg.type), arg.default_value):
                wrong.append(f"{name}.{field_name}({arg_name}: {arg.type})")
    assert wrong == []


def test_every_argument_railway_requires_is_declared_by_the_emulator(railway: graphql.GraphQLSchema) -> None:
    missing = [
        f"{name}.{field_name}({arg_name})"
        for name, field_name, field, theirs in field_pairs(railway)
        for arg_name, arg in getattr(theirs, "args", {}).items()
        if graphql.is_required_argument(arg) and arg_name not in getattr(field, "args", {})
    ]
    assert missing == []


def test_every_input_field_railway_requires_is_declared_by_the_emulator(
    railway: graphql.GraphQLSchema,
) -> None:
    missing = []
    for name, t in emulator_types().items():
        if isinstance(t, graphql.GraphQLInputObjectType):
            theirs = railway.type_map[name]
            assert isinstance(theirs, graphql.GraphQLInputObjectType)
            missing += [
                f"{name}.{n}"
                for n, f in theirs.fields.items()
                if graphql.is_required_input_field(f) and n not in t.fields
            ]
    assert missing == []


def test_every_emulator_enum_value_exists_in_railways_enum(railway: graphql.GraphQLSchema) -> None:
    enums = {n: t for n, t in emulator_types().items() if isinstance(t, graphql.GraphQLEnumType)}
    assert len(enums) >= 10
    wrong = [f"{n}.{v}" for n, t in enums.items() for v in t.values if v not in railway.type_map[n].values]  # type: ignore[attr-defined]
    assert wrong == []


def test_every_interface_an_emulator_type_implements_is_implemented_in_railways_schema(
    railway: graphql.GraphQLSchema,
) -> None:
    wrong = []
    for name, t in emulator_types().items():
        for interface in getattr(t, "interfaces", ()):
            if interface.name not in {i.name for i in getattr(railway.type_map[name], "interfaces", ())}:
                wrong.append(f"{name} implements {interface.name}")
    assert wrong == []


def test_every_root_field_of_the_emulator_schema_has_a_resolver() -> None:
    schema = emulator_schema()
    assert schema.query_type is not None and schema.mutation_type is not None
    roots = [*schema.query_type.fields, *schema.mutation_type.fields]
    assert len(roots) == 44  # 42 on each side: httpLogs and metrics (checks), volumeCreate and volumeDelete
    assert [name for name in roots if not callable(getattr(Root, name, None))] == []
