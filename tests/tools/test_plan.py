"""tools/plan.py on the real program and stack files: one stack's plan, and the diff a PR comment shows.

Each test works on a clone of this repository's last commit (so other work in progress in the tree cannot
break it), changed the way a pull request would change it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tools.plan import plan_text

REPO = Path(__file__).resolve().parents[2]
TOOL = REPO / "tools" / "plan.py"


def clone(into: Path) -> Path:
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(into)], check=True, timeout=60)
    return into


def plan(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(TOOL), *args], capture_output=True, text=True, check=False, timeout=120
    )


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{path.name} no longer holds {old!r}: update this test"
    path.write_text(text.replace(old, new))


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return clone(tmp_path_factory.mktemp("plan") / "repo")


@pytest.fixture(scope="module")
def staging_plan(checkout: Path) -> dict[str, Any]:
    done = plan("--project-dir", str(checkout), "--stack", "staging", "--json")
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


class TestOneStack:
    def test_plan_lists_every_resource_sorted_by_type_then_name(self, staging_plan: dict[str, Any]) -> None:
        resources = staging_plan["resources"]
        assert len(resources) >= 15
        order = [(r["type"], r["name"]) for r in resources]
        assert order == sorted(order)
        assert ("pulumi-python:dynamic/railway:Project", "cartly-project") in order

    def test_plan_shows_the_stack_files_values_as_inputs(self, staging_plan: dict[str, Any]) -> None:
        domains = [r for r in staging_plan["resources"] if r["type"].endswith("railway:CustomDomain")]
        assert len(domains) == 1
        assert domains[0]["inputs"]["domain"] == "staging.cartly.io"

    def test_plan_masks_secret_inputs_and_outputs(self, staging_plan: dict[str, Any]) -> None:
        secrets = [r for r in staging_plan["resources"] if r["type"].endswith("ActionsEnvironmentSecret")]
        assert len(secrets) >= 1
        assert {r["inputs"]["value"] for r in secrets} == {"[secret]"}
        assert staging_plan["outputs"]["railwayProjectToken"] == "[secret]"
        # The stack file holds no ciphertext yet: the secrets the stack must hold show as set and masked.
        masked = sorted(k for k, v in staging_plan["config"].items() if str(v).startswith("[secret "))
        assert len(masked) == 9  # the 8 long-lived secrets and the release token (releaseDispatchToken)
        assert "cartly-infra:jwtSecret" in masked
        assert "cartly-infra:releaseDispatchToken" in masked

    def test_plan_drops_the_pickled_dynamic_provider(self, staging_plan: dict[str, Any]) -> None:
        assert "__provider" not in json.dumps(staging_plan)

    def test_a_preview_reads_the_staging_plan_through_its_stack_reference(self, checkout: Path) -> None:
        done = plan("--project-dir", str(checkout), "--stack", "pr-7", "--json")
        assert done.returncode == 0, done.stderr
        resources = json.loads(done.stdout)["resources"]
        refs = [r for r in resources if r["type"] == "pulumi:pulumi:StackReference"]
        assert len(refs) == 1
        env = next(r for r in resources if r["type"].endswith("railway:Environment"))
        assert env["inputs"]["name"] == "pr-7"
        # Staging's Project and environment via the reference: named as staging's, not as the preview's own.
        assert env["inputs"]["project_id"] == "(staging's cartly-project.project_id)"
        assert env["inputs"]["source_environment_id"] == "(staging's cartly-environment.environment_id)"

    def test_plan_prints_a_readable_listing_by_default(self, staging_plan: dict[str, Any]) -> None:
        text = plan_text(staging_plan)
        assert text.startswith(f"Stack staging: {len(staging_plan['resources'])} resources")
        assert (
            '\nrailway:Project cartly-project\n  default_environment_name: "staging"\n  description: ' in text
        )
        assert '\n  domain: "staging.cartly.io"\n' in text


@pytest.fixture(scope="module")
def staging_change(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], str]:
    """A PR that scales staging's web service and moves staging to another domain (not committed)."""
    root = tmp_path_factory.mktemp("diff")
    repo = clone(root / "repo")
    stack_file = repo / "Pulumi.staging.yaml"
    edit(stack_file, "cartly-infra:webReplicas: 1", "cartly-infra:webReplicas: 3")
    edit(stack_file, "cartly-infra:domain: staging.cartly.io", "cartly-infra:domain: stage.cartly.io")
    markdown = root / "plan.md"
    done = plan("--project-dir", str(repo), "--diff", "HEAD", "--output", str(markdown), "--affected")
    return done, markdown.read_text() if markdown.exists() else ""


class TestDiff:
    def test_diff_names_only_the_changed_long_lived_stacks(
        self, staging_change: tuple[subprocess.CompletedProcess[str], str]
    ) -> None:
        done, _markdown = staging_change
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout) == ["staging"]

    def test_diff_counts_per_stack_in_a_summary_table(
        self, staging_change: tuple[subprocess.CompletedProcess[str], str]
    ) -> None:
        _done, markdown = staging_change
        assert markdown.startswith("<!-- cartly-plan -->\n## Infrastructure plan: `")
        assert "| `production` | 0 | 0 | 0 | 0 | 0 | 0 |" in markdown
        # A new domain is a new APP_URL in both services' masked variables: both redeploy.
        assert "| `staging` | 0 | 0 | 1 | 4 | 2 | 2 |" in markdown
        assert "| `pr-1` | 0 | 0 | 0 | 0 | 0 | 0 |" in markdown

    def test_diff_shows_a_changed_input_with_old_and_new_values(
        self, staging_change: tuple[subprocess.CompletedProcess[str], str]
    ) -> None:
        _done, markdown = staging_change
        assert (
            "- **update** `cartly-web-settings` (railway:ServiceInstance)\n  - `num_replicas`: `1` → `3`"
            in markdown
        )

    def test_diff_marks_a_change_of_an_immutable_input_as_a_replacement(
        self, staging_change: tuple[subprocess.CompletedProcess[str], str]
    ) -> None:
        _done, markdown = staging_change
        assert (
            "- **replace** `cartly-web-domain` (railway:CustomDomain) (`domain` cannot change in place)\n"
            "  - `domain`: `staging.cartly.io` → `stage.cartly.io`"
        ) in markdown

    def test_diff_of_an_untouched_stack_is_empty_so_runs_are_deterministic(
        self, staging_change: tuple[subprocess.CompletedProcess[str], str]
    ) -> None:
        _done, markdown = staging_change
        production = markdown.split("### `production`\n\n", 1)[1].split("\n", 1)[0]
        assert production == "No change to the desired state."


@pytest.fixture(scope="module")
def config_only_change(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[subprocess.CompletedProcess[str], str]:
    """A PR that rotates staging's jwtSecret (`pulumi config set --secret`) and sets its NODE_ENV: both reach
    Railway only inside the masked variables, so no planned input shows them."""
    root = tmp_path_factory.mktemp("config")
    repo = clone(root / "repo")
    stack_file = repo / "Pulumi.staging.yaml"
    edit(
        stack_file,
        "cartly-infra:imageTag: staging\n",
        "cartly-infra:imageTag: staging\n  cartly-infra:nodeEnv: staging\n"
        "  cartly-infra:jwtSecret:\n    secure: v1:Zm9yZ2VkLWNpcGhlcnRleHQ=\n",
    )
    markdown = root / "plan.md"
    done = plan("--project-dir", str(repo), "--diff", "HEAD", "--output", str(markdown), "--affected")
    return done, markdown.read_text() if markdown.exists() else ""


class TestConfigChange:
    def test_a_change_seen_only_in_config_makes_its_stack_affected(
        self, config_only_change: tuple[subprocess.CompletedProcess[str], str]
    ) -> None:
        done, _markdown = config_only_change
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout) == ["staging"]

    def test_the_diff_shows_the_changed_config_and_never_a_secret_or_its_ciphertext(
        self, config_only_change: tuple[subprocess.CompletedProcess[str], str]
    ) -> None:
        _done, markdown = config_only_change
        assert "| `staging` | 0 | 0 | 0 | 2 | 2 | 2 |" in markdown
        assert "| `production` | 0 | 0 | 0 | 0 | 0 | 0 |" in markdown
        section = markdown.split("### `staging`\n\n", 1)[1].split("\n\n", 1)[0]
        assert section.splitlines() == [
            "- **update** `cartly-web-variables` (railway:Variables)",
            "  - `secret cartly-infra:jwtSecret`: `[secret]` → `[secret, re-encrypted]`",
            "- **update** `cartly-worker-variables` (railway:Variables)",  # its NODE_ENV, behind the mask
            "  - `variables`: `[secret]` → `[secret, contents changed]`",
            "- **redeploy** `cartly-web-deployment` (railway:Deployment), because:",
            "  - `cartly-web-variables` changes `secret cartly-infra:jwtSecret`",
            "- **redeploy** `cartly-worker-deployment` (railway:Deployment), because:",
            "  - `cartly-worker-variables` changes `variables`",
            "- **config** (secrets never shown)",
            "  - `cartly-infra:jwtSecret`: `[secret]` → `[secret, re-encrypted]`",
            "  - `cartly-infra:nodeEnv`: `production` → `staging`",
        ]
        assert "Zm9yZ2VkLWNpcGhlcnRleHQ" not in markdown and "PLACEHOLDER" not in markdown


def affected_after(repo: Path, *, commit: bool = False) -> list[str]:
    """`--affected` for the change made in `repo`, left in the working tree or committed as a PR would."""
    base = "HEAD"
    if commit:
        subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True, timeout=60)
        author = ["-c", "user.name=t", "-c", "user.email=t@example.com"]
        subprocess.run(["git", "-C", str(repo), *author, "commit", "-qm", "pr"], check=True, timeout=60)
        base = "HEAD~1"
    done = plan("--project-dir", str(repo), "--diff", base, "--stacks", "production,staging", "--affected")
    assert done.returncode == 0, done.stderr
    result: list[str] = json.loads(done.stdout)
    return result


class TestProgramChange:
    """A change to what every stack runs affects them all, though no mocked desired state changes."""

    def test_a_provider_change_affects_production_and_staging(self, tmp_path: Path) -> None:
        repo = clone(tmp_path / "repo")
        edit(repo / "pulumi_railway/api/client.py", "timeout: float = 90.0", "timeout: float = 120.0")
        assert affected_after(repo) == ["production", "staging"]

    def test_a_committed_dependency_bump_affects_production_and_staging(self, tmp_path: Path) -> None:
        repo = clone(tmp_path / "repo")
        edit(repo / "requirements.txt", "requests==2.34.2", "requests==2.34.3")
        assert affected_after(repo, commit=True) == ["production", "staging"]

    def test_a_new_untracked_component_file_affects_production_and_staging(self, tmp_path: Path) -> None:
        repo = clone(tmp_path / "repo")
        (repo / "pulumi_railway" / "toolkit" / "extra.py").write_text('"""Not imported yet."""\n')
        assert affected_after(repo) == ["production", "staging"]

    def test_a_change_outside_the_program_affects_no_stack(self, tmp_path: Path) -> None:
        repo = clone(tmp_path / "repo")
        edit(repo / "tools" / "plan.py", "RUN_TIMEOUT = 300", "RUN_TIMEOUT = 301")
        assert affected_after(repo) == []


class TestFailures:
    def test_a_change_that_breaks_the_program_is_reported_in_the_diff_and_fails(self, tmp_path: Path) -> None:
        repo = clone(tmp_path / "repo")
        edit(repo / "Pulumi.staging.yaml", "cartly-infra:webReplicas: 1", "cartly-infra:webReplicas: 0")
        done = plan("--project-dir", str(repo), "--diff", "HEAD", "--stacks", "staging")
        assert done.returncode == 1
        assert "| `staging` | ⚠ plan failed | | | | | |" in done.stdout
        assert (
            "**Could not compute the plan:** the program fails on this change: Invalid configuration for "
            in done.stdout
        )
        assert "webReplicas" in done.stdout
        assert "Traceback" not in done.stderr

    def test_an_unknown_base_revision_is_a_clear_error(self, checkout: Path) -> None:
        done = plan("--project-dir", str(checkout), "--diff", "no-such-branch")
        assert done.returncode == 2
        assert done.stderr.startswith("plan.py: Unknown git revision 'no-such-branch'")
        assert done.stdout == ""


class TestWhatThePlanCannotKnow:
    def test_digests_and_reviewer_ids_are_labelled_never_invented(self, checkout: Path) -> None:
        done = plan("--project-dir", str(checkout), "production")
        assert done.returncode == 0, done.stderr
        assert "sha256:" not in done.stdout
        assert (
            'reviewers: [{"teams": ["(id of GitHub team platform, looked up at deploy)"], '
            '"users": ["(id of GitHub user cartly-lead, looked up at deploy)"]}]'
        ) in done.stdout
        assert (
            '  imageDigest: "(digest of ghcr.io/cartly-app/cartly:main, resolved at deploy)"\n' in done.stdout
        )

    def test_a_build_context_plans_a_build_instead_of_crashing(self, tmp_path: Path) -> None:
        repo = clone(tmp_path / "repo")
        edit(
            repo / "Pulumi.staging.yaml",
            "cartly-infra:imageTag: staging\n",
            "cartly-infra:imageTag: staging\n  cartly-infra:imageBuildContext: ./app\n",
        )
        done = plan("--project-dir", str(repo), "staging")
        assert done.returncode == 0, done.stderr
        lines = done.stdout.splitlines()
        assert (
            lines[1]
            == "The image is built from ./app and pushed as ghcr.io/cartly-app/cartly:staging at deploy."
        )
        assert "\ndocker:index/image:Image cartly-image-build\n" in done.stdout
        assert (
            '  image: "ghcr.io/cartly-app/cartly@(digest of the image built from ./app at deploy)"' in lines
        )
