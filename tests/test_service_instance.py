"""The ServiceInstance provider against the emulator: the acceptance sequence, only managed keys sent, null
only for keys it managed before, Railway's defaults normalised (no drift on refresh), write-only registry
credentials, check rules."""

from __future__ import annotations

import json
import traceback
from typing import Any

import pulumi
import pytest

from components.railway.client import RailwayClient
from components.railway.errors import RailwayError, graphql_error
from components.railway.service_instance import ServiceInstanceArgs, ServiceInstanceProvider
from tests.fake_railway.pytest_plugin import FakeRailway
from tests.provider_harness import DIGEST, IMAGE, configured, failures, instant_retries

PASSWORD = "ghp_registry-password-value"


@pytest.fixture(autouse=True)
def _instant(monkeypatch: pytest.MonkeyPatch) -> None:
    instant_retries(monkeypatch)


@pytest.fixture
def provider(fake_railway: FakeRailway) -> ServiceInstanceProvider:
    return configured(ServiceInstanceProvider(), fake_railway.token)


@pytest.fixture
def ids(fake_railway: FakeRailway) -> dict[str, str]:
    seeded = fake_railway.backend.seed_project(
        name="cartly-staging", environments=("staging",), services={"web": "ghcr.io/cartly/web:1"}
    )
    return {"service_id": seeded["services"]["web"], "environment_id": seeded["environments"]["staging"]}


def inputs(ids: dict[str, str], **settings: Any) -> dict[str, Any]:
    return {**ids, "image": IMAGE, **settings}


def sent(fake_railway: FakeRailway) -> list[dict[str, Any]]:
    """The `input` of every serviceInstanceUpdate, in order."""
    return [
        r.variables["input"]
        for r in fake_railway.backend.requests
        if r.operation_name == "ServiceInstanceUpdate"
    ]


def stored(fake_railway: FakeRailway, ids: dict[str, str]) -> Any:
    return fake_railway.backend.instance(ids["service_id"], ids["environment_id"])


def test_acceptance_sequence(
    provider: ServiceInstanceProvider, fake_railway: FakeRailway, ids: dict[str, str]
) -> None:
    news = inputs(ids, num_replicas=2, start_command="node server.js", healthcheck_path="/health")
    created = provider.create(news)
    assert created.id == stored(fake_railway, ids).id
    assert stored(fake_railway, ids).settings["numReplicas"] == 2

    assert created.outs is not None
    read = provider.read(created.id, created.outs)
    assert read.outs == created.outs
    assert read.outs is not None
    assert provider.diff(created.id, read.outs, news).changes is False

    changed = inputs(ids, num_replicas=3, healthcheck_path="/health")
    assert provider.diff(created.id, read.outs, changed).replaces == []
    updated = provider.update(created.id, read.outs, changed)
    assert "startCommand" not in stored(fake_railway, ids).settings
    assert stored(fake_railway, ids).settings["numReplicas"] == 3
    assert updated.outs is not None

    other = {**changed, "environment_id": "env-2"}
    assert provider.diff(created.id, updated.outs, other).replaces == ["environment_id"]

    fake_railway.backend.delete_out_of_band("service", ids["service_id"])
    assert provider.read(created.id, updated.outs).id == ""
    provider.delete(created.id, updated.outs)
    provider.delete(created.id, updated.outs)
    assert fake_railway.backend.find_instance(ids["service_id"], ids["environment_id"]) is None


def test_only_managed_keys_are_sent(
    provider: ServiceInstanceProvider, fake_railway: FakeRailway, ids: dict[str, str]
) -> None:
    provider.create(inputs(ids, num_replicas=2, start_command=None))
    assert sent(fake_railway) == [{"source": {"image": IMAGE}, "numReplicas": 2}]


def test_a_key_managed_before_and_dropped_is_unset_with_null(
    provider: ServiceInstanceProvider, fake_railway: FakeRailway, ids: dict[str, str]
) -> None:
    created = provider.create(inputs(ids, start_command="node server.js", num_replicas=2))
    assert created.outs is not None
    provider.update(created.id, created.outs, inputs(ids, num_replicas=2))
    assert sent(fake_railway)[-1] == {"source": {"image": IMAGE}, "numReplicas": 2, "startCommand": None}


def test_a_dropped_image_is_left_in_place(
    provider: ServiceInstanceProvider, fake_railway: FakeRailway, ids: dict[str, str]
) -> None:
    created = provider.create(inputs(ids))
    assert created.outs is not None
    provider.update(created.id, created.outs, {**ids, "num_replicas": 2})
    assert sent(fake_railway)[-1] == {"numReplicas": 2}
    assert stored(fake_railway, ids).settings["source"] == {"image": IMAGE}


def test_railway_defaults_read_back_as_no_drift(
    provider: ServiceInstanceProvider, ids: dict[str, str]
) -> None:
    news = inputs(
        ids,
        restart_policy_type="ON_FAILURE",
        restart_policy_max_retries=10,
        healthcheck_timeout=300,
        num_replicas=1,
        sleep_application=False,
        region="us-west2",
    )
    created = provider.create(news)
    assert created.outs is not None
    read = provider.read(created.id, created.outs)
    assert read.outs is not None
    assert provider.diff(created.id, read.outs, news).changes is False


def test_settings_it_does_not_manage_read_as_none(
    provider: ServiceInstanceProvider, ids: dict[str, str]
) -> None:
    created = provider.create(inputs(ids))
    assert created.outs is not None
    read = provider.read(created.id, created.outs)
    assert read.outs is not None
    assert (read.outs["restart_policy_type"], read.outs["num_replicas"], read.outs["region"]) == (
        None,
        None,
        None,
    )


def test_read_reports_a_setting_changed_outside_pulumi(
    provider: ServiceInstanceProvider, fake_railway: FakeRailway, ids: dict[str, str]
) -> None:
    news = inputs(ids, num_replicas=2)
    created = provider.create(news)
    stored(fake_railway, ids).settings["numReplicas"] = 5
    assert created.outs is not None
    read = provider.read(created.id, created.outs)
    assert read.outs is not None
    assert read.outs["num_replicas"] == 5
    assert provider.diff(created.id, read.outs, news).changes is True


def test_the_engines_whole_number_floats_pass_check_and_are_sent_as_integers(
    provider: ServiceInstanceProvider, fake_railway: FakeRailway, ids: dict[str, str]
) -> None:
    news = inputs(ids, num_replicas=2.0, healthcheck_timeout=120.0, multi_region_config=None)
    assert failures(provider, news) == {}
    created = provider.create(news)
    [first] = sent(fake_railway)
    assert (first["numReplicas"], type(first["numReplicas"])) == (2, int)
    assert created.outs is not None
    assert created.outs["num_replicas"] == 2


def test_replicas_per_region_as_floats_are_sent_as_integers(
    provider: ServiceInstanceProvider, fake_railway: FakeRailway, ids: dict[str, str]
) -> None:
    news = inputs(ids, multi_region_config={"us-west2": 2.0})
    assert failures(provider, news) == {}
    provider.create(news)
    assert sent(fake_railway)[0]["multiRegionConfig"] == {"us-west2": {"numReplicas": 2}}


def test_pre_deploy_command_is_sent_as_one_entry_and_read_back_as_text(
    provider: ServiceInstanceProvider, fake_railway: FakeRailway, ids: dict[str, str]
) -> None:
    created = provider.create(inputs(ids, pre_deploy_command="npm run migrate"))
    assert sent(fake_railway)[0]["preDeployCommand"] == ["npm run migrate"]
    assert created.outs is not None
    read = provider.read(created.id, created.outs)
    assert read.outs is not None
    assert read.outs["pre_deploy_command"] == "npm run migrate"


def test_replicas_per_region_are_sent_in_railways_shape_and_kept(
    provider: ServiceInstanceProvider, fake_railway: FakeRailway, ids: dict[str, str]
) -> None:
    config = {"us-west2": 2, "europe-west4-drams3a": 1}
    created = provider.create(inputs(ids, multi_region_config=config))
    assert sent(fake_railway)[0]["multiRegionConfig"] == {
        "us-west2": {"numReplicas": 2},
        "europe-west4-drams3a": {"numReplicas": 1},
    }
    assert created.outs is not None
    read = provider.read(created.id, created.outs)
    assert read.outs is not None
    assert read.outs["multi_region_config"] == config


def test_read_after_the_environment_was_deleted_returns_an_empty_id_when_railway_says_not_authorized(
    provider: ServiceInstanceProvider, fake_railway: FakeRailway, ids: dict[str, str]
) -> None:
    created = provider.create(inputs(ids, num_replicas=2))
    fake_railway.backend.delete_out_of_band("environment", ids["environment_id"])
    fake_railway.backend.deleted_answer_not_authorized = True
    assert created.outs is not None
    assert provider.read(created.id, created.outs).id == ""


def test_read_is_an_auth_failure_when_the_token_reads_neither_environment_nor_service(
    provider: ServiceInstanceProvider, fake_railway: FakeRailway, ids: dict[str, str]
) -> None:
    created = provider.create(inputs(ids, num_replicas=2))
    assert created.outs is not None
    other = configured(ServiceInstanceProvider(), "a-token-railway-does-not-know")
    with pytest.raises(RailwayError, match="Not Authorized"):
        other.read(created.id, created.outs)


def test_registry_credentials_are_written_and_echoed_but_never_read(
    provider: ServiceInstanceProvider, fake_railway: FakeRailway, ids: dict[str, str]
) -> None:
    creds = {"username": "cartly-bot", "password": PASSWORD}
    created = provider.create(inputs(ids, registry_credentials=creds))
    assert stored(fake_railway, ids).registry_credentials == creds
    assert created.outs is not None
    assert created.outs["registry_credentials"] == creds
    read = provider.read(created.id, created.outs)
    assert read.outs is not None
    assert read.outs["registry_credentials"] == creds
    reads = [r for r in fake_railway.backend.requests if r.operation_name == "ServiceInstance"]
    assert len(reads) == 2
    assert all("registryCredentials" not in r.variables for r in reads)


def test_a_failed_update_names_the_instance_but_no_password(
    provider: ServiceInstanceProvider, ids: dict[str, str]
) -> None:
    news: dict[str, Any] = {"service_id": "missing", "environment_id": ids["environment_id"], "image": IMAGE}
    news["registry_credentials"] = {"username": "u", "password": PASSWORD}
    with pytest.raises(RailwayError) as caught:
        provider.update("i", {}, news)
    assert str(caught.value).startswith("Unable to update settings of service 'missing' in environment ")
    assert PASSWORD not in str(caught.value)


def test_a_refusal_that_echoes_the_password_reaches_the_engine_without_it(
    provider: ServiceInstanceProvider, ids: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def echoing(_client: Any, document: str, variables: Any = None, **_: Any) -> dict[str, Any]:
        # Railway's validation messages may quote the input they refuse, password included.
        raise graphql_error("ServiceInstanceUpdate", [{"message": f"Invalid input: {json.dumps(variables)}"}])

    monkeypatch.setattr(RailwayClient, "execute", echoing)
    news = inputs(ids, registry_credentials={"username": "u", "password": PASSWORD})
    with pytest.raises(RailwayError) as caught:
        provider.update("i", {}, news)
    assert str(caught.value).startswith("Unable to update settings of service ")
    assert "Invalid input" in str(caught.value)
    # What the provider server sends the engine: traceback.format_exc(), the whole chain included.
    printed = "".join(traceback.format_exception(caught.value))
    assert printed.count("Unable to update settings") == 1
    assert PASSWORD not in printed


def test_the_args_repr_never_shows_the_registry_password() -> None:
    args = ServiceInstanceArgs(
        "s", "e", image=IMAGE, registry_credentials={"username": "u", "password": PASSWORD}
    )
    assert "service_id='s'" in repr(args)
    assert PASSWORD not in repr(args)


def test_diff_ignores_the_serialized_provider(provider: ServiceInstanceProvider, ids: dict[str, str]) -> None:
    olds = {**inputs(ids), "__provider": "a"}
    assert provider.diff("i", olds, {**inputs(ids), "__provider": "b"}).changes is False


def test_an_unknown_image_at_preview_is_an_update(
    provider: ServiceInstanceProvider, ids: dict[str, str]
) -> None:
    diff = provider.diff("i", inputs(ids), inputs(ids, image=pulumi.output.UNKNOWN))
    assert (diff.changes, diff.replaces) == (True, [])


BAD_INPUTS = [
    ("service_id", "", "service_id must be a Railway id"),
    ("image", "ghcr.io/cartly/web:staging", "must be pinned by digest"),
    ("image", "ghcr.io/cartly/web@sha256:short", "image must be an image reference"),
    ("registry_credentials", {"username": "u"}, "registry_credentials must be {username, password}"),
    ("start_command", "", "start_command must be a non-empty string"),
    ("pre_deploy_command", "  ", "pre_deploy_command must be a non-empty string"),
    ("healthcheck_path", "health", "healthcheck_path must start with '/'"),
    ("healthcheck_timeout", 0, "healthcheck_timeout must be a whole number at least 1"),
    ("num_replicas", 0, "num_replicas must be a whole number at least 1"),
    ("num_replicas", 1.5, "num_replicas must be a whole number at least 1"),
    ("region", "mars-1", "region must be one of us-west2"),
    ("multi_region_config", {"mars-1": 1}, "multi_region_config maps regions"),
    ("multi_region_config", {"us-west2": 0}, "multi_region_config maps regions"),
    ("restart_policy_type", "SOMETIMES", "restart_policy_type must be one of ALWAYS, NEVER, ON_FAILURE"),
    ("restart_policy_max_retries", -1, "restart_policy_max_retries must be a whole number at least 0"),
    ("sleep_application", "no", "sleep_application must be true or false"),
    ("overlap_seconds", -5, "overlap_seconds must be a whole number at least 0"),
    ("draining_seconds", 1.5, "draining_seconds must be a whole number at least 0"),
]


@pytest.mark.parametrize(("prop", "value", "says"), BAD_INPUTS, ids=[f"{p}={v!r}" for p, v, _ in BAD_INPUTS])
def test_check_rejects_bad_input_naming_the_property(
    provider: ServiceInstanceProvider,
    fake_railway: FakeRailway,
    ids: dict[str, str],
    prop: str,
    value: Any,
    says: str,
) -> None:
    found = failures(provider, inputs(ids, **{prop: value}))
    assert list(found) == [prop]
    assert says in found[prop]
    assert fake_railway.backend.count() == 0


def test_check_refuses_region_and_replicas_per_region_together(
    provider: ServiceInstanceProvider, ids: dict[str, str]
) -> None:
    found = failures(provider, inputs(ids, region="us-west2", multi_region_config={"us-west2": 2}))
    assert found == {"multi_region_config": "set either multi_region_config or region/num_replicas, not both"}


@pytest.mark.parametrize("key", ["region", "num_replicas", "multi_region_config"])
def test_check_does_not_call_an_unknown_placement_a_conflict_at_preview(
    provider: ServiceInstanceProvider, ids: dict[str, str], key: str
) -> None:
    placement: dict[str, Any] = {"region": "us-west2", "multi_region_config": {"us-west2": 2}}
    if key == "num_replicas":
        placement = {"num_replicas": 2, "multi_region_config": {"us-west2": 2}}
    placement[key] = pulumi.output.UNKNOWN
    assert failures(provider, inputs(ids, **placement)) == {}


def test_check_never_echoes_the_registry_password(
    provider: ServiceInstanceProvider, ids: dict[str, str]
) -> None:
    found = failures(provider, inputs(ids, registry_credentials={"username": "", "password": PASSWORD}))
    assert list(found) == ["registry_credentials"]
    assert PASSWORD not in found["registry_credentials"]


def test_check_accepts_a_full_set_of_settings(provider: ServiceInstanceProvider, ids: dict[str, str]) -> None:
    news = inputs(
        ids,
        image=f"ghcr.io/cartly/web:1.4.2@{DIGEST}",
        registry_credentials={"username": "u", "password": PASSWORD},
        start_command="node server.js",
        pre_deploy_command="npm run migrate",
        healthcheck_path="/health",
        healthcheck_timeout=120,
        num_replicas=2,
        region="europe-west4-drams3a",
        restart_policy_type="ON_FAILURE",
        restart_policy_max_retries=5,
        sleep_application=False,
        overlap_seconds=30,
        draining_seconds=20,
    )
    assert failures(provider, news) == {}


def test_check_tolerates_unknown_values(provider: ServiceInstanceProvider, ids: dict[str, str]) -> None:
    unknown = pulumi.output.UNKNOWN
    news: dict[str, Any] = {
        key: unknown for key in ("service_id", "image", "registry_credentials", "healthcheck_path")
    }
    news["multi_region_config"] = {"us-west2": unknown}
    assert failures(provider, {**ids, **news}) == {}
