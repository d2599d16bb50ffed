"""ServiceDomain against the emulator: explicit port, port changed in place and never to 0."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_railway.api.errors import RailwayError
from pulumi_railway.resources.service_domain import ServiceDomainProvider
from tests.support.railway_world import World, configured, failures, seed_world


@pytest.fixture
def world(fake_railway: Any, monkeypatch: pytest.MonkeyPatch) -> World:
    return seed_world(fake_railway)


@pytest.fixture
def provider(world: World) -> ServiceDomainProvider:
    return configured(ServiceDomainProvider(), world.fake.token, world.time)


def props(world: World, port: int = 3000, service_id: str | None = None) -> dict[str, Any]:
    return {
        "environment_id": world.environment_id,
        "service_id": service_id or world.web_id,
        "target_port": port,
    }


def created(provider: ServiceDomainProvider, news: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    result = provider.create(news)
    return result.id, {**news, **(result.outs or {})}


def live_domains(world: World) -> list[Any]:
    return [d for d in world.backend.service_domains.values() if d.live]


def test_create_makes_a_generated_domain_on_the_given_port(world: World, provider: Any) -> None:
    mark = world.mark()
    id_, outs = created(provider, props(world))
    # Looked up first (a crashed run may have made it), then created once.
    assert world.operations_since(mark) == ["Service", "Domains", "ServiceDomainCreate"]
    assert len(live_domains(world)) == 1
    assert live_domains(world)[0].target_port == 3000
    assert outs["service_domain_id"] == id_
    assert outs["domain"].endswith(".up.railway.app")
    assert outs["project_id"] == world.project_id


def test_read_returns_the_domain_and_its_current_port(world: World, provider: Any) -> None:
    id_, state = created(provider, props(world))
    live_domains(world)[0].target_port = 4000
    outs = provider.read(id_, state).outs
    assert outs["target_port"] == 4000
    assert outs["domain"] == state["domain"]


def test_a_port_change_updates_in_place_with_that_port(world: World, provider: Any) -> None:
    id_, state = created(provider, props(world))
    assert provider.diff(id_, state, props(world, 8080)).replaces == []
    mark = world.mark()
    outs = provider.update(id_, state, props(world, 8080)).outs
    assert world.operations_since(mark) == ["ServiceDomainUpdate"]
    assert world.since(mark)[0].variables["input"]["targetPort"] == 8080
    assert live_domains(world)[0].target_port == 8080
    assert outs["domain"] == state["domain"]


def test_an_update_to_port_0_is_refused_before_anything_is_sent(world: World, provider: Any) -> None:
    id_, state = created(provider, props(world))
    mark = world.mark()
    with pytest.raises(RailwayError, match="target_port must be 1-65535"):
        provider.update(id_, state, props(world, 0))
    assert world.since(mark) == []
    assert live_domains(world)[0].target_port == 3000


def test_read_after_the_service_was_deleted_returns_an_empty_id_when_railway_says_not_authorized(
    world: World, provider: Any
) -> None:
    id_, state = created(provider, props(world))
    world.backend.delete_out_of_band("service", world.web_id)
    world.backend.deleted_answer_not_authorized = True
    assert provider.read(id_, state).id == ""


@pytest.mark.parametrize("clobbered", [None, 0])
def test_a_port_clobbered_out_of_band_shows_on_refresh_and_the_next_update_restores_it(
    world: World, provider: Any, clobbered: int | None
) -> None:
    id_, state = created(provider, props(world))
    live_domains(world)[0].target_port = clobbered
    refreshed = {**props(world), **(provider.read(id_, state).outs or {})}
    assert refreshed["target_port"] == clobbered
    diff = provider.diff(id_, refreshed, props(world))
    assert (diff.changes, diff.replaces) == (True, [])
    mark = world.mark()
    outs = provider.update(id_, refreshed, props(world)).outs
    assert world.operations_since(mark) == ["ServiceDomainUpdate"]
    assert live_domains(world)[0].target_port == 3000
    assert outs["target_port"] == 3000
    provider.delete(id_, refreshed)
    assert live_domains(world) == []


def test_delete_succeeds_when_railway_answers_not_authorized_for_the_deleted_domain(
    world: World, provider: Any
) -> None:
    id_, state = created(provider, props(world))
    world.backend.delete_out_of_band("service_domain", id_)
    world.backend.deleted_answer_not_authorized = True
    mark = world.mark()
    provider.delete(id_, state)
    assert [e.operation_name for e in world.since(mark)] == ["ServiceDomainDelete", "Project"]
    assert live_domains(world) == []


def test_check_refuses_port_0_and_names_the_fix(provider: Any) -> None:
    found = failures(provider, {"environment_id": "e", "service_id": "s", "target_port": 0})
    assert list(found) == ["target_port"]
    assert "(3000 for web)" in found["target_port"]
