"""ProjectToken against the emulator: minted, identified with itself, rotated by replacement, never leaked."""

from __future__ import annotations

import traceback
from typing import Any

import pytest

from pulumi_railway.api.client import RailwayClient
from pulumi_railway.api.errors import RailwayError
from pulumi_railway.resources.project_token import ProjectTokenProvider
from tests.support.railway_world import World, configured, failures, seed_world


@pytest.fixture
def world(fake_railway: Any, monkeypatch: pytest.MonkeyPatch) -> World:
    return seed_world(fake_railway)


@pytest.fixture
def provider(world: World) -> ProjectTokenProvider:
    return configured(ProjectTokenProvider(), world.fake.token, world.time)


def props(world: World, name: str = "ci-staging") -> dict[str, Any]:
    return {"project_id": world.project_id, "environment_id": world.environment_id, "name": name}


def created(provider: ProjectTokenProvider, news: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    result = provider.create(news)
    return result.id, {**news, **(result.outs or {})}


def live_tokens(world: World) -> list[Any]:
    return [t for t in world.backend.project_tokens.values() if t.live]


def test_create_mints_a_token_that_works_for_its_environment(world: World, provider: Any) -> None:
    mark = world.mark()
    id_, outs = created(provider, props(world))
    assert world.operations_since(mark) == ["ProjectTokenCreate", "ProjectToken"]
    assert world.since(mark)[1].token_kind == "project"
    assert [t.id for t in live_tokens(world)] == [id_]
    assert outs["token_id"] == id_
    own = RailwayClient(outs["token"], token_kind="project")
    assert own.execute("query Me { projectToken { environmentId } }")["projectToken"] == {
        "environmentId": world.environment_id
    }


def test_read_keeps_the_token_while_it_exists(world: World, provider: Any) -> None:
    id_, state = created(provider, props(world))
    result = provider.read(id_, state)
    assert result.id == id_
    assert result.outs["token"] == state["token"]


def test_a_new_name_replaces_the_token_to_rotate_it(world: World, provider: Any) -> None:
    id_, state = created(provider, props(world))
    result = provider.diff(id_, state, props(world, "ci-staging-2"))
    assert result.replaces == ["name"]
    new_id, _ = created(provider, props(world, "ci-staging-2"))
    provider.delete(id_, state)
    assert [t.id for t in live_tokens(world)] == [new_id]


def test_delete_succeeds_when_railway_answers_not_authorized_for_the_revoked_token(
    world: World, provider: Any
) -> None:
    id_, state = created(provider, props(world))
    world.backend.delete_out_of_band("project_token", id_)
    world.backend.deleted_answer_not_authorized = True
    mark = world.mark()
    provider.delete(id_, state)
    assert [e.operation_name for e in world.since(mark)] == ["ProjectTokenDelete", "Project"]
    assert live_tokens(world) == []


def test_a_token_that_cannot_identify_itself_is_found_by_name(world: World, provider: Any) -> None:
    world.backend.faults.http_status(503, count=100, operation="ProjectToken")
    id_, outs = created(provider, props(world))
    assert [t.id for t in live_tokens(world)] == [id_]
    assert outs["token"] == live_tokens(world)[0].token


def test_a_failed_create_never_shows_the_token(world: World, provider: Any) -> None:
    world.backend.faults.http_status(503, count=100, operation="ProjectToken")
    world.backend.faults.http_status(503, count=100, operation="ProjectTokens")
    with pytest.raises(RailwayError) as caught:
        provider.create(props(world))
    minted = [t.token for t in world.backend.project_tokens.values()]
    shown = "".join(traceback.format_exception(caught.value))
    assert len(minted) == 1
    assert "ci-staging" in str(caught.value)
    assert minted[0] not in shown


def test_a_token_minted_but_never_identified_is_reported_live_and_to_revoke(
    world: World, provider: Any
) -> None:
    world.backend.faults.http_status(503, count=100, operation="ProjectToken")
    world.backend.faults.http_status(503, count=100, operation="ProjectTokens")
    with pytest.raises(RailwayError) as caught:
        provider.create(props(world))
    assert len(live_tokens(world)) == 1
    assert "minted but its id could not be read" in str(caught.value)
    assert "the token named 'ci-staging'; revoke it in Railway" in str(caught.value)


def test_check_refuses_an_empty_name(provider: Any) -> None:
    found = failures(provider, {"project_id": "p", "environment_id": "e", "name": ""})
    assert list(found) == ["name"]
