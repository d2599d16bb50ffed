"""What every Railway provider shares (provider_base.py): where the token comes from and that it never
travels in the pickled provider (of every resource, as registered), the client it builds, the local diff,
create-or-adopt and "is it gone?". The validators are tested in test_checks.py."""

from __future__ import annotations

import base64
from typing import Any

import dill
import pulumi
import pytest
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config
from pulumi.dynamic.dynamic import serialize_provider

from pulumi_railway.api.errors import (
    RailwayAuthError,
    RailwayError,
    RailwayMaybeApplied,
    RailwayNotFound,
    RailwayTransientError,
)
from pulumi_railway.resources.environment import Environment, EnvironmentArgs
from pulumi_railway.resources.project import Project, ProjectArgs
from pulumi_railway.resources.service import Service, ServiceArgs
from pulumi_railway.resources.service_instance import ServiceInstance, ServiceInstanceArgs
from pulumi_railway.toolkit import provider as base
from testkit.fake_time import FakeTime
from tests.support.provider_harness import DIGEST
from tests.support.pulumi_mocks import run_program

TOKEN = "tok-provider-base-0123456789"


def request(config: dict[str, Any]) -> ConfigureRequest:
    return ConfigureRequest(Config(config, "cartly-infra"))


def graphql(cls: type[RailwayAuthError] | type[RailwayNotFound], message: str) -> RailwayError:
    return cls(f"Railway refused: {message}", operation_name="Op", messages=[message], paths=[])


# --- the token ---------------------------------------------------------------------------------------


def test_token_comes_from_stack_config_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAILWAY_API_TOKEN", "from-env")
    assert base.railway_token(request({"cartly-infra:railwayToken": TOKEN})) == TOKEN


def test_token_falls_back_to_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAILWAY_API_TOKEN", "from-env")
    assert base.railway_token(request({})) == "from-env"
    assert base.railway_token(None) == "from-env"


def test_missing_token_says_how_to_set_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RAILWAY_API_TOKEN", raising=False)
    with pytest.raises(RailwayError) as caught:
        base.railway_token(request({}))
    message = str(caught.value)
    assert "pulumi config set --secret railwayToken" in message
    assert "RAILWAY_API_TOKEN" in message


def test_configure_keeps_the_token_for_the_calls_that_follow(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RAILWAY_API_TOKEN", raising=False)
    provider = base.RailwayProvider()
    with pytest.raises(RailwayError, match="No Railway token"):
        provider.client()
    provider.configure(request({"cartly-infra:railwayToken": TOKEN}))
    with provider.client() as client:
        assert TOKEN not in repr(client)


def test_a_configured_provider_pickles_by_reference_without_its_token() -> None:
    provider = base.RailwayProvider()
    provider.configure(request({"cartly-infra:railwayToken": TOKEN}))
    pickled = base64.b64decode(serialize_provider(provider))
    assert len(pickled) < 200
    assert TOKEN.encode() not in pickled
    assert b"pulumi_railway.toolkit.provider" in pickled
    restored = dill.loads(pickled)  # noqa: S301 (our own pickle, made two lines above)
    assert type(restored) is base.RailwayProvider
    assert restored._token is None


def test_repr_of_a_provider_never_shows_the_token() -> None:
    provider = base.RailwayProvider()
    provider.configure(request({"cartly-infra:railwayToken": TOKEN}))
    assert TOKEN not in repr(provider)


# --- how a provider waits --------------------------------------------------------------------------------


def test_a_providers_client_sleeps_with_the_waits_it_was_given() -> None:
    time = FakeTime()
    provider = base.RailwayProvider(waits=time)
    provider.configure(request({"cartly-infra:railwayToken": TOKEN}))
    with provider.client() as client:
        client._sleep(3)
    assert time.slept == [3]


def test_the_waits_never_travel_in_the_pickled_provider() -> None:
    restored = dill.loads(dill.dumps(base.RailwayProvider(waits=FakeTime())))  # noqa: S301
    assert restored.waits is base.REAL_TIME


# --- the local diff ------------------------------------------------------------------------


def test_diff_reports_no_change_for_equal_values() -> None:
    result = base.diff_keys({"a": 1, "b": 2}, {"a": 1, "b": 2}, ["a", "b"], ["a"])
    assert result.changes is False
    assert result.replaces == []


def test_diff_ignores_the_serialized_provider() -> None:
    olds = {"a": 1, "__provider": "old-pickle"}
    news = {"a": 1, "__provider": "new-pickle"}
    assert base.diff_keys(olds, news, ["a", "__provider"], []).changes is False


def test_diff_puts_only_changed_immutable_keys_in_replaces() -> None:
    result = base.diff_keys({"a": 1, "b": 2, "c": 3}, {"a": 9, "b": 2, "c": 4}, ["a", "b", "c"], ["a", "b"])
    assert result.changes is True
    assert result.replaces == ["a"]


def test_diff_counts_an_unknown_new_value_as_changed() -> None:
    result = base.diff_keys({"a": 1}, {"a": pulumi.output.UNKNOWN}, ["a"], ["a"])
    assert result.changes is True
    assert result.replaces == ["a"]


def test_diff_asks_to_delete_first_only_when_replacing() -> None:
    same = base.diff_keys({"a": 1}, {"a": 1}, ["a"], ["a"], delete_before_replace=True)
    replaced = base.diff_keys({"a": 1}, {"a": 2}, ["a"], ["a"], delete_before_replace=True)
    assert (same.delete_before_replace, replaced.delete_before_replace) == (False, True)


# --- create or adopt -------------------------------------------------------------------------------------


class Calls:
    def __init__(self, creates: list[Any], lookups: list[str | None]) -> None:
        self.creates, self.lookups = list(creates), list(lookups)
        self.created = self.looked_up = 0

    def create(self) -> str:
        self.created += 1
        outcome = self.creates.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return str(outcome)

    def lookup(self) -> str | None:
        self.looked_up += 1
        return self.lookups.pop(0)


MAYBE = RailwayMaybeApplied("lost the answer", operation_name="ServiceCreate")
PROBLEM = RailwayTransientError("Problem", operation_name="ServiceCreate", messages=["Problem"], paths=[])


def test_create_or_adopt_creates_once_without_looking_up() -> None:
    calls = Calls(["id-1"], [])
    assert base.create_or_adopt(calls.lookup, calls.create, "service 'web'") == "id-1"
    assert (calls.created, calls.looked_up) == (1, 0)


@pytest.mark.parametrize("lost", [MAYBE, PROBLEM], ids=["maybe-applied", "problem-processing"])
def test_create_or_adopt_adopts_what_a_lost_create_made(lost: RailwayError) -> None:
    calls = Calls([lost], ["id-made"])
    assert base.create_or_adopt(calls.lookup, calls.create, "service 'web'") == "id-made"
    assert (calls.created, calls.looked_up) == (1, 1)


def test_create_or_adopt_creates_again_when_nothing_was_made() -> None:
    calls = Calls([MAYBE, "id-2"], [None])
    assert base.create_or_adopt(calls.lookup, calls.create, "service 'web'") == "id-2"
    assert (calls.created, calls.looked_up) == (2, 1)


def test_create_or_adopt_says_what_failed_when_the_second_create_fails() -> None:
    calls = Calls([MAYBE, RailwayError("boom")], [None])
    with pytest.raises(
        RailwayError, match=r"Unable to create service 'web' \(retried after: lost the answer\)"
    ):
        base.create_or_adopt(calls.lookup, calls.create, "service 'web'")


def test_create_or_adopt_leaves_other_errors_alone() -> None:
    refused = graphql(RailwayNotFound, "Project not found")
    calls = Calls([refused], [])
    with pytest.raises(RailwayNotFound):
        base.create_or_adopt(calls.lookup, calls.create, "service 'web'")
    assert calls.looked_up == 0


def test_resend_idempotent_sends_once_more_after_a_lost_answer() -> None:
    calls = Calls([MAYBE, "ok"], [])
    assert base.resend_idempotent(calls.create) == "ok"
    assert calls.created == 2


# --- is it gone? ----------------------------------------------------------------------------------------


def test_not_found_means_gone() -> None:
    assert base.is_gone(graphql(RailwayNotFound, "Service not found")) is True


def test_not_authorized_means_gone_when_the_token_still_reads_the_parent() -> None:
    assert base.is_gone(graphql(RailwayAuthError, "Not Authorized"), probe=lambda: {"project": {}}) is True


def test_not_authorized_is_a_real_auth_failure_when_the_parent_is_refused_too() -> None:
    def refused() -> None:
        raise graphql(RailwayAuthError, "Not Authorized")

    assert base.is_gone(graphql(RailwayAuthError, "Not Authorized"), probe=refused) is False


def test_not_authorized_without_a_probe_is_not_gone() -> None:
    assert base.is_gone(graphql(RailwayAuthError, "Not Authorized")) is False


def test_other_errors_are_not_gone() -> None:
    assert base.is_gone(RailwayError("HTTP 500"), probe=lambda: None) is False


def test_fail_says_what_failed_and_on_what() -> None:
    error = base.fail("create", "service 'web' in environment 'staging'", RailwayError("HTTP 500"))
    assert str(error) == "Unable to create service 'web' in environment 'staging': HTTP 500"


# --- every resource's pickled provider, as the engine receives it ---------------------------------------

SECRET_SIG = "4dabf18193072939515e22adb298388d"


def unwrap_secret(value: Any) -> Any:
    assert isinstance(value, dict) and SECRET_SIG in value, "expected a secret input"
    return value["value"]


def register_all_four() -> list[Any]:
    image = f"ghcr.io/cartly/web@{DIGEST}"

    def program() -> None:
        Project("project", ProjectArgs(name="cartly-staging"))
        Environment("environment", EnvironmentArgs(project_id="p", name="staging"))
        Service("service", ServiceArgs("p", "e", "web", image, variables={"DATABASE_URL": "postgres://x"}))
        creds = {"username": "bot", "password": "registry-password"}
        ServiceInstance("instance", ServiceInstanceArgs("s", "e", image=image, registry_credentials=creds))

    return list(run_program("staging", program=program, secrets={"railwayToken": TOKEN}))


def test_every_resource_pickles_a_tiny_provider_by_reference_without_the_token(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RAILWAY_API_TOKEN", TOKEN)
    registered = register_all_four()
    assert sorted(r.type for r in registered) == [
        f"pulumi-python:dynamic/railway:{name}"
        for name in ("Environment", "Project", "Service", "ServiceInstance")
    ]
    for resource in registered:
        pickled = base64.b64decode(unwrap_secret(resource.inputs["__provider"]))
        assert len(pickled) < 200, resource.type
        assert TOKEN.encode() not in pickled
        assert b"postgres://x" not in pickled
        assert b"registry-password" not in pickled
        provider = dill.loads(pickled)  # noqa: S301 (the pickle this test's own program just made)
        assert type(provider).__module__.startswith("pulumi_railway.resources.")
        assert type(provider).__name__ in pickled.decode("latin-1")
        assert provider._token is None


def test_secret_inputs_are_registered_as_secrets() -> None:
    registered = {r.name: r for r in register_all_four()}
    assert unwrap_secret(registered["service"].inputs["variables"]) == {"DATABASE_URL": "postgres://x"}
    assert unwrap_secret(registered["instance"].inputs["registry_credentials"])["username"] == "bot"
