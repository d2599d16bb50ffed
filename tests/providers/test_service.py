"""The Service provider against the emulator: the acceptance sequence, creation with image and variables in
one request (environment id always passed), creation-time inputs not diffed, check rules, secrets kept out of
errors, reprs and logs."""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Callable
from typing import Any

import pulumi
import pytest

from pulumi_railway.api.client import RailwayClient
from pulumi_railway.api.errors import RailwayError, graphql_error
from pulumi_railway.resources.service import ServiceArgs, ServiceProvider
from testkit.fake_railway.pytest_plugin import FakeRailway
from tests.support.provider_harness import IMAGE, created_and_deleted, failures, live, provider_fixture

SECRET = "postgres://cartly:s3cr3t-value@db/cartly"


provider = provider_fixture(ServiceProvider)


@pytest.fixture
def seeded(fake_railway: FakeRailway) -> dict[str, Any]:
    return fake_railway.backend.seed_project(name="cartly-staging", environments=("staging",))


def inputs(seeded: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    return {
        "project_id": seeded["project_id"],
        "environment_id": seeded["environments"]["staging"],
        "name": "web",
        "image": IMAGE,
        "variables": {"DATABASE_URL": SECRET},
        **overrides,
    }


def services(fake_railway: FakeRailway) -> list[Any]:
    return live(fake_railway.backend.services)


def test_a_created_service_reports_its_id(
    provider: ServiceProvider, fake_railway: FakeRailway, seeded: dict[str, Any]
) -> None:
    created = provider.create(inputs(seeded))
    assert len(services(fake_railway)) == 1
    assert created.outs is not None
    assert created.outs["service_id"] == created.id


def test_delete_removes_the_service(
    provider: ServiceProvider, fake_railway: FakeRailway, seeded: dict[str, Any]
) -> None:
    created_and_deleted(provider, inputs(seeded))
    assert services(fake_railway) == []
    [request] = [r for r in fake_railway.backend.requests if r.operation_name == "ServiceDelete"]
    assert request.variables["environmentId"] == seeded["environments"]["staging"]


def test_create_sends_variables_and_environment_in_one_request_and_no_source(
    provider: ServiceProvider, fake_railway: FakeRailway, seeded: dict[str, Any]
) -> None:
    created = provider.create(inputs(seeded))
    assert [r.operation_name for r in fake_railway.backend.mutations()] == ["ServiceCreate"]
    sent = fake_railway.backend.mutations()[0].variables["input"]
    assert sent["environmentId"] == seeded["environments"]["staging"]
    assert "source" not in sent
    env = seeded["environments"]["staging"]
    assert fake_railway.backend.variables[(seeded["project_id"], env, created.id)] == {"DATABASE_URL": SECRET}


def test_create_starts_no_deploy_that_would_fail_to_pull_a_private_image(
    provider: ServiceProvider, fake_railway: FakeRailway, seeded: dict[str, Any]
) -> None:
    fake_railway.backend.set_private_registry(IMAGE.split("@")[0].rsplit("/", 1)[0] + "/")
    created = provider.create(inputs(seeded))
    env = seeded["environments"]["staging"]
    assert fake_railway.backend.instance_deployments(created.id, env) == []


def test_removing_the_icon_unsets_it(
    provider: ServiceProvider, fake_railway: FakeRailway, seeded: dict[str, Any]
) -> None:
    created = provider.create(inputs(seeded, icon="https://cartly.io/icon.png"))
    assert created.outs is not None
    provider.update(created.id, created.outs, inputs(seeded))
    assert fake_railway.backend.services[created.id].icon is None


@pytest.mark.parametrize("key", ["image", "variables", "environment_id"])
def test_creation_time_inputs_are_not_diffed(
    provider: ServiceProvider, seeded: dict[str, Any], key: str
) -> None:
    olds = {**inputs(seeded), "service_id": "s"}
    news = inputs(seeded, **{key: {"OTHER": "x"} if key == "variables" else "changed"})
    assert provider.diff("s", olds, news).changes is False


def test_diff_ignores_the_serialized_provider(provider: ServiceProvider, seeded: dict[str, Any]) -> None:
    olds = {**inputs(seeded), "service_id": "s", "__provider": "a"}
    assert provider.diff("s", olds, {**inputs(seeded), "__provider": "b"}).changes is False


def test_an_unknown_name_at_preview_is_a_change(provider: ServiceProvider, seeded: dict[str, Any]) -> None:
    olds = {**inputs(seeded), "service_id": "s"}
    assert provider.diff("s", olds, inputs(seeded, name=pulumi.output.UNKNOWN)).changes is True


def test_a_failed_create_names_the_service_but_no_secret(
    provider: ServiceProvider, seeded: dict[str, Any]
) -> None:
    with pytest.raises(RailwayError) as caught:
        provider.create(inputs(seeded, project_id="nope"))
    message = str(caught.value)
    assert message.startswith("Unable to create service 'web' in environment ")
    assert SECRET not in message
    assert "s3cr3t" not in repr(caught.value)


@pytest.mark.parametrize(
    ("prop", "value", "says"),
    [
        ("project_id", "", "project_id must be a Railway id"),
        ("environment_id", None, "environment_id must be a Railway id"),
        ("name", "", "name must be a non-empty name"),
        ("image", "", "image must be an image reference"),
        ("image", "Not An Image", "image must be an image reference"),
        ("icon", "", "icon must be a non-empty string"),
        ("variables", ["A"], "variables must be a map"),
        ("variables", {"PORT": 3000}, "variables PORT must have string values"),
    ],
)
def test_check_rejects_bad_input_naming_the_property(
    provider: ServiceProvider,
    fake_railway: FakeRailway,
    seeded: dict[str, Any],
    prop: str,
    value: Any,
    says: str,
) -> None:
    found = failures(provider, inputs(seeded, **{prop: value}))
    assert list(found) == [prop]
    assert says in found[prop]
    assert fake_railway.backend.count() == 0


def test_check_never_echoes_a_variable_value(provider: ServiceProvider, seeded: dict[str, Any]) -> None:
    found = failures(provider, inputs(seeded, variables={"A": SECRET, "B": 12345}))
    assert list(found) == ["variables"]
    assert SECRET not in found["variables"]
    assert "12345" not in found["variables"]


def test_check_accepts_a_tag_only_image_for_the_first_deploy(
    provider: ServiceProvider, seeded: dict[str, Any]
) -> None:
    assert failures(provider, inputs(seeded, image="ghcr.io/cartly/web:staging")) == {}


def test_check_tolerates_unknown_values(provider: ServiceProvider, seeded: dict[str, Any]) -> None:
    unknown = pulumi.output.UNKNOWN
    news = inputs(seeded, project_id=unknown, image=unknown, variables={"A": unknown})
    assert failures(provider, news) == {}


def _chain(error: BaseException) -> list[BaseException]:
    """The error and everything its __cause__/__context__ links reach."""
    found: list[BaseException] = []
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is not None and current not in found:
            found.append(current)
            pending += [current.__cause__, current.__context__]
    return found


def _echoing(operation: str, real: Any, refuse_after: int = 0) -> Any:
    """RailwayClient.execute refusing `operation` (after `refuse_after` real sends), quoting its input."""
    sent: list[str] = []

    def execute(client: Any, document: str, variables: Any = None, **kwargs: Any) -> dict[str, Any]:
        if f"mutation {operation}" in document:
            sent.append(operation)
            if len(sent) > refuse_after:
                # Railway's validation messages may quote the input they refuse, variable values included.
                message = f"Invalid input: {json.dumps(variables)}"
                raise graphql_error(operation, [{"message": message}])
        return dict(real(client, document, variables, **kwargs))

    return execute


def _assert_no_value_reaches_the_engine(caught: pytest.ExceptionInfo[RailwayError], logs: str) -> None:
    assert str(caught.value).startswith("Unable to create service 'web' in environment ")
    assert "Invalid input" in str(caught.value)
    chain = _chain(caught.value)
    assert len(chain) >= 1
    assert [SECRET in str(error) or SECRET in repr(error) for error in chain] == [False] * len(chain)
    # What the provider server sends the engine: traceback.format_exc(), the whole chain included.
    assert SECRET not in "".join(traceback.format_exception(caught.value))
    assert SECRET not in logs


@pytest.fixture
def refused_create(
    provider: ServiceProvider,
    seeded: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> Callable[[int], pytest.ExceptionInfo[RailwayError]]:
    """create() with ServiceCreate refused after `refuse_after` real sends, quoting its input; asserts no
    value reaches the engine and returns the error."""
    caplog.set_level(logging.DEBUG)

    def create(refuse_after: int) -> pytest.ExceptionInfo[RailwayError]:
        monkeypatch.setattr(
            RailwayClient, "execute", _echoing("ServiceCreate", RailwayClient.execute, refuse_after)
        )
        with pytest.raises(RailwayError) as caught:
            provider.create(inputs(seeded))
        _assert_no_value_reaches_the_engine(caught, caplog.text)
        return caught

    return create


def test_a_create_refusal_quoting_a_variable_value_reaches_the_engine_without_it(
    refused_create: Callable[[int], pytest.ExceptionInfo[RailwayError]],
) -> None:
    refused_create(0)


def test_a_create_retried_after_a_fault_and_refused_with_a_value_reaches_the_engine_without_it(
    fake_railway: FakeRailway, refused_create: Callable[[int], pytest.ExceptionInfo[RailwayError]]
) -> None:
    fake_railway.backend.faults.problem_processing(operation="ServiceCreate")
    caught = refused_create(1)
    assert fake_railway.backend.count("ServiceCreate") == 1  # the faulted one; the retry was refused
    assert services(fake_railway) == []
    assert "retried after" in str(caught.value)


def test_the_args_repr_never_shows_a_variable_value() -> None:
    args = ServiceArgs(
        project_id="p", environment_id="e", name="web", image=IMAGE, variables={"DATABASE_URL": SECRET}
    )
    assert "name='web'" in repr(args)
    assert SECRET not in repr(args)
