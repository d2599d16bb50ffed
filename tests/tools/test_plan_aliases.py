"""tools/plan_diff.py matches a resource that moved (renamed type, new parent) to its old place through the
aliases the program declares, as the engine would: a move is no add and remove."""

from __future__ import annotations

from typing import Any

from tools.plan_diff import diff_plans, moved_keys

ROOT = "pulumi:pulumi:Stack::cartly-infra-staging"
STACK_OLD = "pulumi:pulumi:Stack$cartly:stack:CartlyStack::cartly"
STACK_NEW = "pulumi:pulumi:Stack$cartly:cartly_stack:CartlyStack::cartly"
ENV = "cartly:cartly_stack:CartlyStack$cartly:railway_environment:RailwayEnvironment::cartly-railway"
PROJECT = "pulumi-python:dynamic/railway:Project"


def res(key: str, parent: str, aliases: list[dict[str, Any]] | None = None, **inputs: Any) -> dict[str, Any]:
    typ, name = key.split("::")[0].split("$")[-1], key.split("::")[1]
    return {
        "key": key,
        "type": typ,
        "name": name,
        "parent": parent,
        "aliases": aliases or [],
        "inputs": inputs,
    }


def plans(**extra: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    old = [
        res(STACK_OLD, ROOT),
        res(f"cartly:stack:CartlyStack${PROJECT}::cartly-project", STACK_OLD, name="cartly-staging"),
        res("cartly:stack:CartlyStack$cartly:image:GhcrImage::cartly-image", STACK_OLD),
    ]
    new = [
        res(STACK_NEW, ROOT, [{"parentUrn": "", "type": "cartly:stack:CartlyStack"}]),
        res(ENV, STACK_NEW),
        res(
            f"cartly:railway_environment:RailwayEnvironment${PROJECT}::cartly-project",
            ENV,
            [{"parentUrn": STACK_NEW}],
            name=extra.get("project_name", "cartly-staging"),
        ),
        res("cartly:cartly_stack:CartlyStack$cartly:image:GhcrImage::cartly-image", STACK_NEW),
    ]
    return {"stack": "staging", "resources": old, "outputs": {}}, {
        "stack": "staging",
        "resources": new,
        "outputs": {},
    }


def test_every_place_a_resource_may_have_stood_maps_to_it() -> None:
    _old, new = plans()
    moved = moved_keys(new["resources"])
    project = f"cartly:railway_environment:RailwayEnvironment${PROJECT}::cartly-project"
    assert moved == {
        STACK_OLD: STACK_NEW,  # its own type alias
        # the new component inherits its renamed parent's old place (it never stood there: harmless)
        "cartly:stack:CartlyStack$cartly:railway_environment:RailwayEnvironment::cartly-railway": ENV,
        # aliased to its old parent, under that parent's new type and its old one
        f"cartly:cartly_stack:CartlyStack${PROJECT}::cartly-project": project,
        f"cartly:stack:CartlyStack${PROJECT}::cartly-project": project,
        # no alias of its own: it inherits its renamed parent's
        "cartly:stack:CartlyStack$cartly:image:GhcrImage::cartly-image": (
            "cartly:cartly_stack:CartlyStack$cartly:image:GhcrImage::cartly-image"
        ),
    }


def test_a_move_through_aliases_is_neither_added_nor_removed() -> None:
    diff = diff_plans("staging", *plans())
    assert diff.added == [("cartly:railway_environment:RailwayEnvironment", "cartly-railway")]
    assert diff.removed == []
    assert diff.modified == []


def test_a_moved_resource_whose_inputs_changed_shows_as_changed() -> None:
    diff = diff_plans("staging", *plans(project_name="cartly-stage"))
    assert len(diff.modified) == 1
    assert diff.modified[0].name == "cartly-project"
    assert diff.removed == []


def test_without_aliases_a_move_is_an_add_and_a_remove() -> None:
    old, new = plans()
    for resource in new["resources"]:
        resource["aliases"] = []
    new["resources"][3]["key"] = "cartly:cartly_stack:CartlyStack$cartly:image:GhcrImage::cartly-image"
    diff = diff_plans("staging", old, new)
    assert len(diff.removed) == 3
    assert len(diff.added) == 4
