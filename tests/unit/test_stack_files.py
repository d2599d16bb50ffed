"""A stack's config assembled from the project's files as the CLI does (tools/stack_files.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.stack_files import Secure, config_text, program_config, read_stack_config

PROJECT = """name: demo
runtime: python
config:
  replicas: {type: integer, default: 1}
  region: {type: string, default: us-west2}
  reviewers: {type: array, items: {type: string}, default: []}
  token: {type: string}
"""
STACK = """config:
  demo:replicas: 3
  demo:token:
    secure: v1:abc:def
  github:owner: cartly-app
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "Pulumi.yaml").write_text(PROJECT)
    (tmp_path / "Pulumi.staging.yaml").write_text(STACK)
    return tmp_path


def test_defaults_come_first_then_the_stack_files_values_override_them(project: Path) -> None:
    name, config = read_stack_config(project, "staging")
    assert name == "demo"
    assert len(config) == 5
    assert config == {
        "demo:replicas": 3,
        "demo:region": "us-west2",
        "demo:reviewers": [],
        "demo:token": Secure("v1:abc:def"),
        "github:owner": "cartly-app",
    }


def test_a_stack_without_a_file_runs_on_the_defaults_alone(project: Path) -> None:
    _name, config = read_stack_config(project, "pr-7")
    assert len(config) == 3
    assert config == {"demo:replicas": 1, "demo:region": "us-west2", "demo:reviewers": []}


def test_the_program_gets_text_and_a_stand_in_for_each_secure_value(project: Path) -> None:
    _name, config = read_stack_config(project, "staging")
    text, secret_keys = program_config(config, lambda key, value: f"<{key}:{len(value.ciphertext)}>")
    assert secret_keys == ["demo:token"]
    assert text["demo:token"] == "<demo:token:10>"
    assert (text["demo:replicas"], text["demo:reviewers"]) == ("3", "[]")


@pytest.mark.parametrize(
    ("value", "text"),
    [("plain", "plain"), (True, "true"), (False, "false"), (3, "3"), (["a", "b"], '["a", "b"]')],
)
def test_values_reach_the_program_as_the_cli_writes_them(value: object, text: str) -> None:
    assert config_text(value) == text
