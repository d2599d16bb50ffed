"""The provider acceptance suite, written once and run for every resource that owns a Railway object:
create → read → same inputs → update → replace → deleted out of band → delete → delete again, and every
transport fault on every mutation kind leaves exactly the right objects."""

from __future__ import annotations

from typing import Any

import pytest

from tests.providers.acceptance_specs import SPECS, Spec
from tests.support.railway_world import FAULTS, World, configured, seed_world

each_spec = pytest.mark.parametrize("spec", SPECS, ids=[s.id for s in SPECS])
each_fault = pytest.mark.parametrize("fault", list(FAULTS))


@pytest.fixture
def world(fake_railway: Any) -> World:
    return seed_world(fake_railway)


def provider(spec: Spec, world: World) -> Any:
    return configured(spec.provider(), world.fake.token, world.time)


def live(world: World, spec: Spec, baseline: set[str]) -> list[str]:
    """Ids of the live objects of this kind the test made (the seeded world's own are left out)."""
    table = getattr(world.backend, spec.table)
    return sorted(key for key, record in table.items() if record.live and key not in baseline)


def baseline(world: World, spec: Spec) -> set[str]:
    return {key for key, record in getattr(world.backend, spec.table).items() if record.live}


def created(p: Any, news: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    result = p.create(news)
    return str(result.id), {**news, **(result.outs or {})}


@each_spec
def test_the_acceptance_sequence(spec: Spec, world: World) -> None:
    p, seeded, news = provider(spec, world), baseline(world, spec), spec.inputs(world)
    id_, state = created(p, news)
    assert live(world, spec, seeded) == [id_]

    read = p.read(id_, state)
    assert read.id == id_
    assert {k: v for k, v in read.outs.items() if k in state} == {
        k: state[k] for k in read.outs if k in state
    }

    mark = world.mark()
    assert p.diff(id_, state, news).changes is False
    assert world.since(mark) == []  # the diff is local

    if spec.in_place is not None:
        changed = {**news, **spec.in_place}
        assert (p.diff(id_, state, changed).changes, p.diff(id_, state, changed).replaces) == (True, [])
        state = {**changed, **(p.update(id_, state, changed).outs or {})}
        reread = p.read(id_, state).outs
        assert {key: reread[key] for key in spec.in_place} == spec.in_place
        assert live(world, spec, seeded) == [id_]

    assert p.diff(id_, state, {**news, **spec.replacing(world)}).replaces == spec.replaced_keys

    world.backend.delete_out_of_band(spec.kind, id_)
    assert p.read(id_, state).id == ""
    p.delete(id_, state)
    p.delete(id_, state)
    assert live(world, spec, seeded) == []


@each_spec
@each_fault
def test_a_fault_during_create_leaves_exactly_one_object(spec: Spec, world: World, fault: str) -> None:
    p, seeded = provider(spec, world), baseline(world, spec)
    world.inject(fault, spec.operations[0])
    id_, _state = created(p, spec.inputs(world))
    assert live(world, spec, seeded) == [id_]
    assert world.backend.faults.pending() == 0  # the fault did happen


@pytest.mark.parametrize("spec", [s for s in SPECS if s.in_place], ids=[s.id for s in SPECS if s.in_place])
@each_fault
def test_a_fault_during_an_update_still_applies_it(spec: Spec, world: World, fault: str) -> None:
    p, seeded, news = provider(spec, world), baseline(world, spec), spec.inputs(world)
    id_, state = created(p, news)
    assert spec.in_place is not None and spec.operations[1] is not None
    world.inject(fault, spec.operations[1])
    changed = {**news, **spec.in_place}
    state = {**changed, **(p.update(id_, state, changed).outs or {})}
    reread = p.read(id_, state).outs
    assert {key: reread[key] for key in spec.in_place} == spec.in_place
    assert live(world, spec, seeded) == [id_]
    assert world.backend.faults.pending() == 0


@each_spec
@each_fault
def test_a_fault_during_delete_still_deletes(spec: Spec, world: World, fault: str) -> None:
    p, seeded = provider(spec, world), baseline(world, spec)
    id_, state = created(p, spec.inputs(world))
    world.inject(fault, spec.operations[2])
    p.delete(id_, state)
    assert live(world, spec, seeded) == []
    assert world.backend.faults.pending() == 0
