"""Under mocks: every secret reaches its resources as a secret, and no stub value shows in plain text."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest

from components.settings.keys import KEYS
from components.stack_outputs import (
    APP_PREVIEW_ONLY_KEYS,
    PREVIEW_SECRET_KEYS,
    PREVIEW_SECRETS,
    PROJECT_TOKEN,
    StagingOutputError,
)
from tests.support.mock_answers import CartlyMocks, staging_outputs
from tests.support.program_runs import STACKS, app_instances, of, one, program_run
from tests.support.pulumi_mocks import SECRET_SIG, is_secret, run_program, stub_secret

# The app's own secrets: the web service's, and what an app preview reuses from staging besides ghcrToken.
APP_SECRETS = (
    "databaseUrl",
    "redisUrl",
    "jwtSecret",
    "openrouterApiKey",
    "sentryDsn",
    "b2AccessKey",
    "b2SecretKey",
)


def stubs(stack: str) -> dict[str, str]:
    """The fake values of the secrets that stack holds (previews hold staging's)."""
    source = "staging" if stack.startswith("pr-") else stack
    return {key.name: stub_secret(source, key.name) for key in KEYS if key.secret}


def leaves(value: Any, secret: bool = False) -> Iterator[tuple[str, bool]]:
    """Every string in a serialized property, with whether it sits under a secret wrapper."""
    if isinstance(value, dict):
        inner = is_secret(value)
        for key, item in value.items():
            if key != SECRET_SIG:
                yield from leaves(item, secret or inner)
    elif isinstance(value, list):
        for item in value:
            yield from leaves(item, secret)
    elif isinstance(value, str):
        yield value, secret


def occurrences(stack: str) -> list[tuple[str, str, bool]]:
    """(resource name, stub key, secret?) for each input string that contains a stub secret value."""
    found = []
    for resource in program_run(stack):
        for text, secret in leaves({k: v for k, v in resource.inputs.items() if k != "__provider"}):
            for key, value in stubs(stack).items():
                if value in text:
                    found.append((resource.name, key, secret))
    return found


@pytest.mark.parametrize("stack", STACKS)
def test_every_secret_input_arrives_wrapped_as_a_secret(stack: str) -> None:
    found = occurrences(stack)
    # Variables web 7 + worker 6, registry credentials 2, registry login 1; long-lived stacks also create
    # the services with their variables (13) and write the release token into GitHub (1); production adds
    # the test database's repository secret, and the Slack token of this repository's production and
    # staging environments. An app preview takes only OpenRouter and Sentry (web 2 + worker 2) and the
    # registry token (3) from staging.
    assert len(found) == {"production": 33, "staging": 30, "pr-42": 7}[stack]
    assert [(name, key) for name, key, secret in found if not secret] == []


@pytest.mark.parametrize("stack", ["production", "staging"])
def test_each_app_secret_reaches_the_web_variables(stack: str) -> None:
    found = {key for name, key, _ in occurrences(stack) if name == "cartly-web-variables"}
    assert found == set(APP_SECRETS)


@pytest.mark.parametrize("stack", STACKS)
def test_registry_credentials_and_the_registry_login_are_secret(stack: str) -> None:
    run = program_run(stack)
    instances = app_instances(run)
    assert len(instances) == 2
    assert all(is_secret(s.inputs["registry_credentials"]) for s in instances)
    # A preview's data services run public template images: no registry credentials at all.
    data = [s for s in of(run, "railway:ServiceInstance") if s not in instances]
    assert len(data) == (2 if stack == "pr-42" else 0)
    assert [s.inputs.get("registry_credentials") for s in data] == [None] * len(data)
    assert is_secret(one(run, "pulumi:providers:docker").inputs["registryAuth"])


@pytest.mark.parametrize("stack", STACKS)
def test_no_stub_secret_is_in_any_pickled_provider(stack: str) -> None:
    providers = [r.inputs["__provider"] for r in program_run(stack) if "__provider" in r.inputs]
    assert len(providers) == {"production": 14, "staging": 14, "pr-42": 21}[stack]
    for provider in providers:
        pickled = base64.b64decode(provider["value"] if is_secret(provider) else provider)
        assert pickled, "an empty provider pickle proves nothing"
        for value in stubs(stack).values():
            assert value.encode() not in pickled


@pytest.mark.parametrize("stack", STACKS)
def test_no_stub_secret_shows_in_a_plain_stack_output(stack: str) -> None:
    run = program_run(stack)
    plain_outputs = json.dumps({k: v for k, v in run.outputs.items() if k not in run.secret_outputs})
    assert len(plain_outputs) > 200
    for value in stubs(stack).values():
        assert value not in plain_outputs
    assert PROJECT_TOKEN in run.secret_outputs


def test_staging_exports_the_preview_secrets_as_one_secret_output() -> None:
    run = program_run("staging")
    assert PREVIEW_SECRETS in run.secret_outputs
    handed = {key: stub_secret("staging", key) for key in PREVIEW_SECRET_KEYS}
    # The preview-only B2 key is not set in Pulumi.staging.yaml: exported empty, so app previews get none.
    assert run.outputs[PREVIEW_SECRETS] == {**handed, **dict.fromkeys(APP_PREVIEW_ONLY_KEYS, "")}


@pytest.mark.parametrize("stack", ["production", "pr-42"])
def test_only_staging_exports_preview_secrets(stack: str) -> None:
    assert PREVIEW_SECRETS not in program_run(stack).outputs


def test_previews_reuse_exactly_the_secrets_every_long_lived_stack_must_have() -> None:
    assert len(PREVIEW_SECRET_KEYS) == 8
    assert ("ghcrToken", *APP_SECRETS) == PREVIEW_SECRET_KEYS


def test_a_preview_of_a_staging_that_does_not_export_a_secret_names_the_key_the_stack_and_the_fix() -> None:
    staging = staging_outputs()
    del staging[PREVIEW_SECRETS]["sentryDsn"]  # staging last updated by a program that did not export it
    with pytest.raises(StagingOutputError) as caught:
        run_program("pr-42", mocks=CartlyMocks("pr-42", staging=staging))
    assert str(caught.value) == (
        "Unable to read secret 'sentryDsn' from the previewSecrets output of staging stack "
        "'organization/cartly-infra/staging': staging does not export it. "
        "Fix: run `pulumi up --stack staging` so staging exports it, then run the preview again."
    )
    exported = staging[PREVIEW_SECRETS].values()
    assert len(exported) == len(PREVIEW_SECRET_KEYS) - 1
    assert [value in str(caught.value) for value in exported] == [False] * len(exported)
