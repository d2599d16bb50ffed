"""The project and stack files: Pulumi.yaml declares every key, the stack files load into valid settings."""

from __future__ import annotations

import asyncio

import pulumi
import pytest
import yaml

from components.settings.keys import KEYS, KEYS_BY_NAME, required_secrets
from components.settings.load import ConfigError, Settings, load_settings
from tests.support.pulumi_mocks import ROOT, load_stack_config, stub_secret


def project_config() -> dict[str, dict[str, object]]:
    config: dict[str, dict[str, object]] = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())["config"]
    return config


def stack_file(stack: str) -> dict[str, object]:
    loaded: dict[str, object] = yaml.safe_load((ROOT / f"Pulumi.{stack}.yaml").read_text())
    return loaded


def load_through_pulumi(stack: str, overrides: dict[str, str] | None = None) -> Settings:
    config, secret_keys = load_stack_config(stack)
    config.update(overrides or {})
    secret_keys = [k for k in secret_keys if k not in (overrides or {})]
    asyncio.set_event_loop(asyncio.new_event_loop())
    pulumi.runtime.set_all_config(config, secret_keys)
    return load_settings(stack)


def test_pulumi_yaml_declares_every_key_with_type_default_and_description() -> None:
    declared = project_config()
    assert len(declared) == len(KEYS) == 60  # 53 + 4 (app previews) + 3 (releases)
    for key in KEYS:
        spec = declared[key.name]
        assert spec["type"] == key.type, key.name
        assert spec["default"] == key.default, key.name
        assert spec["description"], key.name


def test_pulumi_yaml_keeps_its_runtime_section() -> None:
    project = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
    assert project["name"] == "cartly-infra"
    assert project["runtime"] == {
        "name": "python",
        "options": {"toolchain": "pip", "virtualenv": "venv", "typechecker": "mypy"},
    }


@pytest.mark.parametrize("stack", ["production", "staging"])
def test_each_committed_stack_file_holds_no_salt_and_no_ciphertext_for_the_cli_to_reject(stack: str) -> None:
    """The real CLI refuses a salt that is not its own base64 and a `secure:` value it cannot decrypt:
    scripts/init-stack writes both with the user's passphrase (tests/engine proves the files work)."""
    data = stack_file(stack)
    assert "encryptionsalt" not in data
    config = data["config"]
    assert isinstance(config, dict)
    assert [k for k, v in config.items() if isinstance(v, dict)] == []


def test_the_secrets_each_stack_must_hold_come_from_the_config_keys() -> None:
    long_lived = {k.qualified for k in KEYS if k.secret and k.required_in in ("long-lived", "github")}
    production_only = {KEYS_BY_NAME["slackBotToken"].qualified, KEYS_BY_NAME["testDatabaseUrl"].qualified}
    assert len(long_lived) == 9
    assert KEYS_BY_NAME["releaseDispatchToken"].qualified in long_lived
    assert {k.qualified for k in required_secrets("staging")} == long_lived
    assert {k.qualified for k in required_secrets("production")} == long_lived | production_only
    assert required_secrets("pr-42") == ()


@pytest.mark.parametrize("stack", ["production", "staging"])
def test_no_secret_key_is_set_in_plain_text_in_a_stack_file(stack: str) -> None:
    config = stack_file(stack)["config"]
    assert isinstance(config, dict)
    for key in KEYS:
        if key.secret and key.qualified in config:
            assert isinstance(config[key.qualified], dict), key.qualified


def test_production_loads_from_its_stack_file() -> None:
    settings = load_through_pulumi("production")
    assert (settings.domain, settings.web.replicas, settings.worker.replicas) == ("app.cartly.io", 2, 2)
    assert settings.secrets["jwtSecret"].reveal() == stub_secret("production", "jwtSecret")
    assert settings.protect


def test_staging_loads_from_its_stack_file() -> None:
    settings = load_through_pulumi("staging")
    assert (settings.domain, settings.environment_name, settings.region) == (
        "staging.cartly.io",
        "staging",
        "us-west2",
    )
    assert not settings.protect


def test_a_preview_loads_from_the_project_defaults_alone() -> None:
    settings = load_through_pulumi("pr-42")
    assert (settings.domain, settings.image.tag, settings.web.replicas) == ("pr-42.cartly.io", "pr-42", 1)


def test_a_key_the_project_does_not_declare_is_refused_when_loaded_through_pulumi() -> None:
    with pytest.raises(ConfigError, match=r"cartly-infra:webReplica: unknown key \(a typo\?\)"):
        load_through_pulumi("staging", {"cartly-infra:webReplica": "3"})


def test_a_bad_value_is_refused_when_loaded_through_pulumi() -> None:
    with pytest.raises(ConfigError, match=r"cartly-infra:region: unknown region 'moon'"):
        load_through_pulumi("staging", {"cartly-infra:region": "moon"})


def test_a_secret_set_in_plain_text_is_refused_when_loaded_through_pulumi() -> None:
    with pytest.raises(ConfigError, match=r"cartly-infra:sentryDsn: is stored in plain text"):
        load_through_pulumi("staging", {"cartly-infra:sentryDsn": "https://key@sentry.io/1"})
