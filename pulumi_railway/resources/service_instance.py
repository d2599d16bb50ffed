"""ServiceInstance: the settings of one Railway service in one environment.

Every setting is optional, None meaning "not managed"; instance_settings.py maps them onto Railway's
fields. Settings alone never redeploy (deployment.py does). Nothing is deleted: the instance lives and dies
with its service and environment, so `delete` leaves the last settings in place."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NoReturn

import pulumi
from pulumi.dynamic import CheckFailure, CreateResult, ReadResult, UpdateResult

from pulumi_railway.api import operations as ops
from pulumi_railway.api.client import RailwayClient
from pulumi_railway.api.errors import RailwayAuthError, RailwayError, RailwayNotFound
from pulumi_railway.toolkit.checks import (
    REGIONS,
    RESTART_POLICIES,
    check_bool,
    check_choice,
    check_health_path,
    check_id,
    check_image,
    check_int,
    check_registry_credentials,
    check_replicas_per_region,
    check_string,
    failure,
)
from pulumi_railway.toolkit.instance_settings import (
    FIELDS,
    PLACEMENT,
    WRITE_ONLY,
    from_api,
    payload,
    read_placement,
    whole_numbers,
)
from pulumi_railway.toolkit.provider import (
    REPLACES,
    RailwayProvider,
    fail,
    replace_keys,
    resend_idempotent,
)
from pulumi_railway.toolkit.variable_values import redact

INPUT_KEYS = ("service_id", "environment_id", *FIELDS, "image_by_tag")


@dataclass(frozen=True, kw_only=True)
class ServiceInstanceArgs:
    service_id: pulumi.Input[str] = field(metadata=REPLACES)
    environment_id: pulumi.Input[str] = field(metadata=REPLACES)
    image: pulumi.Input[str] | None = None
    """Pinned by digest: `ghcr.io/owner/app@sha256:…` (unless image_by_tag)."""
    image_by_tag: pulumi.Input[bool] | None = None
    """True: `image` is a public image followed by its tag on purpose (a database template's, whose patch
    releases it should get); never sent to Railway."""
    registry_credentials: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = field(
        default=None, repr=False
    )
    """`{"username": …, "password": …}` for a private registry; secret, write-only."""
    start_command: pulumi.Input[str] | None = None
    pre_deploy_command: pulumi.Input[str] | None = None
    healthcheck_path: pulumi.Input[str] | None = None
    healthcheck_timeout: pulumi.Input[int] | None = None
    num_replicas: pulumi.Input[int] | None = None
    region: pulumi.Input[str] | None = None
    multi_region_config: pulumi.Input[Mapping[str, pulumi.Input[int]]] | None = None
    """Replicas per region, `{"us-west2": 2, "europe-west4-drams3a": 1}`; instead of region/num_replicas."""
    restart_policy_type: pulumi.Input[str] | None = None
    restart_policy_max_retries: pulumi.Input[int] | None = None
    sleep_application: pulumi.Input[bool] | None = None
    overlap_seconds: pulumi.Input[int] | None = None
    draining_seconds: pulumi.Input[int] | None = None


REPLACE_KEYS = replace_keys(ServiceInstanceArgs)  # the inputs whose change replaces (metadata=REPLACES)


def _what(props: Mapping[str, Any]) -> str:
    return f"settings of service '{props.get('service_id')}' in environment '{props.get('environment_id')}'"


def _one_way_to_place_replicas(news: Mapping[str, Any]) -> list[CheckFailure]:
    def given(key: str) -> bool:  # an unknown value (preview) may still turn out None: not a conflict yet
        value = news.get(key)
        return value is not None and not isinstance(value, pulumi.output.Unknown)

    if not given("multi_region_config") or not (given("region") or given("num_replicas")):
        return []
    return [failure("multi_region_config", "set either multi_region_config or region/num_replicas, not both")]


def _check(news: Mapping[str, Any]) -> list[CheckFailure]:
    return [
        *check_id(news, "service_id"),
        *check_id(news, "environment_id"),
        *check_image(news, "image", pinned=not news.get("image_by_tag"), required=False),
        *check_bool(news, "image_by_tag"),
        *check_registry_credentials(news, "registry_credentials"),
        *check_string(news, "start_command"),
        *check_string(news, "pre_deploy_command"),
        *check_health_path(news, "healthcheck_path"),
        *check_int(news, "healthcheck_timeout", minimum=1, maximum=3600),
        *check_int(news, "num_replicas", minimum=1),
        *check_choice(news, "region", REGIONS),
        *check_replicas_per_region(news, "multi_region_config"),
        *_one_way_to_place_replicas(news),
        *check_choice(news, "restart_policy_type", RESTART_POLICIES),
        *check_int(news, "restart_policy_max_retries", minimum=0),
        *check_bool(news, "sleep_application"),
        *check_int(news, "overlap_seconds", minimum=0),
        *check_int(news, "draining_seconds", minimum=0),
    ]


# `serviceInstanceUpdate` gets only the managed keys, plus null for a key this resource managed before and no
# longer does (null unsets it on Railway). Read-back values are normalised (null → Railway's effective
# default, e.g. restart policy ON_FAILURE with 10 retries) and unmanaged keys reported as None, so a refresh
# shows no drift. Registry credentials are write-only: sent, never read back, echoed under their own (secret)
# key. `multiRegionConfig` cannot be read back either, so it keeps the last value sent.
class ServiceInstanceProvider(RailwayProvider):
    keys, replace_keys = INPUT_KEYS, REPLACE_KEYS

    def failures(self, news: Mapping[str, Any]) -> list[CheckFailure]:
        return _check(news)

    def create(self, props: dict[str, Any]) -> CreateResult:
        props = whole_numbers(props)
        with self.client() as client:
            _send(client, props, payload(props, None), verb="set")
            try:
                instance = _fetch(client, props)
            except RailwayError as exc:
                raise fail("read back", _what(props), exc) from exc
        return CreateResult(str(instance["id"]), _outputs(props))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        props = whole_numbers(props)
        probe = functools.partial(_probe, props=props)
        instance = self.read_live(functools.partial(_fetch, props=props), _what(props), probe=probe)
        if instance is None or instance.get("deletedAt"):
            return ReadResult("", {})
        live = {key: props.get(key) for key in INPUT_KEYS}
        for key in FIELDS:
            if live[key] is not None and key not in (*WRITE_ONLY, *PLACEMENT):
                live[key] = from_api(key, instance)
        read_placement(live, instance)
        return ReadResult(str(instance["id"]) or id_, _outputs(live), live)

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        news = whole_numbers(news)
        with self.client() as client:
            _send(client, news, payload(news, olds), verb="update")
        return UpdateResult(_outputs(news))

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        """Nothing to delete: the instance goes with its service or environment (see module docstring)."""


def _send(client: RailwayClient, props: Mapping[str, Any], sent: dict[str, Any], *, verb: str) -> None:
    if not sent:
        return
    variables = {"serviceId": props["service_id"], "environmentId": props["environment_id"], "input": sent}
    try:
        resend_idempotent(lambda: client.execute(ops.SERVICE_INSTANCE_UPDATE, variables))
    except RailwayError as exc:
        _fail_without_password(verb, props, exc)


def _fail_without_password(verb: str, props: Mapping[str, Any], exc: RailwayError) -> NoReturn:
    """Raise what failed on what; a registry password Railway's message may echo is redacted."""
    creds = props.get("registry_credentials")
    if creds and "pro plan" in str(exc).lower():
        raise RailwayError(
            f"Unable to {verb} {_what(props)}: Railway refused the registry credentials because they "
            "need the Pro plan, and this workspace is on another plan (Hobby). Choose one: upgrade the "
            "workspace to Pro; or make the image public and leave registry_credentials unset"
        ) from None
    password = creds.get("password") if isinstance(creds, Mapping) else None
    if not isinstance(password, str) or not password:
        raise fail(verb, _what(props), exc) from exc
    # `from None`: the engine prints the whole chain (traceback.format_exc), and the cause is not redacted.
    raise RailwayError(
        f"Unable to {verb} {_what(props)}: {redact(str(exc), {'password': password})}"
    ) from None


def _fetch(client: RailwayClient, props: Mapping[str, Any]) -> dict[str, Any]:
    ids = {"serviceId": props["service_id"], "environmentId": props["environment_id"]}
    return dict(client.execute(ops.SERVICE_INSTANCE, ids)["serviceInstance"])


def _probe(client: RailwayClient, props: Mapping[str, Any]) -> None:
    # Proves the token works: the environment answers, or is itself gone (so is the instance). Railway may
    # answer "Not Authorized" for a deleted environment too (API.md §4): then the service must answer.
    try:
        client.execute(ops.ENVIRONMENT, {"id": props["environment_id"]})
    except RailwayNotFound:
        return
    except RailwayAuthError:
        client.execute(ops.SERVICE, {"id": props["service_id"]})


def _outputs(props: Mapping[str, Any]) -> dict[str, Any]:
    # Every input under its own key: registry_credentials stays secret because its input is.
    return {key: props.get(key) for key in INPUT_KEYS}


class ServiceInstance(pulumi.dynamic.Resource, module="railway", name="ServiceInstance"):
    """One service's settings in one environment; None settings are left as Railway has them."""

    service_id: pulumi.Output[str]
    environment_id: pulumi.Output[str]
    image: pulumi.Output[str | None]
    registry_credentials: pulumi.Output[Mapping[str, str] | None]
    start_command: pulumi.Output[str | None]
    pre_deploy_command: pulumi.Output[str | None]
    healthcheck_path: pulumi.Output[str | None]
    healthcheck_timeout: pulumi.Output[int | None]
    num_replicas: pulumi.Output[int | None]
    region: pulumi.Output[str | None]
    multi_region_config: pulumi.Output[Mapping[str, int] | None]
    restart_policy_type: pulumi.Output[str | None]
    restart_policy_max_retries: pulumi.Output[int | None]
    sleep_application: pulumi.Output[bool | None]
    overlap_seconds: pulumi.Output[int | None]
    draining_seconds: pulumi.Output[int | None]
    image_by_tag: pulumi.Output[bool | None]

    def __init__(
        self, resource_name: str, args: ServiceInstanceArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        props: dict[str, Any] = dict(vars(args))
        if args.registry_credentials is not None:
            props["registry_credentials"] = pulumi.Output.secret(args.registry_credentials)
        super().__init__(ServiceInstanceProvider(), resource_name, props, opts)
