"""Variables against the emulator: one upsert, no deploy per change, managed keys only, secrets hidden."""

from __future__ import annotations

import base64
import logging
import traceback
from typing import Any

import pytest
from pulumi.dynamic.dynamic import serialize_provider

from pulumi_railway.api.errors import RailwayError
from pulumi_railway.resources import variables as variables_module
from pulumi_railway.resources.variables import VariablesArgs, VariablesProvider
from pulumi_railway.toolkit.variable_values import values_sha256
from tests.support.railway_world import FAULTS, World, configured, failures, seed_world

SECRET = "postgres://cartly:hunter2-very-secret@db.internal:5432/cartly"
APPLIED_FAULTS = (None, "reset_after_apply", "slow")  # the request reached Railway's state


@pytest.fixture
def world(fake_railway: Any, monkeypatch: pytest.MonkeyPatch) -> World:
    return seed_world(fake_railway)


@pytest.fixture
def provider(world: World) -> VariablesProvider:
    return configured(VariablesProvider(), world.fake.token, world.time)


def props(world: World, variables: dict[str, str], service_id: str | None = "web") -> dict[str, Any]:
    sid = world.web_id if service_id == "web" else service_id
    return {
        "project_id": world.project_id,
        "environment_id": world.environment_id,
        "service_id": sid,
        "variables": variables,
    }


def state_after_create(provider: VariablesProvider, news: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    result = provider.create(news)
    return result.id, {**news, **(result.outs or {})}


def applied(world: World, mark: int, operation: str) -> int:
    return sum(1 for e in world.since(mark) if e.operation_name == operation and e.fault in APPLIED_FAULTS)


# --- the acceptance sequence --------------------------------------------------------------------------------


def test_create_writes_every_variable_in_one_upsert_without_a_deploy(world: World, provider: Any) -> None:
    mark = world.mark()
    _, outs = state_after_create(provider, props(world, {"PORT": "3000", "DATABASE_URL": SECRET}))
    upserts = [e for e in world.since(mark) if e.operation_name == "VariableCollectionUpsert"]
    assert len(world.since(mark)) == 1
    assert len(upserts) == 1
    assert upserts[0].variables["input"]["skipDeploys"] is True
    assert upserts[0].variables["input"]["replace"] is False
    assert world.stored_variables(world.web_id) == {
        "PERSON_SET": "set by hand in the dashboard",
        "PORT": "3000",
        "DATABASE_URL": SECRET,
    }
    assert world.live_deployments(world.web_id) == []
    assert outs["managed_keys"] == ["DATABASE_URL", "PORT"]
    assert outs["values_sha256"] == values_sha256({"PORT": "3000", "DATABASE_URL": SECRET})


def test_read_returns_only_the_managed_keys_current_values(world: World, provider: Any) -> None:
    id_, state = state_after_create(provider, props(world, {"PORT": "3000"}))
    world.backend.variables[(world.project_id, world.environment_id, world.web_id)]["PORT"] = "8080"
    result = provider.read(id_, state)
    assert result.id == id_
    assert result.outs["variables"] == {"PORT": "8080"}
    assert result.outs["managed_keys"] == ["PORT"]


def test_same_inputs_again_report_no_change_and_send_nothing(world: World, provider: Any) -> None:
    id_, state = state_after_create(provider, props(world, {"PORT": "3000", "DATABASE_URL": SECRET}))
    mark = world.mark()
    result = provider.diff(id_, state, props(world, {"PORT": "3000", "DATABASE_URL": SECRET}))
    assert result.changes is False
    assert result.replaces == []
    assert world.since(mark) == []


def test_changing_one_value_upserts_only_that_key_once_without_a_deploy(world: World, provider: Any) -> None:
    id_, state = state_after_create(provider, props(world, {"PORT": "3000", "DATABASE_URL": SECRET}))
    news = props(world, {"PORT": "4000", "DATABASE_URL": SECRET})
    mark = world.mark()
    assert provider.diff(id_, state, news).changes is True
    outs = provider.update(id_, state, news).outs
    assert world.operations_since(mark) == ["VariableCollectionUpsert"]
    assert world.since(mark)[0].variables["input"]["variables"] == {"PORT": "4000"}
    assert world.stored_variables(world.web_id)["PORT"] == "4000"
    assert world.live_deployments(world.web_id) == []
    assert outs["values_sha256"] == values_sha256({"PORT": "4000", "DATABASE_URL": SECRET})


def test_a_key_removed_from_the_program_is_deleted_and_unmanaged_keys_stay(
    world: World, provider: Any
) -> None:
    id_, state = state_after_create(provider, props(world, {"PORT": "3000", "OLD_FLAG": "1"}))
    mark = world.mark()
    outs = provider.update(id_, state, props(world, {"PORT": "3000"})).outs
    assert world.operations_since(mark) == ["VariableDelete"]
    assert world.stored_variables(world.web_id) == {
        "PERSON_SET": "set by hand in the dashboard",
        "PORT": "3000",
    }
    assert outs["managed_keys"] == ["PORT"]


def test_a_renamed_key_is_written_before_the_old_name_is_deleted(world: World, provider: Any) -> None:
    id_, state = state_after_create(provider, props(world, {"OLD_NAME": "v"}))
    mark = world.mark()
    provider.update(id_, state, props(world, {"NEW_NAME": "v"}))
    assert world.operations_since(mark) == ["VariableCollectionUpsert", "VariableDelete"]
    assert world.stored_variables(world.web_id)["NEW_NAME"] == "v"
    assert "OLD_NAME" not in world.stored_variables(world.web_id)


def test_moving_to_another_service_is_a_replacement(world: World, provider: Any) -> None:
    id_, state = state_after_create(provider, props(world, {"PORT": "3000"}))
    result = provider.diff(id_, state, props(world, {"PORT": "3000"}, service_id=world.worker_id))
    assert result.changes is True
    assert result.replaces == ["service_id"]


def test_shared_variables_are_written_without_a_service(world: World, provider: Any) -> None:
    state_after_create(provider, props(world, {"REGION_HINT": "eu"}, service_id=None))
    assert world.stored_variables(None) == {"REGION_HINT": "eu"}


def test_a_managed_key_deleted_out_of_band_shows_as_drift(world: World, provider: Any) -> None:
    news = props(world, {"PORT": "3000", "DATABASE_URL": SECRET})
    id_, state = state_after_create(provider, news)
    del world.backend.variables[(world.project_id, world.environment_id, world.web_id)]["PORT"]
    refreshed = {**state, **provider.read(id_, state).outs}
    assert refreshed["variables"] == {"DATABASE_URL": SECRET}
    assert provider.diff(id_, refreshed, news).changes is True
    mark = world.mark()
    provider.update(id_, refreshed, news)
    assert world.since(mark)[0].variables["input"]["variables"] == {"PORT": "3000"}


def test_read_after_the_service_was_deleted_out_of_band_returns_an_empty_id(
    world: World, provider: Any
) -> None:
    id_, state = state_after_create(provider, props(world, {"PORT": "3000"}))
    world.backend.delete_out_of_band("service", world.web_id)
    assert provider.read(id_, state).id == ""


def test_delete_removes_only_managed_keys_and_succeeds_again(world: World, provider: Any) -> None:
    id_, state = state_after_create(provider, props(world, {"PORT": "3000", "DATABASE_URL": SECRET}))
    provider.delete(id_, state)
    assert world.stored_variables(world.web_id) == {"PERSON_SET": "set by hand in the dashboard"}
    provider.delete(id_, state)
    assert world.stored_variables(world.web_id) == {"PERSON_SET": "set by hand in the dashboard"}


def test_delete_succeeds_when_railway_answers_not_authorized_for_the_deleted_service(
    world: World, provider: Any
) -> None:
    id_, state = state_after_create(provider, props(world, {"PORT": "3000", "DATABASE_URL": SECRET}))
    world.backend.delete_out_of_band("service", world.web_id)
    world.backend.deleted_answer_not_authorized = True
    mark = world.mark()
    provider.delete(id_, state)
    names = [e.operation_name for e in world.since(mark)]
    assert names == ["VariableDelete", "Project", "VariableDelete", "Project"]


# --- faults -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fault", FAULTS)
def test_a_fault_during_the_upsert_still_writes_each_value_exactly_once(
    world: World, provider: Any, fault: str
) -> None:
    id_, state = state_after_create(provider, props(world, {"PORT": "3000"}))
    world.inject(fault, "VariableCollectionUpsert")
    mark = world.mark()
    provider.update(id_, state, props(world, {"PORT": "4000"}))
    assert applied(world, mark, "VariableCollectionUpsert") == 1
    assert world.stored_variables(world.web_id)["PORT"] == "4000"
    assert world.live_deployments(world.web_id) == []
    assert world.backend.faults.pending() == 0  # the fault did happen


@pytest.mark.parametrize("fault", FAULTS)
def test_a_fault_during_a_delete_still_removes_the_key(world: World, provider: Any, fault: str) -> None:
    id_, state = state_after_create(provider, props(world, {"PORT": "3000", "OLD": "x"}))
    world.inject(fault, "VariableDelete")
    provider.update(id_, state, props(world, {"PORT": "3000"}))
    assert "OLD" not in world.stored_variables(world.web_id)
    assert world.stored_variables(world.web_id)["PORT"] == "3000"
    assert world.backend.faults.pending() == 0  # the fault did happen


# --- check and secrecy -----------------------------------------------------------------------------------


def test_check_names_each_bad_variable_name_and_the_fix(provider: Any) -> None:
    found = failures(provider, {"project_id": "p", "environment_id": "e", "variables": {"1BAD": "x"}})
    assert list(found) == ["variables"]
    assert "1BAD" in found["variables"]
    assert "start with a letter or '_'" in found["variables"]


def test_check_refuses_a_value_that_is_not_a_string_without_showing_it(provider: Any) -> None:
    found = failures(provider, {"project_id": "p", "environment_id": "e", "variables": {"PORT": 3000}})
    assert list(found) == ["variables"]
    assert "PORT must be a string" in found["variables"]
    assert "3000" not in found["variables"]


def test_check_tolerates_unknown_values_at_preview(provider: Any) -> None:
    import pulumi

    unknown = pulumi.output.Unknown()
    news = {"project_id": unknown, "environment_id": "e", "variables": {"DATABASE_URL": unknown}}
    assert failures(provider, news) == {}
    assert failures(provider, {**news, "variables": unknown}) == {}


def test_a_failed_write_names_the_service_but_never_a_value(
    world: World, provider: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    world.backend.faults.http_status(503, count=100, operation="VariableCollectionUpsert")
    with pytest.raises(RailwayError) as caught:
        provider.create(props(world, {"DATABASE_URL": SECRET}))
    shown = "".join(traceback.format_exception(caught.value))
    assert f"service '{world.web_id}'" in str(caught.value)
    assert SECRET not in shown
    assert SECRET not in caplog.text


def test_the_pickled_provider_holds_neither_token_nor_values(world: World, provider: Any) -> None:
    state_after_create(provider, props(world, {"DATABASE_URL": SECRET}))
    pickled = base64.b64decode(serialize_provider(provider))
    assert world.fake.token.encode() not in pickled
    assert SECRET.encode() not in pickled


def test_no_repr_of_the_args_or_parsed_props_shows_a_value(world: World) -> None:
    news = props(world, {"DATABASE_URL": SECRET})
    args = VariablesArgs(project_id="p", environment_id="e", variables={"DATABASE_URL": SECRET})
    shown = [repr(args), repr(variables_module._Props.parse(news))]
    assert all("project_id=" in text for text in shown)
    assert [SECRET in text for text in shown] == [False, False]
