"""How ServiceInstance's settings map onto Railway's `ServiceInstanceUpdateInput` and back.

Each setting's field and wire shape, the write-only and never-unset ones, Railway's effective defaults for
nulls read back, the payload rule, and the engine's whole-number floats as ints. The resource's lifecycle
and validation live in service_instance.py and checks.py."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_railway.toolkit.checks import as_int

# Managed setting → its field in ServiceInstanceUpdateInput / ServiceInstance.
# Wire shapes: an image as `source{image}`, the pre-deploy command as a one-entry list, replicas per region as
# `{region: {numReplicas}}`; a region is written as `multiRegionConfig` and read from the latest deployment's
# manifest, because `region` is legacy and reads back null.
FIELDS = {
    "image": "source",
    "registry_credentials": "registryCredentials",
    "start_command": "startCommand",
    "pre_deploy_command": "preDeployCommand",
    "healthcheck_path": "healthcheckPath",
    "healthcheck_timeout": "healthcheckTimeout",
    "num_replicas": "numReplicas",
    "region": "region",
    "multi_region_config": "multiRegionConfig",
    "restart_policy_type": "restartPolicyType",
    "restart_policy_max_retries": "restartPolicyMaxRetries",
    "sleep_application": "sleepApplication",
    "overlap_seconds": "overlapSeconds",
    "draining_seconds": "drainingSeconds",
}
WRITE_ONLY = ("registry_credentials",)
PLACEMENT = ("region", "multi_region_config")  # read from the latest deployment's manifest, not the instance
NEVER_UNSET = ("image",)  # a null source would disconnect the service from its image
# What Railway reads back as null but means (its effective values); the emulator's defaults agree.
DEFAULTS: dict[str, Any] = {
    "healthcheck_timeout": 300,
    "num_replicas": 1,
    "restart_policy_type": "ON_FAILURE",
    "restart_policy_max_retries": 10,
    "sleep_application": False,
}
INTEGERS = (
    "healthcheck_timeout",
    "num_replicas",
    "restart_policy_max_retries",
    "overlap_seconds",
    "draining_seconds",
)


def to_api(key: str, value: Any) -> Any:
    if value is None:
        return None
    if key == "image":
        return {"image": value}
    if key == "pre_deploy_command":
        return [value]
    if key == "multi_region_config":
        return {region: {"numReplicas": count} for region, count in value.items()}
    if key == "registry_credentials":
        return {"username": value["username"], "password": value["password"]}
    return value


def from_api(key: str, instance: Mapping[str, Any]) -> Any:
    value = instance.get(FIELDS[key])
    if key == "image":
        value = (value or {}).get("image")
    elif key == "pre_deploy_command" and isinstance(value, list):
        value = " && ".join(str(part) for part in value) or None
    return DEFAULTS.get(key) if value is None else value


# The payload rule: the managed keys, plus null for a key managed before and dropped since.
def payload(news: Mapping[str, Any], olds: Mapping[str, Any] | None) -> dict[str, Any]:
    """The keys to send: every managed one, and null for one managed before and dropped since."""
    sent: dict[str, Any] = {}
    for key, field in FIELDS.items():
        value = news.get(key)
        previously = olds.get(key) if olds is not None else None
        if value is not None or (previously is not None and key not in NEVER_UNSET):
            sent[field] = to_api(key, value)
    region = sent.pop("region", None)  # legacy: Railway places replicas through multiRegionConfig only
    if region is not None and "multiRegionConfig" not in sent:
        sent["multiRegionConfig"] = {region: {"numReplicas": as_int(news.get("num_replicas")) or 1}}
    return sent


def placement(instance: Mapping[str, Any]) -> dict[str, int] | None:
    """Replicas per region as Railway placed them (the latest deployment's `multiRegionConfig`, where the
    Terraform provider reads it too: `region` reads back null), or None when Railway does not say."""
    meta = (instance.get("latestDeployment") or {}).get("meta") or {}
    deploy = ((meta.get("serviceManifest") or {}) if isinstance(meta, Mapping) else {}).get("deploy") or {}
    config = deploy.get("multiRegionConfig") if isinstance(deploy, Mapping) else None
    if not isinstance(config, Mapping) or not config:
        return None
    return {str(region): int((value or {}).get("numReplicas") or 0) for region, value in config.items()}


def read_placement(live: dict[str, Any], instance: Mapping[str, Any]) -> None:
    """Refresh the managed placement keys of `live` from what Railway placed (honest drift), if it says."""
    placed = placement(instance)
    if placed is None:
        return
    if live.get("multi_region_config") is not None:
        live["multi_region_config"] = placed
    if live.get("region") is not None:
        live["region"] = next(iter(placed)) if len(placed) == 1 else None


def whole_numbers(props: Mapping[str, Any]) -> dict[str, Any]:
    """props with the engine's whole-number floats (2.0) as the ints Railway's Int fields take."""
    fixed = {**props, **{key: as_int(props.get(key)) for key in INTEGERS if key in props}}
    regions = props.get("multi_region_config")
    if isinstance(regions, Mapping):
        fixed["multi_region_config"] = {region: as_int(count) for region, count in regions.items()}
    return fixed
