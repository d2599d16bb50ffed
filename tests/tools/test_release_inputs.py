"""Hostile and malformed release inputs: each refused with what was expected, before any Pulumi call."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.pulumi_mocks import ROOT
from tests.tools.release_fixtures import COMMIT, DIGEST, REPOSITORY, ScriptedStacks, argv, valid
from tools import release
from tools.release_inputs import InputError, validate
from tools.release_stacks import UpOutcome

HOSTILE = {
    "a digest of another repository": (
        {"image": f"ghcr.io/evil/cartly@{DIGEST}"},
        "expected exactly ghcr.io/cartly-app/cartly@sha256:<64 lowercase hex>",
    ),
    "a tag instead of a digest": ({"image": f"{REPOSITORY}:main"}, "a tag or another repository is refused"),
    "a tag and a digest": ({"image": f"{REPOSITORY}:main@{DIGEST}"}, "expected exactly"),
    "a short digest": ({"image": f"{REPOSITORY}@sha256:abc"}, "expected exactly"),
    "an uppercase digest": ({"image": f"{REPOSITORY}@sha256:{'A' * 64}"}, "expected exactly"),
    "a digest with a newline after it": ({"image": f"{REPOSITORY}@{DIGEST}\n"}, "expected exactly"),
    "a stack with a space around it": (
        {"stack": " production"},
        "expected exactly 'production' or 'staging'",
    ),
    "a stack with a newline after it": ({"stack": "staging\n"}, "expected exactly 'production' or 'staging'"),
    "a preview stack": ({"stack": "pr-42"}, "expected exactly 'production' or 'staging'"),
    "a shell injection as stack": ({"stack": "staging; rm -rf /"}, "expected exactly"),
    "an expression as stack": ({"stack": "${{ secrets.RAILWAY_API_TOKEN }}"}, "expected exactly"),
    "a missing commit": ({"commit": ""}, "expected the app commit's full 40-hex SHA"),
    "a short commit": ({"commit": COMMIT[:7]}, "expected the app commit's full 40-hex SHA"),
    "a commit with a shell suffix": (
        {"commit": COMMIT + "$(id)"},
        "expected the app commit's full 40-hex SHA",
    ),
    "a staging release from a feature branch": ({"app_ref": "refs/heads/feature"}, "comes only from"),
    "a release run from another branch of this repository": (
        {"infra_ref": "refs/heads/attacker"},
        "a staging release runs the program of refs/heads/staging",
    ),
    "an app run URL elsewhere": ({"app_run_url": "https://evil.example/x"}, "expected https://github.com/"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_input_is_refused_naming_what_was_expected(case: str) -> None:
    overrides, expected = HOSTILE[case]
    with pytest.raises(InputError) as caught:
        validate(valid(**overrides), ROOT)
    assert len(caught.value.problems) == 1
    assert expected in caught.value.problems[0]


def test_a_production_release_from_a_non_main_ref_is_refused() -> None:
    with pytest.raises(InputError) as caught:
        validate(valid("production", app_ref="refs/heads/staging"), ROOT)
    assert caught.value.problems == (
        "app ref 'refs/heads/staging': a production release comes only from refs/heads/main",
    )


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(InputError) as caught:
        validate(valid(image=f"{REPOSITORY}:main", commit="x", app_ref="refs/heads/x"), ROOT)
    assert len(caught.value.problems) == 3


def test_a_long_hostile_value_is_shown_cut_short_and_quoted() -> None:
    with pytest.raises(InputError) as caught:
        validate(valid(stack="x" * 5000), ROOT)
    assert len(caught.value.problems) == 1
    assert "x" * 81 not in caught.value.problems[0]


def test_valid_inputs_become_a_release_of_the_configured_repository() -> None:
    found = validate(valid("production"), ROOT)
    assert (found.stack, found.image, found.commit) == ("production", f"{REPOSITORY}@{DIGEST}", COMMIT)


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_the_tool_refuses_before_any_pulumi_call_and_exits_2(
    case: str, capsys: pytest.CaptureFixture[str]
) -> None:
    stacks = ScriptedStacks(outcomes=[UpOutcome(True)])
    code = release.main(argv("run", valid(**HOSTILE[case][0])), stacks=stacks, env={})
    assert code == 2
    assert stacks.calls == []
    assert "Refused release inputs" in capsys.readouterr().err


def test_inputs_come_from_the_environment_so_the_workflow_never_splices_them(tmp_path: Path) -> None:
    env = {f"RELEASE_{k.upper()}": v for k, v in valid().items()}
    output = tmp_path / "out"
    code = release.main(["validate", f"--github-output={output}"], env=env)
    assert code == 0
    assert output.read_text() == "stack=staging\n"


def test_validate_writes_no_output_for_refused_inputs(tmp_path: Path) -> None:
    env = {f"RELEASE_{k.upper()}": v for k, v in valid(stack="prod").items()}
    output = tmp_path / "out"
    assert release.main(["validate", f"--github-output={output}"], env=env) == 2
    assert not output.exists()
